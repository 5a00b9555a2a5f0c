using System.Text.RegularExpressions;

namespace Anvil.Server.Issues;

/// <summary>
/// The issues and pull requests of its own repository a text mentions: <c>#12</c>, or <c>owner/repo#12</c> naming that
/// same repository, outside code (fenced blocks and inline code spans, where GitHub does not link them either).
/// </summary>
public static partial class IssueReferences
{
    // At most this many references count from one text (a pasted log full of #numbers is not a hundred references).
    public const int MaxPerText = 50;

    [GeneratedRegex(@"(?<![\w/&#-])(?:(?<owner>[A-Za-z0-9](?:[A-Za-z0-9-]){0,38})/(?<repo>[A-Za-z0-9._-]{1,100}))?#(?<number>[0-9]{1,9})\b")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex(@"^ {0,3}(```|~~~).*?(^ {0,3}\1[ \t]*$|\z)|`[^`\n]+`", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodePattern();

    public static IReadOnlyList<int> Find(string? text, string owner, string repo)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains('#'))
        {
            return [];
        }
        var prose = CodePattern().Replace(text, " ");
        var numbers = new List<int>();
        foreach (Match m in ReferencePattern().Matches(prose))
        {
            if (m.Groups["owner"].Success && !(string.Equals(m.Groups["owner"].Value, owner, StringComparison.OrdinalIgnoreCase)
                && string.Equals(m.Groups["repo"].Value, repo, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            if (int.TryParse(m.Groups["number"].ValueSpan, out var n) && n > 0 && !numbers.Contains(n))
            {
                numbers.Add(n);
                if (numbers.Count == MaxPerText)
                {
                    break;
                }
            }
        }
        return numbers;
    }
}

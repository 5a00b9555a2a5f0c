using System.Globalization;
using System.Text.RegularExpressions;

namespace Anvil.Server.PullRequests;

/// <summary>
/// GitHub's closing keywords ("Fixes #12", "closes owner/repo#12"): the issues a pull request closes when it is merged
/// into the default branch, named in its body or in its commits' messages.
/// </summary>
public static partial class ClosingKeywords
{
    // close, closes, closed, fix, fixes, fixed, resolve, resolves, resolved; then a colon or a space, then the reference.
    [GeneratedRegex(@"(?<![\w/#-])(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)(?::[ \t]*|[ \t]+)(?:(?<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?<repo>[A-Za-z0-9._-]+))?#(?<number>[0-9]{1,9})(?![\w#])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    /// <summary>The issue numbers <paramref name="texts"/> close in <paramref name="owner"/>/<paramref name="name"/>; references to other repositories are not this one's.</summary>
    public static IReadOnlyList<int> IssueNumbers(IEnumerable<string?> texts, string owner, string name)
    {
        var numbers = new List<int>();
        foreach (var text in texts)
        {
            foreach (Match m in Reference().Matches(text ?? ""))
            {
                if (m.Groups["owner"].Success && !(string.Equals(m.Groups["owner"].Value, owner, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(m.Groups["repo"].Value, name, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }
                numbers.Add(int.Parse(m.Groups["number"].Value, CultureInfo.InvariantCulture));
            }
        }
        return numbers.Where(n => n > 0).Distinct().ToList();
    }
}

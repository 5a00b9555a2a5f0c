using System.Text;

namespace Anvil.Server.Search;

/// <summary>
/// A search string split into free text and GitHub-style qualifiers (<c>repo:o/n</c>, <c>is:open</c> or <c>state:open</c>, <c>user:name</c>;
/// for issues also <c>author:name</c> and <c>is:issue</c>/<c>is:pr</c>, the latter in <see cref="IsPullRequest"/>; for repositories
/// <c>topic:name</c>, each one required; <c>assignee:name</c>, <c>is:merged</c> and <c>is:unmerged</c> for issues, a name also <see cref="Me"/>).
/// </summary>
public sealed record SearchQuery(string Text, string? RepoOwner, string? RepoName, string? State, string? User, string? Author = null,
    bool? IsPullRequest = null, IReadOnlyList<string>? Topics = null, string? Assignee = null, bool? IsMerged = null)
{
    /// <summary>GitHub's stand-in for the signed-in user in <c>author:</c> and <c>assignee:</c>.</summary>
    public const string Me = "@me";

    public const int MaxLength = 256;

    public static SearchQuery Parse(string? q)
    {
        q = (q ?? "").Trim();
        if (q.Length > MaxLength)
        {
            throw Infrastructure.AnvilException.BadRequest($"q must be at most {MaxLength} characters");
        }
        string? owner = null, name = null, state = null, user = null, author = null, assignee = null;
        bool? isPullRequest = null, isMerged = null;
        var words = new List<string>();
        var topics = new List<string>();
        foreach (var token in q.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = token.IndexOf(':');
            var (key, value) = colon > 0 ? (token[..colon].ToLowerInvariant(), token[(colon + 1)..]) : ("", token);
            switch (key)
            {
                case "repo" when value.Split('/') is [{ Length: > 0 } o, { Length: > 0 } n]:
                    (owner, name) = (o, n);
                    break;
                case "is" or "state" when value.ToLowerInvariant() is "open" or "closed":
                    state = value.ToLowerInvariant();
                    break;
                case "user" or "owner" or "org" when value.Length > 0:
                    user = value;
                    break;
                case "topic" when value.Length > 0:
                    topics.Add(value.ToLowerInvariant());
                    break;
                case "author" when value.Length > 0:
                    author = value;
                    break;
                case "assignee" when value.Length > 0:
                    assignee = value;
                    break;
                case "is" when value.ToLowerInvariant() is "merged" or "unmerged":
                    isMerged = value.ToLowerInvariant() == "merged";
                    break;
                case "is" or "type" when value.ToLowerInvariant() is "issue" or "pr" or "pull-request" or "pull_request":
                    isPullRequest = value.ToLowerInvariant() != "issue";
                    break;
                default:
                    words.Add(token);
                    break;
            }
        }
        return new SearchQuery(string.Join(' ', words), owner, name, state, user, author, isPullRequest, topics, assignee, isMerged);
    }

    /// <summary>
    /// The free text as an FTS5 expression: every word quoted (so no FTS syntax can be injected),
    /// all required, the last one as a prefix so results appear while typing.
    /// </summary>
    public string ToFts5()
    {
        var terms = Text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string(w.Where(ch => char.IsLetterOrDigit(ch) || ch is '_' or '-' or '.' or '@').ToArray()))
            .Select(w => w.Replace("-", " ").Replace(".", " ").Replace("@", " ").Trim())
            .Where(w => w.Length > 0)
            .ToList();
        var sb = new StringBuilder();
        for (var i = 0; i < terms.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" AND ");
            }
            sb.Append('"').Append(terms[i].Replace("\"", "\"\"")).Append('"');
            if (i == terms.Count - 1)
            {
                sb.Append('*');
            }
        }
        return sb.ToString();
    }

    /// <summary>The free text as a PostgreSQL prefix tsquery source: words ANDed, the last one a prefix.</summary>
    public string ToTsQuery()
    {
        // Words as the index holds them: it turns punctuation into spaces before parsing (see SearchPunctuationAsSpaces),
        // so "pr-12345678" is the words pr and 12345678, never the signed number -12345678, and "anvil.web" two words
        // rather than a host name.
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var ch in Text.Append(' '))
        {
            if (char.IsLetterOrDigit(ch))
            {
                word.Append(ch);
            }
            else if (word.Length > 0)
            {
                terms.Add(word.ToString());
                word.Clear();
            }
        }
        return string.Join(" & ", terms.Select((t, i) => i == terms.Count - 1 ? t + ":*" : t));
    }
}

using Anvil.Git.Reading;
using Anvil.Web.Ports;

namespace Anvil.Web.Rendering;

/// <summary>
/// The Markdown of a conversation's posts, with one lookup for all the people and issues they reference. A busy issue is a
/// hundred posts, each parsed and sanitized on every view, so each post's HTML is kept, keyed by everything it depends on:
/// the repository, the text, and where each of the text's references leads now (which mentioned people exist, which
/// numbered issues exist and whether each is a pull request). That lookup still runs on every view, so a person who signs
/// up or an issue opened after the post was written changes the key, and the post is rendered again with its new link.
/// </summary>
public static class Conversation
{
    // Both bounded by approximate bytes; a page's posts are a few KiB each.
    private static readonly LruCache<string, (IReadOnlySet<string> Mentions, IReadOnlySet<int> Numbers)> ReferencesOfText = new(8L * 1024 * 1024);
    private static readonly LruCache<string, string> Html = new(32L * 1024 * 1024);

    public static async Task<IReadOnlyList<string>> RenderAsync(IReadOnlyList<string> bodies, string owner, string repo, IWebRepositories repositories)
    {
        // Parsed here only when not known; a parse is then used for the HTML too (rendering changes the parsed document).
        var parsed = new Markdown.Parsed?[bodies.Count];
        var found = new (IReadOnlySet<string> Mentions, IReadOnlySet<int> Numbers)[bodies.Count];
        for (var i = 0; i < bodies.Count; i++)
        {
            if (!ReferencesOfText.TryGet(bodies[i], out found[i]))
            {
                var p = parsed[i] = Markdown.Parse(bodies[i]);
                found[i] = (p.Mentions, p.IssueNumbers);
                ReferencesOfText.Set(bodies[i], found[i], 64 + 2L * bodies[i].Length + 32L * (p.Mentions.Count + p.IssueNumbers.Count));
            }
        }
        var mentions = found.SelectMany(f => f.Mentions).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var numbers = found.SelectMany(f => f.Numbers).ToHashSet();
        var references = mentions.Count + numbers.Count == 0
            ? Markdown.References.None
            : await repositories.ReferencesAsync(owner, repo, mentions, numbers, default);
        var html = new string[bodies.Count];
        for (var i = 0; i < bodies.Count; i++)
        {
            var key = Key(owner, repo, bodies[i], found[i].Mentions, found[i].Numbers, references);
            if (!Html.TryGet(key, out html[i]!))
            {
                html[i] = Markdown.ToHtml(parsed[i] ?? Markdown.Parse(bodies[i]), references);
                Html.Set(key, html[i], 64 + 2L * (key.Length + html[i].Length));
            }
        }
        return html;
    }

    /// <summary>
    /// The repository, then each reference of the text with where it leads ("" for nowhere), then the text. Only the text
    /// may hold a NUL, and it comes last, so two different inputs never make one key.
    /// </summary>
    private static string Key(string owner, string repo, string body, IReadOnlySet<string> mentions, IReadOnlySet<int> numbers, Markdown.References references)
    {
        var key = new System.Text.StringBuilder(owner.Length + repo.Length + body.Length + 32);
        key.Append(owner).Append('/').Append(repo).Append('\0');
        foreach (var m in mentions.Order(StringComparer.OrdinalIgnoreCase))
        {
            key.Append('@').Append(m).Append(references.Users.Contains(m) ? "=1 " : "=0 ");
        }
        foreach (var n in numbers.Order())
        {
            key.Append('#').Append(n).Append('=').Append(references.Issues.GetValueOrDefault(n) ?? "").Append(' ');
        }
        return key.Append('\0').Append(body).ToString();
    }
}

using Anvil.Web.Ports;

namespace Anvil.Web.Rendering;

/// <summary>The Markdown of a conversation's posts, with one lookup for all the people and issues they reference.</summary>
public static class Conversation
{
    public static async Task<IReadOnlyList<string>> RenderAsync(IReadOnlyList<string> bodies, string owner, string repo, IWebRepositories repositories)
    {
        var parsed = bodies.Select(Markdown.Parse).ToList();
        var mentions = parsed.SelectMany(p => p.Mentions).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var numbers = parsed.SelectMany(p => p.IssueNumbers).ToHashSet();
        var references = mentions.Count + numbers.Count == 0
            ? Markdown.References.None
            : await repositories.ReferencesAsync(owner, repo, mentions, numbers, default);
        return parsed.Select(p => Markdown.ToHtml(p, references)).ToList();
    }
}

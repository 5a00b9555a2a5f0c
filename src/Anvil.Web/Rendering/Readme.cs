using System.Text;
using Anvil.Git.Reading;
using Anvil.Web.Ports;

namespace Anvil.Web.Rendering;

/// <summary>Which file of a directory is its README, and how it is shown.</summary>
public static class Readme
{
    private static readonly string[] Names = ["README.md", "README.markdown", "readme.md", "README", "README.txt"];

    public static GitTreeEntry? Find(IReadOnlyList<GitTreeEntry> entries)
    {
        foreach (var name in Names)
        {
            if (entries.FirstOrDefault(e => e.Kind == GitTreeEntryKind.Blob && string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)) is { } found)
            {
                return found;
            }
        }
        return null;
    }

    /// <summary>The file as HTML, its <c>@user</c> and <c>#123</c> references linked where they lead somewhere.</summary>
    public static async Task<string?> RenderAsync(FileView view, GitTreeEntry entry, IWebRepositories repositories)
    {
        if (view.File is not { Content: { } bytes, IsBinary: false })
        {
            return null;
        }
        var text = Encoding.UTF8.GetString(bytes);
        if (!entry.Name.Contains('.') || entry.Name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            return "<pre class=\"plain-readme\">" + System.Net.WebUtility.HtmlEncode(text) + "</pre>";
        }
        var repo = view.Context.Repo;
        var folder = entry.Path.Contains('/') ? entry.Path[..entry.Path.LastIndexOf('/')] : "";
        var parsed = Markdown.Parse(text);
        var references = parsed.Mentions.Count + parsed.IssueNumbers.Count == 0
            ? Markdown.References.None
            : await repositories.ReferencesAsync(repo.Owner, repo.Name, parsed.Mentions, parsed.IssueNumbers, default);
        return Markdown.ToHtml(parsed, references,
            Markdown.Base(Links.Blob(repo.Owner, repo.Name, view.Ref, ""), folder),
            Markdown.Base(Links.Raw(repo.Owner, repo.Name, view.Ref, ""), folder));
    }
}

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

    public static string? Render(FileView view, GitTreeEntry entry)
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
        return Markdown.ToHtml(text,
            Markdown.Base(Links.Blob(repo.Owner, repo.Name, view.Ref, ""), folder),
            Markdown.Base(Links.Raw(repo.Owner, repo.Name, view.Ref, ""), folder));
    }
}

using System.Text.RegularExpressions;
using Ganss.Xss;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Anvil.Web.Rendering;

/// <summary>
/// User Markdown as HTML: GitHub-flavoured (tables, task lists, autolinks, fenced code) and sanitized. In a repository,
/// relative links resolve to its blob pages and relative images to its raw files, from the document's own folder.
/// </summary>
public static partial class Markdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables().UseTaskLists().UseAutoLinks().UseEmphasisExtras().UseAutoIdentifiers()
        .Build(); // raw HTML in Markdown is kept, then sanitized like the rest

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public const string UserIdPrefix = "user-content-";

    private static HtmlSanitizer CreateSanitizer()
    {
        var s = new HtmlSanitizer();
        // The page's CSP refuses inline styles; letting them through would only log errors.
        s.AllowedAttributes.Remove("style");
        s.AllowedTags.Add("input");
        s.AllowedAttributes.Add("checked");
        s.AllowedAttributes.Add("disabled");
        s.AllowedAttributes.Add("type");
        s.AllowedSchemes.Add("mailto");
        s.AllowedAttributes.Add("id");
        s.AllowedAttributes.Add("class");
        s.PostProcessNode += (_, e) =>
        {
            if (e.Node is not AngleSharp.Dom.IElement element)
            {
                return;
            }
            if (element.TagName == "INPUT")
            {
                if (element.GetAttribute("type") != "checkbox")
                {
                    element.Remove();
                    return;
                }
                // A task list's box has no <label>; its name says what it is, its state says whether it is done.
                element.SetAttribute("aria-label", "Task");
            }
            // Classes would let a README wear the page's own styles; only a code block's language and Markdig's own
            // task-list classes (which drop the bullet before a checkbox) are kept.
            if (element.GetAttribute("class") is { } cls && !(element.TagName == "CODE" && cls.StartsWith("language-", StringComparison.Ordinal) && !cls.Contains(' '))
                && !(element.TagName == "LI" && cls == "task-list-item"))
            {
                element.RemoveAttribute("class");
            }
            // User ids live in their own namespace, as on GitHub: a heading "Main" must not become the page's #main.
            if (element.GetAttribute("id") is { Length: > 0 } id)
            {
                element.SetAttribute("id", UserIdPrefix + id);
            }
            if (element.TagName == "A" && element.GetAttribute("href") is { Length: > 1 } href && href[0] == '#')
            {
                element.SetAttribute("href", "#" + UserIdPrefix + href[1..]);
            }
        };
        return s;
    }

    /// <summary>A parsed document and the <c>@user</c> and <c>#123</c> references its text makes (outside code and links).</summary>
    public sealed class Parsed
    {
        internal MarkdownDocument Document { get; }
        public IReadOnlySet<string> Mentions { get; }
        public IReadOnlySet<int> IssueNumbers { get; }

        internal Parsed(MarkdownDocument document)
        {
            Document = document;
            var mentions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var numbers = new HashSet<int>();
            foreach (var literal in Texts(document))
            {
                foreach (Match m in Reference().Matches(literal.Content.ToString()))
                {
                    if (m.Groups["user"].Success)
                    {
                        mentions.Add(m.Groups["user"].Value);
                    }
                    else if (int.TryParse(m.Groups["number"].Value, out var n))
                    {
                        numbers.Add(n);
                    }
                }
            }
            Mentions = mentions;
            IssueNumbers = numbers;
        }
    }

    /// <summary>Where the references of a document lead: the people that exist, and the issues (or pull requests) of its repository.</summary>
    /// <param name="Issues">Per existing number, the page it opens ("/o/r/issues/3" or "/o/r/pull/4").</param>
    public sealed record References(IReadOnlySet<string> Users, IReadOnlyDictionary<int, string> Issues)
    {
        public static readonly References None = new(new HashSet<string>(), new Dictionary<int, string>());
    }

    // "@name" as GitHub finds it: not inside a word or an email address, a username's characters, no trailing hyphen.
    // "#12" likewise not inside a word or after "&" (an HTML entity) or "/" (a URL fragment).
    [GeneratedRegex(@"(?<![\w@/.`&#-])(?:@(?<user>[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})(?![\w-])|#(?<number>[1-9][0-9]{0,8})\b)")]
    private static partial Regex Reference();

    public static Parsed Parse(string markdown) => new(Markdig.Markdown.Parse(markdown, Pipeline));

    /// <summary>The plain text runs of a document a reference may sit in: not in links, code or raw HTML.</summary>
    private static List<LiteralInline> Texts(MarkdownDocument document) =>
        document.Descendants<LiteralInline>().Where(l => l.FindParentOfType<LinkInline>().FirstOrDefault() is null).ToList();

    private static void LinkReferences(MarkdownDocument document, References references)
    {
        foreach (var literal in Texts(document))
        {
            var text = literal.Content.ToString();
            var matches = Reference().Matches(text);
            var at = 0;
            var replaced = false;
            foreach (Match m in matches)
            {
                var url = m.Groups["user"].Success
                    ? references.Users.Contains(m.Groups["user"].Value) ? Links.User(m.Groups["user"].Value) : null
                    : int.TryParse(m.Groups["number"].Value, out var n) && references.Issues.TryGetValue(n, out var page) ? page : null;
                if (url is null)
                {
                    continue;
                }
                if (m.Index > at)
                {
                    literal.InsertBefore(new LiteralInline(text[at..m.Index]));
                }
                var link = new LinkInline(url, "");
                link.AppendChild(new LiteralInline(m.Value));
                literal.InsertBefore(link);
                at = m.Index + m.Length;
                replaced = true;
            }
            if (replaced)
            {
                if (at < text.Length)
                {
                    literal.InsertBefore(new LiteralInline(text[at..]));
                }
                literal.Remove();
            }
        }
    }

    /// <param name="blobBase">Where a relative link of the document points (the blob URL of its folder), or null outside a repository.</param>
    /// <param name="rawBase">Likewise for relative images.</param>
    public static string ToHtml(string markdown, string? blobBase = null, string? rawBase = null) =>
        ToHtml(Parse(markdown), References.None, blobBase, rawBase);

    /// <param name="references">Where the document's <c>@user</c> and <c>#123</c> lead; those not in it stay text.</param>
    public static string ToHtml(Parsed parsed, References references, string? blobBase = null, string? rawBase = null)
    {
        var document = parsed.Document;
        if (blobBase is not null && rawBase is not null)
        {
            foreach (var link in document.Descendants<LinkInline>())
            {
                if (link.Url is { } url && IsRelative(url))
                {
                    link.Url = Resolve(link.IsImage ? rawBase : blobBase, url);
                }
            }
        }
        // After the relative links are resolved: a reference's own link is already a page of this site.
        LinkReferences(document, references);
        var html = document.ToHtml(Pipeline);
        return Sanitizer.Sanitize(html);
    }

    private static bool IsRelative(string url) =>
        url.Length > 0 && url[0] != '#' && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains(':');

    /// <summary>Joins a relative URL onto a folder URL, folding "." and ".." (never above the repository root).</summary>
    private static string Resolve(string folderUrl, string relative)
    {
        var (root, folder) = SplitBase(folderUrl);
        var segments = relative.StartsWith('/') ? new List<string>() : folder.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        var suffix = "";
        var cut = relative.IndexOfAny(['#', '?']);
        if (cut >= 0)
        {
            suffix = relative[cut..];
            relative = relative[..cut];
        }
        foreach (var part in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (part != ".")
            {
                segments.Add(part);
            }
        }
        return root + string.Join('/', segments) + suffix;
    }

    // The base is "<repo>/blob/<ref>/" + folder; the part before the folder is marked by a "|" the caller puts there.
    private static (string Root, string Folder) SplitBase(string folderUrl)
    {
        var bar = folderUrl.IndexOf('|');
        return bar < 0 ? (folderUrl.TrimEnd('/') + "/", "") : (folderUrl[..bar].TrimEnd('/') + "/", folderUrl[(bar + 1)..]);
    }

    /// <summary>The base argument for a document in <paramref name="folder"/> whose files are under <paramref name="refRoot"/>.</summary>
    public static string Base(string refRoot, string folder) => refRoot + "|" + folder;
}

using Anvil.Web.Rendering;

namespace Anvil.Web.Tests;

/// <summary>User Markdown becomes safe HTML whose relative links stay inside the repository.</summary>
public sealed class MarkdownTests
{
    private static string Render(string markdown, string folder = "docs") =>
        Markdown.ToHtml(markdown, Markdown.Base("/o/r/blob/main", folder), Markdown.Base("/o/r/raw/main", folder));

    [Fact]
    public void Relative_links_go_to_blob_pages_and_images_to_raw_files_from_the_documents_folder()
    {
        var html = Render("[a](guide.md) [b](../README.md#usage) [c](/src/x.py) [d](https://example.com/) ![i](img/logo.png) [e](#top)");
        Assert.Contains("href=\"/o/r/blob/main/docs/guide.md\"", html);
        Assert.Contains("href=\"/o/r/blob/main/README.md#usage\"", html);
        Assert.Contains("href=\"/o/r/blob/main/src/x.py\"", html);
        Assert.Contains("href=\"https://example.com/\"", html);
        Assert.Contains("src=\"/o/r/raw/main/docs/img/logo.png\"", html);
        Assert.Contains("href=\"#user-content-top\"", html);
        // ".." never climbs above the repository.
        Assert.Contains("href=\"/o/r/blob/main/x\"", Render("[up](../../../x)"));
    }

    [Fact]
    public void Scripts_handlers_styles_and_script_urls_are_removed()
    {
        var html = Render("<script>alert(1)</script><img src=x onerror=alert(1)><p style=\"color:red\">hi</p>[x](javascript:alert(1))<iframe src=//evil></iframe>\n\n[x](javascript:alert(1)) <a class=\"flash-error\" href=\"/x\">y</a>");
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("onerror", html);
        Assert.DoesNotContain("style=", html);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html);
        Assert.DoesNotContain("flash-error", html);
        Assert.Contains("hi", html);
    }

    [Fact]
    public void GitHub_flavour_tables_task_lists_autolinks_and_fenced_code_render()
    {
        var html = Render("# Main\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\nsee https://example.com\n\n```js\nlet x = 1 < 2;\n```\n");
        Assert.Contains("<table>", html);
        Assert.Contains("type=\"checkbox\"", html);
        Assert.Contains("checked", html);
        Assert.Contains("<li class=\"task-list-item\">", html); // no bullet before the box
        Assert.Contains("aria-label=\"Task\"", html); // a box without a <label> still has a name
        Assert.Contains("<a href=\"https://example.com\">", html);
        Assert.Contains("class=\"language-js\"", html);
        Assert.Contains("1 &lt; 2", html);
        Assert.Contains("id=\"user-content-main\"", html); // never the page's own #main
    }

    [Fact]
    public void Mentions_and_issue_numbers_link_only_where_they_lead_and_never_inside_code_links_or_addresses()
    {
        var parsed = Markdown.Parse("Hi @alice and @Bob-2, see #12 and #7.\n\n`@alice #12` [@alice](https://x.example/) mail alice@example.com or a/b#12 &#12; @ghost- #0 @nobody");
        Assert.Equal(["alice", "Bob-2", "nobody"], parsed.Mentions.Order(StringComparer.OrdinalIgnoreCase).ToArray());
        Assert.Equal([7, 12], parsed.IssueNumbers.Order().ToArray());
        var references = new Markdown.References(new HashSet<string>(["alice", "bob-2"], StringComparer.OrdinalIgnoreCase),
            new Dictionary<int, string> { [12] = "/o/r/pull/12" });
        var html = Markdown.ToHtml(parsed, references, Markdown.Base("/o/r/blob/main", ""), Markdown.Base("/o/r/raw/main", ""));
        Assert.Contains("<a href=\"/alice\">@alice</a>", html);
        Assert.Contains("<a href=\"/Bob-2\">@Bob-2</a>", html);
        Assert.Contains("<a href=\"/o/r/pull/12\">#12</a>", html);
        Assert.Contains("#7.", html); // no such issue: stays text
        Assert.Contains("<code>@alice #12</code>", html);
        Assert.Contains("<a href=\"https://x.example/\">@alice</a>", html);
        Assert.Contains("alice@example.com", html);
        Assert.DoesNotContain("href=\"/nobody\"", html);
        Assert.Equal(1, html.Split("href=\"/alice\"").Length - 1);
    }
}

using System.Text.RegularExpressions;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>Reading code: highlighted files, the split and unified diff, collapsing files, long diffs cut with a way to the rest.</summary>
public abstract class CodeViewTests(AnvilServer server, Chromium chromium)
{
    private const string Greeter = """
        // Says hello <b>not bold</b> & more
        public class Greeter
        {
            public string Html = "<script>alert('x')</script>";
            public int Answer() => 42;
        }

        """;

    private static readonly string Edited = Greeter.Replace("=> 42;", "=> 43;\n    public int Twice() => 86;");

    private const string Hello = "def greet(name):\n    return \"<i>hi</i> \" + name\n";

    /// <summary>A repository with a C# and a Python file, a file of 20,001 lines, then a commit that edits the C#.</summary>
    private async Task<(string Owner, string Edit)> PushCodeAsync(string repo)
    {
        var owner = await server.SignUpAsync("reader" + Guid.NewGuid().ToString("N")[..6]);
        using (var c = owner.Client())
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, (await c.PostAsync("/api/repositories", System.Net.Http.Json.JsonContent.Create(new { name = repo }))).StatusCode);
        }
        using var git = new GitClient();
        var work = git.Path("work");
        await git.OkAsync(null, "init", "-q", work);
        await File.WriteAllTextAsync(Path.Combine(work, "hello.py"), Hello);
        await File.WriteAllTextAsync(Path.Combine(work, "big.py"), string.Concat(Enumerable.Repeat("x = 1\n", 20_001)));
        await git.OkAsync(work, "add", "-A");
        await git.CommitFileAsync(work, "src/Greeter.cs", Greeter, "Greet");
        var edit = await git.CommitFileAsync(work, "src/Greeter.cs", Edited, "Change the answer");
        await git.OkAsync(work, "push", "-q", GitClient.Url(server, owner.Username, repo, owner.Username, owner.Password), "HEAD:refs/heads/main");
        return (owner.Username, edit);
    }

    [Fact]
    public async Task A_code_file_is_highlighted_with_its_text_escaped_and_its_line_range_still_selects()
    {
        var (o, _) = await PushCodeAsync("code");
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;

        Assert.Equal(200, await viewer.GoAsync($"/{o}/code/blob/main/src/Greeter.cs#L2-L4"));
        var code = page.Locator("table.code");
        // Coloured spans: the comment, a keyword, the string, the number; each in a colour of its own, not the text's.
        await Assertions.Expect(page.Locator("#L1 .lc .hl-c")).ToHaveTextAsync("// Says hello <b>not bold</b> & more");
        await Assertions.Expect(page.Locator("#L2 .lc .hl-k").First).ToHaveTextAsync("public");
        await Assertions.Expect(page.Locator("#L4 .lc .hl-s")).ToHaveTextAsync("\"<script>alert('x')</script>\"");
        await Assertions.Expect(page.Locator("#L5 .lc .hl-n")).ToHaveTextAsync("43");
        var colours = await page.EvaluateAsync<string[]>("""
            () => ['#L2 .lc', '#L1 .hl-c', '#L2 .hl-k', '#L4 .hl-s', '#L5 .hl-n'].map(s => getComputedStyle(document.querySelector(s)).color)
            """);
        Assert.Equal(colours.Length, colours.Distinct().Count());
        // The user's markup stays text: no element came of it, and every line reads exactly as the file does.
        await Assertions.Expect(code.Locator("b, script, i")).ToHaveCountAsync(0);
        var source = Edited.TrimEnd('\n').Split('\n');
        await Assertions.Expect(code.Locator("td.lc")).ToHaveTextAsync(source);
        // Exactly, whitespace and all (the assertion above forgives spacing; code must not gain or lose any).
        Assert.Equal(source, await code.Locator("td.lc").EvaluateAllAsync<string[]>("cells => cells.map(c => c.textContent)"));
        // Line numbers and the #L2-L4 range are as before.
        await Assertions.Expect(code.Locator("tr.selected")).ToHaveCountAsync(3);
        await Assertions.Expect(code.Locator("tr.selected").First).ToHaveAttributeAsync("id", "L2");
        await Assertions.Expect(code.Locator("tr.selected").Last).ToHaveAttributeAsync("id", "L4");
        await Assertions.Expect(page.Locator("#L4 td.ln a")).ToHaveAttributeAsync("href", "#L4");

        Assert.Equal(200, await viewer.GoAsync($"/{o}/code/blob/main/hello.py"));
        await Assertions.Expect(page.Locator("#L1 .lc .hl-k")).ToHaveTextAsync("def");
        await Assertions.Expect(page.Locator("#L1 .lc .hl-f")).ToHaveTextAsync("greet");
        await Assertions.Expect(page.Locator("#L2 .lc")).ToHaveTextAsync("    return \"<i>hi</i> \" + name");
        await Assertions.Expect(page.Locator("table.code i")).ToHaveCountAsync(0);
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_file_over_the_highlighting_limit_is_shown_plain_with_all_its_lines()
    {
        var (o, _) = await PushCodeAsync("big");
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;

        Assert.Equal(200, await viewer.GoAsync($"/{o}/big/blob/main/big.py#L20001"));
        await Assertions.Expect(page.Locator(".file-header")).ToContainTextAsync("20001 lines");
        await Assertions.Expect(page.Locator("#L20001 .lc")).ToHaveTextAsync("x = 1");
        await Assertions.Expect(page.Locator("#L20001")).ToHaveClassAsync("selected");
        await Assertions.Expect(page.Locator("table.code [class^='hl-']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_split_view_shows_old_beside_new_and_a_file_collapses_without_script()
    {
        var (o, edit) = await PushCodeAsync("diffs");
        // Without JavaScript: the view toggle is a link and collapsing is the browser's own <details>.
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;

        Assert.Equal(200, await viewer.GoAsync($"/{o}/diffs/commit/{edit}"));
        await Assertions.Expect(page.Locator("table.diff")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("table.diff.split")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Unified" })).ToHaveAttributeAsync("aria-current", "page");
        // The diff is highlighted too.
        await Assertions.Expect(page.Locator("table.diff tr.add .hl-n")).ToHaveTextAsync(["43", "86"]);

        await page.GetByRole(AriaRole.Link, new() { Name = "Split" }).ClickAsync();
        await page.WaitForDocumentAsync(new Regex("\\?diff=split$"));
        var split = page.Locator("table.diff.split");
        await Assertions.Expect(split).ToBeVisibleAsync();
        // The changed line: the old one on the left, the new beside it on the right, each with its own line number.
        var changed = split.Locator("tr", new() { Has = page.Locator("td.del:nth-child(even)") });
        await Assertions.Expect(changed).ToHaveCountAsync(1);
        Assert.Equal(["5", "-    public int Answer() => 42;", "5", "+    public int Answer() => 43;"], await changed.Locator("td").EvaluateAllAsync<string[]>(DiffCells.Seen));
        // The added line has nothing beside it on the old side; a context line is on both sides.
        var added = split.Locator("tr", new() { Has = page.Locator("td.add:nth-child(even)", new() { HasText = "Twice" }) });
        await Assertions.Expect(added.Locator("td.e")).ToHaveCountAsync(2);
        await Assertions.Expect(added.Locator("td.add:nth-child(odd)")).ToHaveTextAsync("6");
        var context = split.Locator("tr", new() { Has = page.Locator("td:nth-child(even):not([class])", new() { HasText = "public class Greeter" }) });
        await Assertions.Expect(context.Locator("td:nth-child(even):not([class])")).ToHaveCountAsync(2);
        // The split table is as wide as the page: the halves side by side.
        var halves = await changed.Locator("td:nth-child(even)").EvaluateAllAsync<double[]>("cells => cells.map(c => c.getBoundingClientRect().left)");
        Assert.True(halves[1] > halves[0] + 300, $"the new side starts right of the old ({halves[0]}, {halves[1]})");

        // Collapse the file by its header, and open it again.
        var file = page.Locator("details.diff-file");
        await Assertions.Expect(file).ToHaveAttributeAsync("open", "");
        await file.Locator("summary").ClickAsync();
        await Assertions.Expect(file).Not.ToHaveAttributeAsync("open", new Regex(".*"));
        await Assertions.Expect(split).ToBeHiddenAsync();
        await file.Locator("summary").ClickAsync();
        await Assertions.Expect(split).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Unified" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/diffs/commit/{edit}");
        await Assertions.Expect(page.Locator("table.diff.split")).ToHaveCountAsync(0);
        Assert.Equal(["-    public int Answer() => 42;"], await page.Locator("table.diff tr.del td:nth-child(3)").EvaluateAllAsync<string[]>(DiffCells.Seen));
        Assert.Equal(["+    public int Answer() => 43;", "+    public int Twice() => 86;"],
            await page.Locator("table.diff tr.add td:nth-child(3)").EvaluateAllAsync<string[]>(DiffCells.Seen));
    }

    [Fact]
    public async Task A_long_diff_is_cut_and_the_links_lead_to_the_rest()
    {
        var owner = await server.SignUpAsync("long" + Guid.NewGuid().ToString("N")[..6]);
        using (var c = owner.Client())
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, (await c.PostAsync("/api/repositories", System.Net.Http.Json.JsonContent.Create(new { name = "long" }))).StatusCode);
        }
        using var git = new GitClient();
        var work = git.Path("work");
        await git.OkAsync(null, "init", "-q", work);
        // 101 small files (one more than a page shows) and one of 1,200 lines (more than a file shows by default).
        for (var i = 0; i <= 100; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(work, $"f{i:000}.txt"), $"file {i}\n");
        }
        await File.WriteAllTextAsync(Path.Combine(work, "zlong.txt"), string.Concat(Enumerable.Range(1, 1200).Select(n => $"line {n}\n")));
        await git.OkAsync(work, "add", "-A");
        await git.OkAsync(work, "commit", "-q", "-m", "Many files");
        var sha = (await git.OkAsync(work, "rev-parse", "HEAD")).Trim();
        await git.OkAsync(work, "push", "-q", GitClient.Url(server, owner.Username, "long", owner.Username, owner.Password), "HEAD:refs/heads/main");
        var o = owner.Username;
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;

        Assert.Equal(200, await viewer.GoAsync($"/{o}/long/commit/{sha}?diff=split"));
        await Assertions.Expect(page.Locator(".diff-stats")).ToContainTextAsync("102 changed files");
        await Assertions.Expect(page.Locator("details.diff-file")).ToHaveCountAsync(100);
        await Assertions.Expect(page.Locator("details.diff-file .diff-path").Last).ToHaveTextAsync("f099.txt");
        await Assertions.Expect(page.Locator(".diff-more")).ToContainTextAsync("Showing files 1–100 of 102.");

        // The next page has the rest, and keeps the split view.
        await page.GetByRole(AriaRole.Link, new() { Name = "Show the next 2 files" }).ClickAsync();
        await page.WaitForDocumentAsync(new Regex("\\?diff=split&start=100$"));
        await Assertions.Expect(page.Locator("details.diff-file .diff-path")).ToHaveTextAsync(["f100.txt", "zlong.txt"]);
        await Assertions.Expect(page.Locator(".diff-more")).ToHaveCountAsync(0);
        // The long file is cut: its header and a link, no lines.
        var longFile = page.Locator("details.diff-file", new() { Has = page.Locator(".diff-path", new() { HasText = "zlong.txt" }) });
        await Assertions.Expect(longFile.Locator("table")).ToHaveCountAsync(0);
        await Assertions.Expect(longFile.Locator(".diff-cut")).ToContainTextAsync("Large diffs are not shown by default.");

        await longFile.GetByRole(AriaRole.Link, new() { Name = "Load the diff of zlong.txt" }).ClickAsync();
        await page.WaitForDocumentAsync(new Regex("\\?diff=split&file=zlong.txt#diff-[0-9a-f]{16}$"));
        await Assertions.Expect(page.Locator("details.diff-file")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("table.diff.split td.add:nth-child(even)")).ToHaveCountAsync(1200);
        Assert.Equal("+line 1200", (await page.Locator("table.diff.split td.add:nth-child(even)").Last.EvaluateAllAsync<string[]>(DiffCells.Seen))[0]);

        await page.GetByRole(AriaRole.Link, new() { Name = "Show all files" }).ClickAsync();
        await page.WaitForDocumentAsync(new Regex("\\?diff=split$"));
        await Assertions.Expect(page.Locator("details.diff-file")).ToHaveCountAsync(100);

        // A page number mangled by hand shows the first page.
        foreach (var (start, first) in new[] { ("abc", "f000.txt"), ("-5", "f000.txt"), ("99999999999", "f000.txt"), ("1000", "zlong.txt") })
        {
            Assert.Equal(200, await viewer.GoAsync($"/{o}/long/commit/{sha}?start={start}"));
            await Assertions.Expect(page.Locator("details.diff-file .diff-path").First).ToHaveTextAsync(first);
        }
        viewer.AssertNoConsoleErrors();
    }
}

public sealed class CodeViewTestsOnSqlite(SqliteServer s, Chromium c) : CodeViewTests(s, c), IClassFixture<SqliteServer>, IClassFixture<Chromium>;

public sealed class CodeViewTestsOnPostgres(PostgresServer s, Chromium c) : CodeViewTests(s, c), IClassFixture<PostgresServer>, IClassFixture<Chromium>;

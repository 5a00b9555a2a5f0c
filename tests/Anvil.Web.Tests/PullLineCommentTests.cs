using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>
/// Review comments inside a pull request's diff, as GitHub has them: a "+" on a line opens the comment form there (in place
/// with script, a link without), threads sit under their line with replies, and a pending review's comments are its
/// author's alone until they finish the review (or discard it).
/// </summary>
public sealed class PullLineCommentTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    private async Task<(TestUser Owner, TestUser Reviewer, string Files)> PullAsync()
    {
        var owner = await server.SignUpAsync("own" + Guid.NewGuid().ToString("N")[..6]);
        var reviewer = await server.SignUpAsync("rev" + Guid.NewGuid().ToString("N")[..6]);
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        using (var git = new GitClient())
        {
            var work = git.Path("work");
            await git.OkAsync(null, "clone", "-q", GitClient.Url(server, o, "calculator", o, owner.Password), work);
            await git.OkAsync(work, "checkout", "-q", "-b", "power");
            await git.CommitFileAsync(work, "src/power.py", "def power(a, b):\n    return a ** b\n\n\ndef square(a):\n    return a * a\n", "Add power");
            await git.OkAsync(work, "push", "-q", "origin", "power");
        }
        using var api = owner.Client();
        await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/pulls", new { title = "Add power", head = "power", @base = "main" })).JsonAsync(HttpStatusCode.Created);
        return (owner, reviewer, $"/{o}/calculator/pull/1/files");
    }

    /// <summary>The new-side row of <paramref name="line"/> in src/power.py.</summary>
    private static ILocator Row(IPage page, int line) =>
        page.Locator("table.diff tr", new() { Has = page.Locator($"a[href*='line=src/power.py:R:{line}#']") });

    /// <summary>The number of the line the thread row under it belongs to.</summary>
    private static Task<string> LineAboveAsync(ILocator threadRow) =>
        threadRow.EvaluateAsync<string>("row => row.previousElementSibling.cells[1].firstChild.textContent");

    private static async Task PlusAsync(IPage page, int line)
    {
        await Row(page, line).HoverAsync();
        await Row(page, line).GetByRole(AriaRole.Link, new() { Name = "+", Exact = true }).ClickAsync();
    }

    [Fact]
    public async Task With_script_a_reviewer_comments_replies_and_submits_a_pending_review_the_author_sees_only_once_submitted()
    {
        var (owner, reviewer, files) = await PullAsync();
        await using var r = await Viewer.OpenAsync(chromium, server);
        var page = r.Page;
        await r.SignInAsync(reviewer.Username, reviewer.Password);
        Assert.Equal(200, await r.GoAsync(files));

        // The "+" opens the form under the line, in place: no page load.
        await page.EvaluateAsync("window.anvilTestMark = 'same-document'");
        await PlusAsync(page, 1);
        var form = page.Locator("tr.thread-row #line-form");
        await Assertions.Expect(form).ToBeVisibleAsync();
        Assert.Equal("1", await LineAboveAsync(page.Locator("tr.thread-row", new() { Has = page.Locator("#line-form") })));
        Assert.Equal("same-document", await page.EvaluateAsync<string?>("window.anvilTestMark ?? null"));
        Assert.EndsWith(files, page.Url);
        // Cancel closes it; opening it elsewhere moves it.
        await form.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(page.Locator("#line-form")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("tr.thread-row")).ToHaveCountAsync(0);

        await PlusAsync(page, 1);
        await page.GetByLabel("Comment on line R1").FillAsync("Name it `pow`?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add single comment" }).ClickAsync();
        await page.WaitForDocumentAsync($"**{files}");
        var thread = page.Locator("tr.thread-row .thread");
        await Assertions.Expect(thread.Locator(".line-comment")).ToHaveCountAsync(1);
        await Assertions.Expect(thread.Locator("code")).ToHaveTextAsync("pow");
        Assert.Equal("1", await LineAboveAsync(page.Locator("tr.thread-row")));

        // A reply goes under it, in the same thread.
        await thread.GetByRole(AriaRole.Link, new() { Name = "Reply…" }).ClickAsync();
        await page.GetByLabel("Reply").FillAsync("Or keep it, power reads well.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add single comment" }).ClickAsync();
        await page.WaitForDocumentAsync($"**{files}");
        await Assertions.Expect(thread.Locator(".line-comment")).ToHaveCountAsync(2);
        await Assertions.Expect(thread.Locator(".line-comment").Last).ToContainTextAsync("Or keep it, power reads well.");

        // A review of two comments, pending: marked so, counted on the review button.
        await PlusAsync(page, 2);
        await page.GetByLabel("Comment on line R2").FillAsync("Negative exponents?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a review" }).ClickAsync();
        await page.WaitForDocumentAsync($"**{files}");
        await Assertions.Expect(page.Locator(".review-box > summary")).ToHaveTextAsync(new Regex(@"^Finish your review\s*1$"));
        await PlusAsync(page, 6);
        await page.GetByLabel("Comment on line R6").FillAsync("Could be `power(a, 2)`.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add review comment" }).ClickAsync();
        await page.WaitForDocumentAsync($"**{files}");
        await Assertions.Expect(page.Locator(".review-box > summary")).ToHaveTextAsync(new Regex(@"^Finish your review\s*2$"));
        var pending = page.Locator("tr.thread-row .line-comment", new() { Has = page.Locator(".label", new() { HasText = "Pending" }) });
        await Assertions.Expect(pending).ToHaveCountAsync(2);
        Assert.Equal(["1", "2", "6"], await page.Locator("tr.thread-row").EvaluateAllAsync<string[]>(
            "rows => rows.map(row => row.previousElementSibling.cells[1].firstChild.textContent)"));

        // The pull request's author sees the single comment and its reply, nothing of the pending review.
        await using var a = await Viewer.OpenAsync(chromium, server, javaScript: false);
        await a.SignInAsync(owner.Username, owner.Password);
        Assert.Equal(200, await a.GoAsync(files));
        await Assertions.Expect(a.Page.Locator(".line-comment")).ToHaveCountAsync(2);
        await Assertions.Expect(a.Page.Locator("body")).Not.ToContainTextAsync("Negative exponents?");
        await Assertions.Expect(a.Page.Locator(".review-box > summary")).ToHaveTextAsync("Review changes");
        Assert.Equal(200, await a.GoAsync(files.Replace("/files", "")));
        await Assertions.Expect(a.Page.Locator(".timeline-review")).ToHaveCountAsync(0);
        using (var api = owner.Client())
        {
            Assert.Empty((await api.GetFromJsonAsync<JsonArray>($"/api/v1/repos/{owner.Username}/calculator/pulls/1/reviews"))!);
        }

        // Finishing it as "request changes": both see the review and its comments in place.
        await page.Locator(".review-box > summary").ClickAsync();
        await page.GetByLabel("Leave a comment").FillAsync("Two small things.");
        await page.GetByLabel("Request changes").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit review" }).ClickAsync();
        await page.WaitForDocumentAsync("**/calculator/pull/1");
        await Assertions.Expect(page.Locator(".timeline-review").Last).ToContainTextAsync($"{reviewer.Username} requested changes");

        Assert.Equal(200, await a.GoAsync(files.Replace("/files", "")));
        await Assertions.Expect(a.Page.Locator(".timeline-review").Last).ToContainTextAsync($"{reviewer.Username} requested changes");
        await Assertions.Expect(a.Page.Locator(".timeline-review-body").Last).ToContainTextAsync("Two small things.");
        // The conversation quotes the review's line comments, each a link to its place in Files changed.
        var quoted = a.Page.Locator(".timeline-review-lines").Last.Locator(".review-line");
        await Assertions.Expect(quoted).ToHaveCountAsync(2);
        await Assertions.Expect(quoted.First).ToContainTextAsync("src/power.py line 2");
        await Assertions.Expect(quoted.First).ToContainTextAsync("Negative exponents?");
        await Assertions.Expect(quoted.Nth(1)).ToContainTextAsync("Could be power(a, 2).");
        await quoted.First.Locator("a.review-line-where").ClickAsync();
        await a.Page.WaitForDocumentAsync(new Regex(@"/calculator/pull/1/files#r\d+$"));
        await Assertions.Expect(a.Page.Locator(".line-comment:target")).ToContainTextAsync("Negative exponents?");
        Assert.Equal(200, await a.GoAsync(files));
        await Assertions.Expect(a.Page.Locator(".line-comment")).ToHaveCountAsync(4);
        await Assertions.Expect(a.Page.Locator(".line-comment .label", new() { HasText = "Pending" })).ToHaveCountAsync(0);
        Assert.Equal(["1", "2", "6"], await a.Page.Locator("tr.thread-row").EvaluateAllAsync<string[]>(
            "rows => rows.map(row => row.previousElementSibling.cells[1].firstChild.textContent)"));
        await Assertions.Expect(a.Page.Locator("tr.thread-row").Nth(1)).ToContainTextAsync("Negative exponents?");
        Assert.Equal(200, await r.GoAsync(files));
        await Assertions.Expect(page.Locator(".review-box > summary")).ToHaveTextAsync("Review changes");
        r.AssertNoConsoleErrors();
        a.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Without_script_the_plus_and_reply_are_links_and_a_pending_review_can_be_discarded()
    {
        var (owner, reviewer, files) = await PullAsync();
        await using var r = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = r.Page;
        await r.SignInAsync(reviewer.Username, reviewer.Password);
        Assert.Equal(200, await r.GoAsync(files + "?diff=split"));

        // In the split view the link keeps the view; the form opens under the line.
        await Row(page, 2).GetByRole(AriaRole.Link, new() { Name = "+", Exact = true }).ClickAsync();
        await page.WaitForDocumentAsync(new Regex(@"\?diff=split&line=src/power\.py:R:2#line-form$"));
        await Assertions.Expect(page.Locator("table.diff.split tr.thread-row #line-form")).ToBeVisibleAsync();
        await page.GetByLabel("Comment on line R2").FillAsync("Negative exponents?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add single comment" }).ClickAsync();
        await page.WaitForDocumentAsync(new Regex(@"/files\?diff=split$"));
        await Assertions.Expect(page.Locator("table.diff.split tr.thread-row .line-comment")).ToContainTextAsync("Negative exponents?");

        // Reply, into a new pending review.
        await page.GetByRole(AriaRole.Link, new() { Name = "Reply…" }).ClickAsync();
        await page.WaitForDocumentAsync(new Regex(@"\?diff=split&reply=\d+#line-form$"));
        await page.GetByLabel("Reply").FillAsync("They raise, as Python does.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a review" }).ClickAsync();
        await page.WaitForDocumentAsync(new Regex(@"/files\?diff=split$"));
        var thread = page.Locator("tr.thread-row .thread");
        await Assertions.Expect(thread.Locator(".line-comment")).ToHaveCountAsync(2);
        await Assertions.Expect(thread.Locator(".line-comment").Last.Locator(".label")).ToHaveTextAsync("Pending");
        await Assertions.Expect(page.Locator(".review-box > summary")).ToHaveTextAsync(new Regex(@"^Finish your review\s*1$"));

        // The author sees the comment, not the pending reply.
        using (var api = owner.Client())
        {
            var comments = (await api.GetFromJsonAsync<JsonArray>($"/api/v1/repos/{owner.Username}/calculator/pulls/1/comments"))!;
            Assert.Equal("Negative exponents?", (string?)comments.Single()!["body"]);
        }

        // Discarding the review removes it and its comment.
        await page.Locator(".review-box > summary").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Discard review" }).ClickAsync();
        await page.WaitForDocumentAsync($"**{files}");
        await Assertions.Expect(page.Locator(".line-comment")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".review-box > summary")).ToHaveTextAsync("Review changes");
        using (var api = reviewer.Client())
        {
            Assert.Empty((await api.GetFromJsonAsync<JsonArray>($"/api/v1/repos/{owner.Username}/calculator/pulls/1/reviews"))!);
        }
        r.AssertNoConsoleErrors();
    }
}

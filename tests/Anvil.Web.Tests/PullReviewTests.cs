using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>A pull request's tabs and reviews in the browser, without script: files with line comments, commits, checks, verdicts in the conversation.</summary>
public sealed class PullReviewTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_maintainer_comments_on_a_line_requests_changes_then_approves_and_the_author_cannot_approve_their_own()
    {
        var owner = await server.SignUpAsync("rev" + Guid.NewGuid().ToString("N")[..6]);
        var author = await server.SignUpAsync("aut" + Guid.NewGuid().ToString("N")[..6]);
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        using (var api = owner.Client())
        {
            (await api.PutAsJsonAsync($"/api/v1/repos/{o}/calculator/collaborators/{author.Username}", new { permission = "push" })).EnsureSuccessStatusCode();
        }
        using (var git = new GitClient())
        {
            var work = git.Path("work");
            await git.OkAsync(null, "clone", "-q", GitClient.Url(server, o, "calculator", author.Username, author.Password), work);
            await git.OkAsync(work, "checkout", "-q", "-b", "power");
            await git.CommitFileAsync(work, "src/power.py", "def power(a, b):\n    return a ** b\n", "Add power");
            await git.OkAsync(work, "push", "-q", "origin", "power");
        }
        using (var api = author.Client())
        {
            await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/pulls", new { title = "Add power", head = "power", @base = "main" })).JsonAsync(HttpStatusCode.Created);
        }
        await using var reviewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = reviewer.Page;
        await reviewer.SignInAsync(o, owner.Password);

        Assert.Equal(200, await reviewer.GoAsync($"/{o}/calculator/pull/1"));
        await page.Locator(".pull-tabs").GetByRole(AriaRole.Link, new() { Name = "Commits" }).ClickAsync();
        await Assertions.Expect(page.Locator(".commit-title")).ToHaveTextAsync(["Add power"]);
        await page.Locator(".pull-tabs").GetByRole(AriaRole.Link, new() { Name = "Checks" }).ClickAsync();
        await Assertions.Expect(page.Locator(".pull-tabs a[aria-current='page']")).ToHaveTextAsync("Checks");
        await page.Locator(".pull-tabs").GetByRole(AriaRole.Link, new() { Name = "Files changed" }).ClickAsync();
        await Assertions.Expect(page.Locator(".diff-path")).ToContainTextAsync("src/power.py");

        // Without script the line's "+" is a link to the page with the form open on that line.
        await page.Locator("table.diff a[href*='line=src/power.py:R:2#']").ClickAsync();
        await page.WaitForDocumentAsync(new System.Text.RegularExpressions.Regex(@"\?line=src/power\.py:R:2#line-form$"));
        await Assertions.Expect(page.GetByLabel("Comment on line R2")).ToBeVisibleAsync();
        await page.Locator(".line-comment-form textarea").FillAsync("Use `pow` for **integers** too?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add single comment" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/calculator/pull/1/files");
        // The comment is drawn under line 2.
        await Assertions.Expect(page.Locator("tr.thread-row .line-comment strong")).ToHaveTextAsync("integers");
        Assert.Equal("2", await page.Locator("tr.thread-row").EvaluateAsync<string>("row => row.previousElementSibling.cells[1].firstChild.textContent"));

        await page.Locator(".review-box > summary").ClickAsync();
        await page.GetByLabel("Leave a comment").FillAsync("Please handle negative exponents.");
        await page.GetByLabel("Request changes").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit review" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/calculator/pull/1");
        await Assertions.Expect(page.Locator(".timeline-review").Last).ToContainTextAsync($"{o} requested changes");
        await Assertions.Expect(page.Locator(".timeline-review-body").Last).ToContainTextAsync("Please handle negative exponents.");

        using (var api = owner.Client())
        {
            var reviews = (await api.GetFromJsonAsync<JsonArray>($"/api/v1/repos/{o}/calculator/pulls/1/reviews"))!;
            Assert.Equal("CHANGES_REQUESTED", (string?)reviews.Single()!["state"]);
            var comments = (await api.GetFromJsonAsync<JsonArray>($"/api/v1/repos/{o}/calculator/pulls/1/comments"))!;
            Assert.Equal(2, (int)comments.Single()!["line"]!);
            Assert.Equal("src/power.py", (string?)comments.Single()!["path"]);
        }

        Assert.Equal(200, await reviewer.GoAsync($"/{o}/calculator/pull/1/files"));
        await page.Locator(".review-box > summary").ClickAsync();
        await page.GetByLabel("Approve").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit review" }).ClickAsync();
        await Assertions.Expect(page.Locator(".timeline-review").Last).ToContainTextAsync($"{o} approved these changes");

        await using var own = await Viewer.OpenAsync(chromium, server, javaScript: false);
        await own.SignInAsync(author.Username, author.Password);
        Assert.Equal(200, await own.GoAsync($"/{o}/calculator/pull/1/files"));
        await own.Page.Locator(".review-box > summary").ClickAsync();
        await Assertions.Expect(own.Page.GetByLabel("Approve")).ToHaveCountAsync(0);
        await Assertions.Expect(own.Page.Locator(".review-verdicts input")).ToHaveCountAsync(1); // a comment only
        Assert.Equal(404, await own.GoAsync($"/{o}/calculator/pull/99/files"));
        own.ForgetConsoleErrors();
        reviewer.AssertNoConsoleErrors();
    }
}

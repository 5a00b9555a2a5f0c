using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>Issue and pull request lists and conversations: every <c>html_url</c> of theirs opens a page.</summary>
public sealed class IssuePagesTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task Issues_and_pull_requests_open_from_their_html_urls_with_the_conversation_and_links()
    {
        var owner = await server.SignUpAsync("iss" + Guid.NewGuid().ToString("N")[..6]);
        await SampleRepository.PushAsyncForNewRepo(server, owner, "tracker");
        var o = owner.Username;
        using (var git = new GitClient())
        {
            var work = git.Path("work");
            var url = GitClient.Url(server, o, "tracker", o, owner.Password);
            await git.OkAsync(null, "clone", "-q", url, work);
            await git.CommitFileAsync(work, "NOTES.md", "notes\n", "Add notes");
            await git.OkAsync(work, "push", "-q", url, "HEAD:refs/heads/notes");
        }
        using var api = owner.Client();
        var pull = await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/tracker/pulls",
            new { title = "Add notes", head = "notes", @base = "main", body = "Adds the notes." })).Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>();
        var issueRes = await api.PostAsJsonAsync($"/api/v1/repos/{o}/tracker/issues",
            new { title = "Division by <b>zero</b>", body = $"Found by @{o}, fixed in #{pull!["number"]}; @nobody-{Guid.NewGuid():N} and #999 lead nowhere.\n\n`@{o}` in code stays text." });
        Assert.Equal(HttpStatusCode.Created, issueRes.StatusCode);
        var issue = (await issueRes.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!;
        var number = (int)issue["number"]!;
        (await api.PostAsJsonAsync($"/api/v1/repos/{o}/tracker/issues/{number}/comments", new { body = "I can **reproduce** it." })).EnsureSuccessStatusCode();
        var closed = await api.PostAsJsonAsync($"/api/v1/repos/{o}/tracker/issues", new { title = "An old question" });
        var closedNumber = (int)(await closed.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!["number"]!;
        (await api.PatchAsJsonAsync($"/api/v1/repos/{o}/tracker/issues/{closedNumber}", new { state = "closed", state_reason = "not_planned" })).EnsureSuccessStatusCode();

        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        Assert.Equal(200, await viewer.GoAsync(new Uri((string)issue["html_url"]!).PathAndQuery));
        await Assertions.Expect(page.Locator(".issue-heading")).ToContainTextAsync("Division by <b>zero</b> #" + number);
        await Assertions.Expect(page.Locator(".state-badge").First).ToHaveTextAsync("Open");
        await Assertions.Expect(page.Locator(".comment")).ToHaveCountAsync(2);
        var body = page.Locator(".comment").First.Locator(".comment-body");
        await Assertions.Expect(body.GetByRole(AriaRole.Link, new() { Name = "@" + o, Exact = true })).ToHaveAttributeAsync("href", "/" + o);
        await Assertions.Expect(body.GetByRole(AriaRole.Link, new() { Name = "#" + pull["number"], Exact = true })).ToHaveAttributeAsync("href", $"/{o}/tracker/pull/{pull["number"]}");
        await Assertions.Expect(body.GetByRole(AriaRole.Link, new() { Name = "#999" })).ToHaveCountAsync(0);
        await Assertions.Expect(body.Locator("a[href^='/nobody-']")).ToHaveCountAsync(0);
        await Assertions.Expect(body.Locator("code")).ToHaveTextAsync("@" + o);
        await Assertions.Expect(page.Locator(".comment").Nth(1)).ToContainTextAsync("I can reproduce it.");
        await Assertions.Expect(page.Locator(".comment").Nth(1).Locator("strong")).ToHaveTextAsync("reproduce");

        // The list: open and closed tabs with their counts, each row a link to its page.
        await page.GetByRole(AriaRole.Link, new() { Name = "Issues 1" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "1 Open" })).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(page.Locator(".issue-list li")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Link, new() { Name = "1 Closed" }).ClickAsync();
        await Assertions.Expect(page.Locator(".issue-list li")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Link, new() { Name = "An old question" }).ClickAsync();
        await Assertions.Expect(page.Locator(".timeline-end")).ToContainTextAsync("Closed as not planned.");

        // The pull request: its own URL, and the issue URL of its number leads there.
        Assert.Equal(200, await viewer.GoAsync($"/{o}/tracker/issues/{pull["number"]}"));
        Assert.EndsWith($"/{o}/tracker/pull/{pull["number"]}", page.Url);
        await Assertions.Expect(page.Locator(".issue-meta")).ToContainTextAsync("wants to merge 1 commit into main from notes");
        await Assertions.Expect(page.Locator(".comment-body").First).ToHaveTextAsync("Adds the notes.");
        Assert.Equal(200, await viewer.GoAsync(new Uri((string)pull["html_url"]!).PathAndQuery));
        await page.GetByRole(AriaRole.Link, new() { Name = "Pull requests 1" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Add notes" })).ToBeVisibleAsync();

        // Search finds them on their own tabs, with the API's qualifiers.
        Assert.Equal(200, await viewer.GoAsync($"/search?q=division+repo:{o}/tracker&type=issues"));
        await Assertions.Expect(page.Locator(".issue-list li")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Link, new() { Name = "Division by <b>zero</b>" }).ClickAsync();
        Assert.EndsWith($"/{o}/tracker/issues/{number}", page.Url);
        Assert.Equal(200, await viewer.GoAsync($"/search?q=notes+repo:{o}/tracker&type=issues"));
        await Assertions.Expect(page.GetByText("No issues match")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Pull requests", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".issue-list li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Add notes" })).ToHaveAttributeAsync("href", $"/{o}/tracker/pull/{pull["number"]}");
        Assert.Equal(200, await viewer.GoAsync($"/search?q=old+is:closed+repo:{o}/tracker&type=issues"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "An old question" })).ToBeVisibleAsync();

        Assert.Equal(404, await viewer.GoAsync($"/{o}/tracker/issues/12345"));
        viewer.ForgetConsoleErrors(); // the 404
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_private_repositorys_issues_are_not_found_for_those_who_may_not_read_it()
    {
        var owner = await server.SignUpAsync();
        using var api = owner.Client();
        (await api.PostAsJsonAsync("/api/repositories", new { name = "secret", visibility = "private" })).EnsureSuccessStatusCode();
        var created = await api.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/secret/issues", new { title = "hidden" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var stranger = await server.SignUpAsync();
        foreach (var path in new[] { "/issues", "/issues/1", "/pulls", "/pull/1" })
        {
            using var anonymous = server.Anonymous();
            var res = await anonymous.GetAsync($"/{owner.Username}/secret{path}");
            Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
            using var other = stranger.Client();
            other.DefaultRequestHeaders.Add("Cookie", "anvil_session=" + stranger.SessionToken);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/{owner.Username}/secret{path}")).StatusCode);
            Assert.DoesNotContain("hidden", await res.Content.ReadAsStringAsync());
        }
        using var mine = server.Anonymous();
        mine.DefaultRequestHeaders.Add("Cookie", "anvil_session=" + owner.SessionToken);
        var page = await mine.GetAsync($"/{owner.Username}/secret/issues/1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("hidden", await page.Content.ReadAsStringAsync());
    }
}

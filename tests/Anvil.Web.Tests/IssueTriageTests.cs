using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>
/// Looking after issues in the browser: labels managed on their page, set with assignees and the lock from the sidebar,
/// titles and comments edited, history shown between the comments, lists filtered. Without script, as the forms must work.
/// </summary>
public sealed class IssueTriageTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    private static async Task<JsonNode> IssueAsync(TestUser who, string repo, int number)
    {
        using var api = who.Client();
        return (await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{who.Username}/{repo}/issues/{number}"))!;
    }

    [Fact]
    public async Task A_maintainer_labels_assigns_renames_locks_and_edits_and_the_timeline_shows_each_change()
    {
        var owner = await server.SignUpAsync("tri" + Guid.NewGuid().ToString("N")[..6]);
        var helper = await server.SignUpAsync("hlp" + Guid.NewGuid().ToString("N")[..6]);
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        using (var api = owner.Client())
        {
            (await api.PutAsJsonAsync($"/api/v1/repos/{o}/calculator/collaborators/{helper.Username}", new { permission = "push" })).EnsureSuccessStatusCode();
            await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/issues", new { title = "Divide by zero", body = "It crashes." })).JsonAsync(HttpStatusCode.Created);
            await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/issues", new { title = "Rounding", body = "Related to #1." })).JsonAsync(HttpStatusCode.Created);
        }
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        await viewer.SignInAsync(o, owner.Password);

        // A new label, then the same name again: refused, with what was typed kept.
        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/labels"));
        await page.Locator(".label-new > summary").ClickAsync();
        await page.Locator("#label-new-name").FillAsync("crash");
        await page.Locator("#label-new-description").FillAsync("The program stops");
        await page.Locator("#label-new-color").FillAsync("#b60205");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create label" }).ClickAsync();
        await Assertions.Expect(page.Locator(".label-rows")).ToContainTextAsync("The program stops");
        await page.Locator(".label-new > summary").ClickAsync();
        await page.Locator("#label-new-name").FillAsync("Crash");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create label" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("already exists");
        await Assertions.Expect(page.Locator("#label-new-name")).ToHaveValueAsync("Crash");
        viewer.ForgetConsoleErrors(); // the 422

        // Labels and an assignee from the sidebar.
        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/issues/1"));
        await page.Locator(".sidebar-edit > summary", new() { HasText = "Labels" }).ClickAsync();
        await page.Locator(".sidebar-form input[value='crash']").CheckAsync();
        await page.Locator(".sidebar-form input[value='bug']").CheckAsync();
        await page.Locator("form.sidebar-form", new() { Has = page.Locator("input[value='crash']") }).GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(page.Locator(".issue-sidebar a.label-link")).ToHaveTextAsync(["bug", "crash"]);
        await Assertions.Expect(page.Locator(".timeline-event").Last).ToContainTextAsync(new System.Text.RegularExpressions.Regex($@"{o} added\s*bug\s*crash\s*labels"));

        await page.Locator(".sidebar-edit > summary", new() { HasText = "Assignees" }).ClickAsync();
        await page.Locator($".sidebar-form input[value='{helper.Username}']").CheckAsync();
        await page.Locator("form.sidebar-form", new() { Has = page.Locator($"input[value='{helper.Username}']") }).GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(page.Locator(".timeline-event").Last).ToContainTextAsync($"{o} assigned {helper.Username}");

        // The title, the opening post and the lock.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }).ClickAsync();
        await page.GetByLabel("Title").FillAsync("Dividing by zero crashes");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator(".issue-heading")).ToContainTextAsync("Dividing by zero crashes #1");
        await Assertions.Expect(page.Locator(".timeline-event").Last).ToContainTextAsync("changed the title Divide by zero Dividing by zero crashes");

        await page.Locator("#issue-1 .comment-menu > summary").ClickAsync();
        await page.Locator("#issue-1 .comment-menu-items").GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await page.GetByLabel("Edit the comment").FillAsync("It crashes with **ZeroDivisionError**.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Update comment" }).ClickAsync();
        await Assertions.Expect(page.Locator("#issue-1 .comment-body strong")).ToHaveTextAsync("ZeroDivisionError");

        await page.GetByRole(AriaRole.Button, new() { Name = "Lock conversation" }).ClickAsync();
        await Assertions.Expect(page.Locator(".timeline-event").Last).ToContainTextAsync("locked and limited conversation to collaborators");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Unlock conversation" })).ToBeVisibleAsync();

        // A comment of one's own, edited then deleted.
        await page.GetByLabel("Add a comment").FillAsync("Looking into it.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Comment", Exact = true }).ClickAsync();
        var comment = page.Locator("article.comment").Nth(1);
        await comment.Locator(".comment-menu > summary").ClickAsync();
        await comment.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await page.GetByLabel("Edit the comment").FillAsync("Fixed in the next release.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Update comment" }).ClickAsync();
        await Assertions.Expect(page.Locator("article.comment").Nth(1)).ToContainTextAsync("Fixed in the next release.");
        await Assertions.Expect(page.Locator("article.comment").Nth(1)).ToContainTextAsync("edited");
        await page.Locator("article.comment").Nth(1).Locator(".comment-menu > summary").ClickAsync();
        await page.Locator("article.comment").Nth(1).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.Locator("article.comment")).ToHaveCountAsync(1);

        // Mentioned by issue 2: a link on the timeline.
        await Assertions.Expect(page.Locator(".timeline-event", new() { HasText = "mentioned this issue in" }).Locator("a.timeline-source"))
            .ToHaveAttributeAsync("href", $"/{o}/calculator/issues/2");

        var issue = await IssueAsync(owner, "calculator", 1);
        Assert.Equal("Dividing by zero crashes", (string?)issue["title"]);
        Assert.Equal(["bug", "crash"], issue["labels"]!.AsArray().Select(l => (string)l!["name"]!).ToArray());
        Assert.Equal(helper.Username, (string?)issue["assignees"]![0]!["login"]);
        Assert.True((bool)issue["locked"]!);
        Assert.Equal(0, (int)issue["comments"]!);

        // The label page counts it; renaming the label keeps it on the issue.
        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/labels"));
        var crashRow = page.Locator(".label-rows > li", new() { HasText = "The program stops" });
        await Assertions.Expect(crashRow).ToContainTextAsync("1 open");
        await crashRow.Locator(".label-edit > summary").ClickAsync();
        await crashRow.GetByLabel("Label name").FillAsync("crasher");
        await crashRow.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(page.Locator(".label-rows")).ToContainTextAsync("crasher");
        Assert.Contains("crasher", (await IssueAsync(owner, "calculator", 1))["labels"]!.AsArray().Select(l => (string?)l!["name"]));
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Lists_filter_by_label_author_and_assignee_and_words_search_this_repository()
    {
        var owner = await server.SignUpAsync("flt" + Guid.NewGuid().ToString("N")[..6]);
        var other = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        using (var api = owner.Client())
        {
            await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/issues", new { title = "Flamingo colours are wrong", labels = new[] { "bug" }, assignees = new[] { o } })).JsonAsync(HttpStatusCode.Created);
            await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/issues", new { title = "Add a dark theme", labels = new[] { "enhancement" } })).JsonAsync(HttpStatusCode.Created);
        }
        using (var api = other.Client())
        {
            await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/issues", new { title = "Typo in the README" })).JsonAsync(HttpStatusCode.Created);
        }
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        var titles = page.Locator(".issue-list .issue-title");

        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/issues"));
        await Assertions.Expect(titles).ToHaveCountAsync(3);
        await page.GetByLabel("Label", new() { Exact = true }).SelectOptionAsync("bug");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(titles).ToHaveTextAsync(["Flamingo colours are wrong"]);
        await page.GetByRole(AriaRole.Link, new() { Name = "Clear filters" }).ClickAsync();

        await page.GetByLabel("Author").FillAsync(other.Username);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(titles).ToHaveTextAsync(["Typo in the README"]);

        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/issues?assignee=none&sort=created-asc"));
        await Assertions.Expect(titles).ToHaveTextAsync(["Add a dark theme", "Typo in the README"]);
        // A label chip in the list filters by it.
        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/issues"));
        await page.Locator(".issue-list a.label-link", new() { HasText = "enhancement" }).ClickAsync();
        await Assertions.Expect(titles).ToHaveTextAsync(["Add a dark theme"]);

        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/issues"));
        await page.Locator("#filter-q").FillAsync("flamingo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.WaitForDocumentAsync("**/search?**");
        await Assertions.Expect(page.Locator("#search-q")).ToHaveValueAsync($"repo:{o}/calculator is:issue is:open flamingo");
        await Assertions.Expect(page.Locator(".issue-title")).ToHaveTextAsync(["Flamingo colours are wrong"]);
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Others_edit_only_their_own_comments_and_see_no_triage_forms()
    {
        var owner = await server.SignUpAsync();
        var reader = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var number = await SampleRepository.OpenIssueAsync(owner, "calculator");
        using (var api = reader.Client())
        {
            await (await api.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/calculator/issues/{number}/comments", new { body = "Me too." })).JsonAsync(HttpStatusCode.Created);
        }
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        await viewer.SignInAsync(reader.Username, reader.Password);
        Assert.Equal(200, await viewer.GoAsync($"/{owner.Username}/calculator/issues/{number}"));
        await Assertions.Expect(page.Locator("article.comment")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("article.comment .comment-menu")).ToHaveCountAsync(1); // only on their own
        await Assertions.Expect(page.Locator("article.comment").Nth(2).Locator(".comment-menu")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".sidebar-edit")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Lock conversation" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".issue-title-row .btn")).ToHaveCountAsync(0);
        // Editing someone else's comment by URL shows no form.
        Assert.Equal(200, await viewer.GoAsync($"/{owner.Username}/calculator/issues/{number}?edit=0"));
        await Assertions.Expect(page.GetByLabel("Edit the comment")).ToHaveCountAsync(0);
        // The labels page is readable, but offers no changes.
        Assert.Equal(200, await viewer.GoAsync($"/{owner.Username}/calculator/labels"));
        await Assertions.Expect(page.Locator(".label-rows > li")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "New label" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".label-edit")).ToHaveCountAsync(0);
        viewer.AssertNoConsoleErrors();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>The signed-in home page shows the work waiting for the viewer and what happened in their repositories.</summary>
public sealed class DashboardTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task Assigned_issues_pull_requests_to_review_and_recent_activity()
    {
        var owner = await server.SignUpAsync("dash" + Guid.NewGuid().ToString("N")[..6]);
        var helper = await server.SignUpAsync("help" + Guid.NewGuid().ToString("N")[..6]);
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        using var api = owner.Client();
        (await api.PutAsJsonAsync($"/api/v1/repos/{o}/calculator/collaborators/{helper.Username}", new { permission = "push" })).EnsureSuccessStatusCode();
        using (var git = new GitClient())
        {
            var work = git.Path("work");
            var url = GitClient.Url(server, o, "calculator", helper.Username, helper.Password);
            await git.OkAsync(null, "clone", "-q", url, work);
            await git.CommitFileAsync(work, "CHANGES.md", "changes\n", "Write down the changes");
            await git.OkAsync(work, "push", "-q", url, "HEAD:refs/heads/changes");
        }
        using var helperApi = helper.Client();
        var pullRes = await helperApi.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/pulls", new { title = "Keep a changelog", head = "changes", @base = "main" });
        Assert.Equal(HttpStatusCode.Created, pullRes.StatusCode);
        var pull = (int)(await pullRes.Content.ReadFromJsonAsync<JsonNode>())!["number"]!;
        var issueRes = await helperApi.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/issues", new { title = "Round the results", assignees = new[] { o } });
        Assert.Equal(HttpStatusCode.Created, issueRes.StatusCode);
        var issue = (int)(await issueRes.Content.ReadFromJsonAsync<JsonNode>())!["number"]!;
        (await helperApi.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/issues/{issue}/comments", new { body = "Two decimals would do." })).EnsureSuccessStatusCode();
        // Someone else's repository the owner cannot read stays off their dashboard, even with an issue assigned to the helper there.
        (await helperApi.PostAsJsonAsync("/api/repositories", new { name = "hidden", visibility = "private" })).EnsureSuccessStatusCode();
        (await helperApi.PostAsJsonAsync($"/api/v1/repos/{helper.Username}/hidden/issues", new { title = "Secret plans" })).EnsureSuccessStatusCode();

        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        await viewer.SignInAsync(o, owner.Password);
        var assigned = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Assigned to you" }) });
        await Assertions.Expect(assigned.GetByRole(AriaRole.Link, new() { Name = "Round the results" })).ToHaveAttributeAsync("href", $"/{o}/calculator/issues/{issue}");
        var review = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Pull requests awaiting your review" }) });
        await Assertions.Expect(review.GetByRole(AriaRole.Link, new() { Name = "Keep a changelog" })).ToHaveAttributeAsync("href", $"/{o}/calculator/pull/{pull}");
        var activity = page.Locator(".activity");
        await Assertions.Expect(activity).ToContainTextAsync($"{helper.Username} opened a pull request in {o}/calculator");
        await Assertions.Expect(activity).ToContainTextAsync($"{helper.Username} commented in {o}/calculator");
        await Assertions.Expect(activity).ToContainTextAsync("Two decimals would do.");
        await Assertions.Expect(activity).ToContainTextAsync($"pushed to changes in {o}/calculator");
        await Assertions.Expect(page.GetByText("Secret plans")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".repo-list").First).ToContainTextAsync("calculator");

        // Once reviewed at its head, the pull request no longer waits for the owner; the helper sees nothing assigned.
        (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/pulls/{pull}/reviews", new { @event = "APPROVE" })).EnsureSuccessStatusCode();
        Assert.Equal(200, await viewer.GoAsync("/"));
        await Assertions.Expect(review).ToContainTextAsync("No pull request is waiting for you.");
        viewer.AssertNoConsoleErrors();

        await using var other = await Viewer.OpenAsync(chromium, server);
        await other.SignInAsync(helper.Username, helper.Password);
        var theirs = other.Page.Locator("section", new() { Has = other.Page.GetByRole(AriaRole.Heading, new() { Name = "Assigned to you" }) });
        await Assertions.Expect(theirs).ToContainTextAsync("Nothing is assigned to you.");
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>A pull request's merge box, without script: ready for review, squash-merge with a message, Fixes #N, delete the branch, conflicts, checks.</summary>
public sealed class MergeBoxTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    private static async Task<string> BranchAsync(AnvilServer server, TestUser owner, string repo, string branch, string file, string content, string message, string from = "main")
    {
        using var git = new GitClient();
        var work = git.Path("work");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, repo, owner.Username, owner.Password), work);
        await git.OkAsync(work, "checkout", "-q", "-b", branch, "origin/" + from);
        var oid = await git.CommitFileAsync(work, file, content, message);
        await git.OkAsync(work, "push", "-q", "origin", branch);
        return oid;
    }

    private static async Task<JsonNode> WaitAsync(HttpClient api, string url, Func<JsonNode, bool> done)
    {
        for (var i = 0; ; i++)
        {
            var node = (await api.GetFromJsonAsync<JsonNode>(url))!;
            if (done(node) || i > 300)
            {
                return node;
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_draft_is_made_ready_squash_merged_with_its_message_closes_the_issue_it_fixes_and_its_branch_is_deleted()
    {
        var owner = await server.SignUpAsync("mrg" + Guid.NewGuid().ToString("N")[..6]);
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        using var api = owner.Client();
        await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/issues", new { title = "Negative numbers are misread" })).JsonAsync(HttpStatusCode.Created);
        await BranchAsync(server, owner, "calculator", "negatives", "src/neg.py", "NEG = -1\n", "Read negative numbers");
        await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/pulls",
            new { title = "Read negative numbers", head = "negatives", @base = "main", body = "Fixes #1", draft = true })).JsonAsync(HttpStatusCode.Created);
        await WaitAsync(api, $"/api/v1/repos/{o}/calculator/pulls/2", p => p["mergeable"] is not null);

        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        await viewer.SignInAsync(o, owner.Password);
        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/pull/2"));
        await Assertions.Expect(page.Locator(".merge-title")).ToHaveTextAsync("This pull request is still a work in progress");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Confirm merge" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ready for review" }).ClickAsync();
        await Assertions.Expect(page.Locator(".timeline-event").Last).ToContainTextAsync("marked this pull request as ready for review");
        await Assertions.Expect(page.Locator(".merge-title")).ToHaveTextAsync("This branch has no conflicts with the base branch");

        await page.GetByLabel("Squash and merge").CheckAsync();
        await page.Locator(".merge-message > summary").ClickAsync();
        await page.GetByLabel("Commit title").FillAsync("Read negative numbers (#2)");
        await page.GetByLabel("Commit message").FillAsync("Squashed for a tidy history.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm merge" }).ClickAsync();
        await Assertions.Expect(page.Locator(".state-badge").First).ToHaveTextAsync("Merged");
        await Assertions.Expect(page.Locator(".timeline-event", new() { HasText = "merged commit" })).ToContainTextAsync("into main");

        var pr = (await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{o}/calculator/pulls/2"))!;
        Assert.True((bool)pr["merged"]!);
        var head = (await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{o}/calculator/commits/main"))!;
        Assert.Equal("Read negative numbers (#2)\n\nSquashed for a tidy history.", (string?)head["commit"]!["message"]);
        Assert.Single(head["parents"]!.AsArray());
        var issue = (await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{o}/calculator/issues/1"))!;
        Assert.Equal("closed", (string?)issue["state"]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete branch" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete branch" })).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/repos/{o}/calculator/branches/negatives")).StatusCode);

        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/issues/1"));
        await Assertions.Expect(page.Locator(".state-badge").First).ToHaveTextAsync("Closed");
        await Assertions.Expect(page.Locator(".timeline-event", new() { HasText = "mentioned this issue in" })).ToContainTextAsync("Read negative numbers #2");
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_checks_on_the_head_commit_are_listed_each_leading_to_its_run()
    {
        var owner = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        using var api = owner.Client();
        var head = await BranchAsync(server, owner, "calculator", "linted", "src/lint.py", "LINT = True\n", "Lint me");
        await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/pulls", new { title = "Lint me", head = "linted", @base = "main" })).JsonAsync(HttpStatusCode.Created);
        var main = (await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{o}/calculator/commits/main"))!["sha"]!.GetValue<string>();
        var lint = await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/check-runs",
            new { name = "lint", head_sha = head, status = "completed", conclusion = "failure" })).JsonAsync(HttpStatusCode.Created);
        await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/check-runs",
            new { name = "on-main", head_sha = main, status = "completed", conclusion = "success" })).JsonAsync(HttpStatusCode.Created);

        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/pull/1"));
        await Assertions.Expect(page.Locator(".check-states-title")).ToHaveTextAsync("All checks have failed");
        await Assertions.Expect(page.Locator(".check-states li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".check-states li").GetByRole(AriaRole.Link, new() { Name = "lint" }))
            .ToHaveAttributeAsync("href", $"/{o}/calculator/runs/{lint["id"]!.GetValue<long>()}");
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Conflicts_are_listed_and_only_writers_are_offered_the_merge()
    {
        var owner = await server.SignUpAsync();
        var reader = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        using var api = owner.Client();
        await BranchAsync(server, owner, "calculator", "left", "README.md", "left side\n", "Left");
        await BranchAsync(server, owner, "calculator", "right", "README.md", "right side\n", "Right");
        await BranchAsync(server, owner, "calculator", "clean", "CLEAN.md", "fine\n", "Clean change");
        // left goes in first; right then conflicts with main.
        await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/pulls", new { title = "Left", head = "left", @base = "main" })).JsonAsync(HttpStatusCode.Created);
        await WaitAsync(api, $"/api/v1/repos/{o}/calculator/pulls/1", p => p["mergeable"] is not null);
        (await api.PutAsJsonAsync($"/api/v1/repos/{o}/calculator/pulls/1/merge", new { merge_method = "merge" })).EnsureSuccessStatusCode();
        await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/pulls", new { title = "Right", head = "right", @base = "main" })).JsonAsync(HttpStatusCode.Created);
        await (await api.PostAsJsonAsync($"/api/v1/repos/{o}/calculator/pulls", new { title = "Clean", head = "clean", @base = "main" })).JsonAsync(HttpStatusCode.Created);
        await WaitAsync(api, $"/api/v1/repos/{o}/calculator/pulls/2", p => p["mergeable"] is JsonValue v && !v.GetValue<bool>());
        await WaitAsync(api, $"/api/v1/repos/{o}/calculator/pulls/3", p => p["mergeable"] is not null);

        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        await viewer.SignInAsync(o, owner.Password);
        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/pull/2"));
        await Assertions.Expect(page.Locator(".merge-title")).ToHaveTextAsync("This branch has conflicts that must be resolved");
        await Assertions.Expect(page.Locator(".merge-conflicts")).ToContainTextAsync("README.md");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Confirm merge" })).ToHaveCountAsync(0);

        await using var other = await Viewer.OpenAsync(chromium, server, javaScript: false);
        page = other.Page;
        await other.SignInAsync(reader.Username, reader.Password);
        Assert.Equal(200, await other.GoAsync($"/{o}/calculator/pull/3"));
        await Assertions.Expect(page.Locator(".merge-status")).ToContainTextAsync("Only those with write access");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Confirm merge" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Ready for review" })).ToHaveCountAsync(0);
        viewer.AssertNoConsoleErrors();
        other.AssertNoConsoleErrors();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>/compare: what a branch (or a fork's branch) adds, and the pull request opened from it, with and without script.</summary>
public sealed class ComparePageTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    /// <summary>Clones <paramref name="owner"/>/<paramref name="repo"/> as <paramref name="pusher"/>, commits one file on a new branch and pushes it.</summary>
    private async Task PushBranchAsync(TestUser pusher, string owner, string repo, string branch, string file, string message)
    {
        using var git = new GitClient();
        var work = git.Path("work");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner, repo, pusher.Username, pusher.Password), work);
        await git.OkAsync(work, "checkout", "-q", "-b", branch);
        await git.CommitFileAsync(work, file, "print('fixed')\n", message);
        await git.OkAsync(work, "push", "-q", "origin", branch);
    }

    [Fact]
    public async Task A_branch_is_compared_from_the_pull_request_list_and_opened_as_a_pull_request()
    {
        var owner = await server.SignUpAsync("cmp" + Guid.NewGuid().ToString("N")[..6]);
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        await PushBranchAsync(owner, o, "calculator", "fix-parser", "src/parser.py", "Parse negative numbers\n\nThey were read as subtraction.");
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        await viewer.SignInAsync(o, owner.Password);

        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/pulls"));
        await page.GetByRole(AriaRole.Link, new() { Name = "New pull request" }).ClickAsync();
        await page.GetByLabel("compare").SelectOptionAsync("fix-parser");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare", Exact = true }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/calculator/compare/main...fix-parser");
        await Assertions.Expect(page.Locator(".commit-title")).ToHaveTextAsync(["Parse negative numbers"]);
        await Assertions.Expect(page.Locator(".diff-path")).ToContainTextAsync("src/parser.py");
        await Assertions.Expect(page.GetByLabel("Title")).ToHaveValueAsync("Parse negative numbers");
        await Assertions.Expect(page.GetByLabel("Description")).ToHaveValueAsync("They were read as subtraction.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create pull request" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/calculator/pull/1");
        await Assertions.Expect(page.Locator(".issue-heading")).ToContainTextAsync("Parse negative numbers #1");

        using (var api = owner.Client())
        {
            var pr = (await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{o}/calculator/pulls/1"))!;
            Assert.Equal("fix-parser", (string?)pr["head"]!["ref"]);
            Assert.Equal("main", (string?)pr["base"]!["ref"]);
            Assert.False((bool)pr["draft"]!);
        }
        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/compare/main...fix-parser"));
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("already an open pull request");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create pull request" })).ToHaveCountAsync(0);
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_fork_s_branch_opens_a_pull_request_into_its_parent_without_javascript()
    {
        var owner = await server.SignUpAsync("par" + Guid.NewGuid().ToString("N")[..6]);
        var contributor = await server.SignUpAsync("con" + Guid.NewGuid().ToString("N")[..6]);
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var (o, b) = (owner.Username, contributor.Username);
        using (var api = contributor.Client())
        {
            await (await api.PostAsync($"/api/v1/repos/{o}/calculator/forks", null)).JsonAsync(HttpStatusCode.Accepted);
        }
        await PushBranchAsync(contributor, b, "calculator", "docs", "docs/usage.md", "Document the usage");
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        await viewer.SignInAsync(b, contributor.Password);

        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/compare"));
        await page.GetByLabel("compare").SelectOptionAsync($"{b}:docs");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare", Exact = true }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/calculator/compare/main...{b}:docs");
        await Assertions.Expect(page.Locator(".commit-title")).ToHaveTextAsync(["Document the usage"]);
        await Assertions.Expect(page.Locator(".commit-title")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex($"^/{b}/calculator/commit/"));
        await page.GetByLabel("Description").FillAsync("Fixes nothing yet.");
        await page.GetByLabel("Open as a draft").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create pull request" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/calculator/pull/1");
        await Assertions.Expect(page.Locator(".state-badge").First).ToHaveTextAsync("Draft");
        await Assertions.Expect(page.Locator(".issue-meta")).ToContainTextAsync($"{b}:docs");

        using var owners = owner.Client();
        var pr = (await owners.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{o}/calculator/pulls/1"))!;
        Assert.Equal($"{b}/calculator", (string?)pr["head"]!["repo"]!["full_name"]);
        Assert.True((bool)pr["draft"]!);
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Nothing_to_compare_and_missing_branches_are_said_plainly_and_private_repositories_are_not_found()
    {
        var owner = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        await using var anonymous = await Viewer.OpenAsync(chromium, server);
        var page = anonymous.Page;
        Assert.Equal(200, await anonymous.GoAsync($"/{o}/calculator/compare/main...main"));
        await Assertions.Expect(page.Locator(".blankslate")).ToContainTextAsync("Choose two different branches");
        Assert.Equal(200, await anonymous.GoAsync($"/{o}/calculator/compare/main...nope"));
        await Assertions.Expect(page.Locator(".blankslate")).ToContainTextAsync("There is no branch nope");
        await PushBranchAsync(owner, o, "calculator", "feature", "f.py", "Add f");
        Assert.Equal(200, await anonymous.GoAsync($"/{o}/calculator/compare/feature...main"));
        await Assertions.Expect(page.Locator(".blankslate")).ToContainTextAsync("up to date");
        Assert.Equal(200, await anonymous.GoAsync($"/{o}/calculator/compare/feature"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).Last).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create pull request" })).ToHaveCountAsync(0);

        using (var api = owner.Client())
        {
            (await api.PatchAsJsonAsync($"/api/v1/repos/{o}/calculator", new { @private = true })).EnsureSuccessStatusCode();
        }
        Assert.Equal(404, await anonymous.GoAsync($"/{o}/calculator/compare/main...feature"));
        anonymous.ForgetConsoleErrors();
    }
}

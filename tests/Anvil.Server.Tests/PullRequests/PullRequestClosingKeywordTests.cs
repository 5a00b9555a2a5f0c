using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;
using Anvil.Server.Tests.Webhooks;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>
/// "Fixes #12": a pull request merged into the default branch closes the issues its body or its commits name with
/// GitHub's closing keywords, as completed, by the one who merged, with the events of any close.
/// </summary>
public abstract class PullRequestClosingKeywordTests(PullsServer server) : IAsyncLifetime
{
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static async Task<int> OpenIssueAsync(TestUser owner, string repo, string title)
    {
        using var c = owner.Client();
        var issue = await (await c.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/{repo}/issues", new { title })).JsonAsync(HttpStatusCode.Created);
        return issue["number"]!.GetValue<int>();
    }

    private static async Task<JsonNode> IssueAsync(TestUser viewer, TestUser owner, string repo, int number)
    {
        using var c = viewer.Client();
        return await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{repo}/issues/{number}")).JsonAsync();
    }

    private static async Task MergeAsync(PullRepo repo, int number)
    {
        using var c = repo.Owner.Client();
        var merged = await (await c.PutAsJsonAsync($"{repo.V1}/pulls/{number}/merge", new { })).JsonAsync();
        Assert.True(merged["merged"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_keyword_in_the_body_closes_the_issues_it_names_and_no_pull_request()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var path = "/closing-" + Guid.NewGuid().ToString("N")[..6];
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url(path), ["issues"]);
        var crash = await OpenIssueAsync(repo.Owner, repo.Name, "Crash on start");
        var typo = await OpenIssueAsync(repo.Owner, repo.Name, "Typo in the README");
        var mentioned = await OpenIssueAsync(repo.Owner, repo.Name, "Only mentioned");
        await repo.CommitAsync("other", "o.txt", "o\n", from: "main");
        await repo.PushAsync("other");
        var otherPull = (await repo.CreatePullAsync(repo.Owner, new { title = "Other work", headBranch = "other", baseBranch = "main" })).Number();
        await repo.CommitAsync("feature", "f.txt", "f\n", from: "main", message: "Start the feature");
        await repo.PushAsync("feature");
        var body = $"FIXES #{crash}, and this Resolves: {repo.Owner.Username.ToUpperInvariant()}/{repo.Name}#{typo}.\n"
            + $"See #{mentioned}; closes #{otherPull}.";
        var number = (await repo.CreatePullAsync(repo.Owner, new { title = "Feature", body, headBranch = "feature", baseBranch = "main" })).Number();

        await MergeAsync(repo, number);

        foreach (var closed in new[] { crash, typo })
        {
            var issue = await IssueAsync(repo.Owner, repo.Owner, repo.Name, closed);
            Assert.Equal("closed", issue.Str("state"));
            Assert.Equal("completed", issue.Str("state_reason"));
            Assert.Equal(repo.Owner.Username, issue.Str("closed_by.login"));
        }
        Assert.Equal("open", (await IssueAsync(repo.Owner, repo.Owner, repo.Name, mentioned)).Str("state"));
        var other = await IssueAsync(repo.Owner, repo.Owner, repo.Name, otherPull);
        Assert.Equal("open", other.Str("state"));
        // Closed as any close is: the issues webhook says so, from the one who merged.
        var hook = await _receiver.WaitForEventAsync(path, "issues", p => p.Str("action") == "closed" && p["issue"]!["number"]!.GetValue<int>() == crash);
        Assert.Equal(repo.Owner.Username, hook.Json.Str("sender.login"));
        Assert.Equal("completed", hook.Json.Str("issue.state_reason"));
    }

    [Fact]
    public async Task A_keyword_in_a_commit_message_closes_the_issue()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var bug = await OpenIssueAsync(repo.Owner, repo.Name, "Empty input crashes");
        var untouched = await OpenIssueAsync(repo.Owner, repo.Name, "Something else");
        await repo.CommitAsync("fix", "f.txt", "f\n", from: "main", message: $"Handle empty input\n\nfixed #{bug}");
        await repo.CommitAsync("fix", "g.txt", "g\n", message: $"Tidy up after #{untouched}");
        await repo.PushAsync("fix");
        var number = (await repo.CreatePullAsync(repo.Owner, new { title = "Empty input", body = "No keywords here.", headBranch = "fix", baseBranch = "main" })).Number();

        await MergeAsync(repo, number);

        var issue = await IssueAsync(repo.Owner, repo.Owner, repo.Name, bug);
        Assert.Equal("closed", issue.Str("state"));
        Assert.Equal("completed", issue.Str("state_reason"));
        Assert.Equal("open", (await IssueAsync(repo.Owner, repo.Owner, repo.Name, untouched)).Str("state"));
    }

    [Fact]
    public async Task A_merge_into_another_branch_than_the_default_closes_nothing()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var bug = await OpenIssueAsync(repo.Owner, repo.Name, "Still broken");
        await repo.CommitAsync("develop", "d.txt", "d\n", from: "main");
        await repo.PushAsync("develop");
        await repo.CommitAsync("fix", "f.txt", "f\n", from: "develop", message: $"Fix it\n\nCloses #{bug}");
        await repo.PushAsync("fix");
        var number = (await repo.CreatePullAsync(repo.Owner, new { title = "Fix", body = $"Fixes #{bug}", headBranch = "fix", baseBranch = "develop" })).Number();

        await MergeAsync(repo, number);

        Assert.Equal("merged", (await repo.PullAsync(number)).Str("state"));
        var issue = await IssueAsync(repo.Owner, repo.Owner, repo.Name, bug);
        Assert.Equal("open", issue.Str("state"));
    }

    [Fact]
    public async Task An_issue_of_another_private_repository_is_never_touched()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var local = await OpenIssueAsync(repo.Owner, repo.Name, "Same number, this repository");
        var secret = await TestRepo.CreateAsync(server, isPrivate: true);
        var hidden = await OpenIssueAsync(secret.Owner, secret.Name, "Private");
        Assert.Equal(local, hidden);
        await repo.CommitAsync("fix", "f.txt", "f\n", from: "main", message: $"Fix theirs\n\nFixes {secret.Owner.Username}/{secret.Name}#{hidden}");
        await repo.PushAsync("fix");
        var number = (await repo.CreatePullAsync(repo.Owner, new
        {
            title = "Reach across", body = $"Closes {secret.Owner.Username}/{secret.Name}#{hidden}", headBranch = "fix", baseBranch = "main",
        })).Number();

        await MergeAsync(repo, number);

        var theirs = await IssueAsync(secret.Owner, secret.Owner, secret.Name, hidden);
        Assert.Equal("open", theirs.Str("state"));
        Assert.Equal("open", (await IssueAsync(repo.Owner, repo.Owner, repo.Name, local)).Str("state"));
        using var c = repo.Owner.Client();
        await (await c.GetAsync($"{secret.V1}/issues/{hidden}")).ErrorAsync(HttpStatusCode.NotFound);
    }
}

public sealed class PullRequestClosingKeywordTestsOnSqlite(PullsSqliteServer s) : PullRequestClosingKeywordTests(s), IClassFixture<PullsSqliteServer>;

public sealed class PullRequestClosingKeywordTestsOnPostgres(PullsPostgresServer s) : PullRequestClosingKeywordTests(s), IClassFixture<PullsPostgresServer>;

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Webhooks;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>A pull request merged on the command line (<c>git merge feature &amp;&amp; git push</c>) is merged, as GitHub notices.</summary>
public abstract class PullRequestMergedByPushTests(PullsServer server) : IAsyncLifetime
{
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static async Task<JsonNode> V1PullAsync(PullRepo repo, int number)
    {
        using var c = repo.Owner.Client();
        return await (await c.GetAsync($"{repo.V1}/pulls/{number}")).JsonAsync();
    }

    private static async Task<int> OpenIssuesCountAsync(PullRepo repo)
    {
        using var c = repo.Owner.Client();
        return (await (await c.GetAsync(repo.V1)).JsonAsync())["open_issues_count"]!.GetValue<int>();
    }

    [Fact]
    public async Task Pushing_a_base_that_contains_the_head_merges_the_pull_request_by_the_pusher()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var path = "/merged-by-push-" + Guid.NewGuid().ToString("N")[..6];
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url(path), ["pull_request"]);
        var head = await repo.CommitAsync("feature", "f.txt", "f\n", from: "main");
        await repo.PushAsync("feature");
        var number = (await repo.CreatePullAsync(repo.Owner, new { title = "Merge me by hand", headBranch = "feature", baseBranch = "main" })).Number();
        var mainBefore = await repo.RemoteAsync("main");
        Assert.Equal(1, await OpenIssuesCountAsync(repo));

        // A collaborator merges it locally (main moved meanwhile, so it is a real merge commit) and pushes main.
        var merger = await server.SignUpAsync();
        using (var c = repo.Owner.Client())
        {
            (await c.PutAsJsonAsync($"{repo.V1}/collaborators/{merger.Username}", new { permission = "push" })).EnsureSuccessStatusCode();
        }
        using var theirs = await PullRepo.CloneAsync(server, repo.Owner, merger, repo.Name);
        await theirs.CommitAsync("main", "other.txt", "other\n");
        await theirs.GitAsync("-c", "user.name=Merger", "-c", "user.email=merger@example.com", "merge", "-q", "--no-ff", "--no-edit", "origin/feature");
        var mergeCommit = (await theirs.GitAsync("rev-parse", "HEAD")).Trim();
        await theirs.PushAsync("main");

        var closed = await _receiver.WaitForEventAsync(path, "pull_request", p => p.Str("action") == "closed");
        Assert.Equal(number, closed.Json["number"]!.GetValue<int>());
        Assert.True(closed.Json["pull_request"]!["merged"]!.GetValue<bool>());
        Assert.Equal("closed", closed.Json.Str("pull_request.state"));
        Assert.Equal(mergeCommit, closed.Json.Str("pull_request.merge_commit_sha"));
        Assert.Equal(merger.Username, closed.Json.Str("pull_request.merged_by.login"));
        Assert.Equal(merger.Username, closed.Json.Str("sender.login"));

        var v1 = await V1PullAsync(repo, number);
        Assert.Equal("closed", v1.Str("state"));
        Assert.True(v1["merged"]!.GetValue<bool>());
        Assert.NotNull(v1["merged_at"]);
        Assert.NotNull(v1["closed_at"]);
        Assert.Equal(mergeCommit, v1.Str("merge_commit_sha"));
        Assert.Equal(merger.Username, v1.Str("merged_by.login"));
        Assert.Equal(head, v1.Str("head.sha"));
        Assert.Equal(mainBefore, v1.Str("base.sha"));

        var sigmagit = await repo.PullAsync(number);
        Assert.Equal("merged", sigmagit.Str("state"));
        Assert.True(sigmagit["merged"]!.GetValue<bool>());
        Assert.NotNull(sigmagit["mergedAt"]);
        Assert.Equal(mergeCommit, sigmagit.Str("mergeCommitOid"));
        Assert.Equal(merger.Username, sigmagit.Str("mergedBy.username"));

        Assert.Equal(0, await OpenIssuesCountAsync(repo));
        using (var c = repo.Owner.Client())
        {
            var closedList = await (await c.GetAsync($"{repo.V1}/pulls?state=closed")).JsonAsync();
            Assert.Equal(number, Assert.Single(closedList.AsArray())!["number"]!.GetValue<int>());
            Assert.Empty((await (await c.GetAsync($"{repo.V1}/pulls?state=open")).JsonAsync()).AsArray());
        }
        // Another push to main finds nothing left to merge: one `closed`, not one per push.
        await theirs.CommitAsync("main", "later.txt", "later\n");
        await theirs.PushAsync("main");
        Assert.Single(_receiver.On(path), d => d.Event == "pull_request" && d.Json.Str("action") == "closed");
    }

    [Fact]
    public async Task A_push_to_the_base_that_does_not_contain_the_head_leaves_it_open()
    {
        using var repo = await PullRepo.CreateAsync(server);
        await repo.CommitAsync("feature", "f.txt", "f\n", from: "main");
        await repo.PushAsync("feature");
        var number = (await repo.CreatePullAsync(repo.Owner, new { title = "Still open", headBranch = "feature", baseBranch = "main" })).Number();

        var moved = await repo.CommitAsync("main", "unrelated.txt", "u\n");
        await repo.PushAsync("main");
        // Looked at again after the push (the base it records is the new one), and still open and mergeable.
        var pr = await repo.PullWhenAsync(number, p => p["baseOid"]?.GetValue<string>() == moved && p["mergeable"] is JsonValue, "rechecked against the new base");
        Assert.Equal("open", pr.Str("state"));
        Assert.False(pr["merged"]!.GetValue<bool>());
        Assert.True(pr["mergeable"]!.GetValue<bool>());
        var v1 = await V1PullAsync(repo, number);
        Assert.Equal("open", v1.Str("state"));
        Assert.Null(v1["merged_at"]);
        Assert.Equal(1, await OpenIssuesCountAsync(repo));
    }

    [Fact]
    public async Task A_merge_through_the_api_is_recorded_once_and_merges_a_pull_request_it_contains()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var path = "/api-merge-" + Guid.NewGuid().ToString("N")[..6];
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url(path), ["pull_request"]);
        var inner = await repo.CommitAsync("part", "a.txt", "a\n", from: "main");
        await repo.PushAsync("part");
        await repo.CommitAsync("whole", "b.txt", "b\n", from: "part");
        await repo.PushAsync("whole");
        var partPr = (await repo.CreatePullAsync(repo.Owner, new { title = "Part", headBranch = "part", baseBranch = "main" })).Number();
        var wholePr = (await repo.CreatePullAsync(repo.Owner, new { title = "Whole", headBranch = "whole", baseBranch = "main" })).Number();
        await repo.MergeableAsync(wholePr, true);

        using var c = repo.Owner.Client();
        var merged = await (await c.PostAsJsonAsync($"{repo.Pulls}/{wholePr}/merge", new { mergeStrategy = "merge" })).JsonAsync();
        var mergeCommit = merged.Str("mergeCommitOid");

        // The merge is a push to main that contains the other pull request's head too: both are merged, each once.
        var whole = await V1PullAsync(repo, wholePr);
        Assert.True(whole["merged"]!.GetValue<bool>());
        Assert.Equal(mergeCommit, whole.Str("merge_commit_sha"));
        var part = await V1PullAsync(repo, partPr);
        Assert.True(part["merged"]!.GetValue<bool>());
        Assert.Equal(mergeCommit, part.Str("merge_commit_sha"));
        Assert.Equal(inner, part.Str("head.sha"));
        Assert.Equal(repo.Owner.Username, part.Str("merged_by.login"));
        await _receiver.WaitForEventAsync(path, "pull_request", p => p.Str("action") == "closed" && p["number"]!.GetValue<int>() == partPr);
        await _receiver.WaitForEventAsync(path, "pull_request", p => p.Str("action") == "closed" && p["number"]!.GetValue<int>() == wholePr);
        var hookId = (await (await c.GetAsync($"{repo.V1}/hooks")).JsonAsync())[0]!["id"]!.GetValue<long>();
        var deliveries = (await (await c.GetAsync($"{repo.V1}/hooks/{hookId}/deliveries")).JsonAsync()).AsArray();
        Assert.Equal(2, deliveries.Count(d => d!.Str("event") == "pull_request" && d!.Str("action") == "closed"));
        Assert.Equal(0, await OpenIssuesCountAsync(repo));
    }
}

public sealed class PullRequestMergedByPushTestsOnSqlite(PullsSqliteServer s) : PullRequestMergedByPushTests(s), IClassFixture<PullsSqliteServer>;

public sealed class PullRequestMergedByPushTestsOnPostgres(PullsPostgresServer s) : PullRequestMergedByPushTests(s), IClassFixture<PullsPostgresServer>;

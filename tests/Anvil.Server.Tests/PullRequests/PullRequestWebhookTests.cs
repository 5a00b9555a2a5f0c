using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Webhooks;

namespace Anvil.Server.Tests.PullRequests;

public abstract class PullRequestWebhookTests(PullsServer server) : IAsyncLifetime
{
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Pull_request_events_reach_hooks_in_GitHubs_payloads()
    {
        var repo = await PullRepo.CreateAsync(server);
        using var _r = repo;
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url("/pr"), ["pull_request", "pull_request_review", "push"]);
        var first = await repo.CommitAsync("feature", "f.txt", "f\n", from: "main");
        await repo.PushAsync("feature");
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Hooked", headBranch = "feature", baseBranch = "main" });
        var n = pr.Number();

        var opened = await _receiver.WaitForEventAsync("/pr", "pull_request", p => p.Str("action") == "opened");
        Assert.Equal(n, opened.Json["number"]!.GetValue<int>());
        Assert.Equal("Hooked", opened.Json.Str("pull_request.title"));
        Assert.Equal(first, opened.Json.Str("pull_request.head.sha"));
        Assert.Equal("main", opened.Json.Str("pull_request.base.ref"));
        Assert.Equal(repo.Owner.Username, opened.Json.Str("sender.login"));
        Assert.Equal($"{repo.Owner.Username}/{repo.Name}", opened.Json.Str("repository.full_name"));
        Assert.Null(opened.Json["pull_request"]!["head"]!["repo"]!["permissions"]);

        var second = await repo.CommitAsync("feature", "f.txt", "g\n");
        await repo.PushAsync("feature");
        var sync = await _receiver.WaitForEventAsync("/pr", "pull_request", p => p.Str("action") == "synchronize");
        Assert.Equal(first, sync.Json.Str("before"));
        Assert.Equal(second, sync.Json.Str("after"));

        using var c = repo.Owner.Client();
        await (await c.PatchAsJsonAsync($"{repo.Pulls}/{n}", new { title = "Hooked again" })).JsonAsync();
        var edited = await _receiver.WaitForEventAsync("/pr", "pull_request", p => p.Str("action") == "edited");
        Assert.Equal("Hooked", edited.Json.Str("changes.title.from"));

        var reviewer = await server.SignUpAsync();
        using (var r = reviewer.Client())
        {
            await (await r.PostAsJsonAsync($"{repo.V1}/pulls/{n}/reviews", new { @event = "APPROVE" })).JsonAsync();
        }
        var review = await _receiver.WaitForEventAsync("/pr", "pull_request_review", p => p.Str("action") == "submitted");
        Assert.Equal("APPROVED", review.Json.Str("review.state"));
        Assert.Equal(reviewer.Username, review.Json.Str("review.user.login"));

        await repo.MergeableAsync(n, true);
        var merged = await (await c.PostAsJsonAsync($"{repo.Pulls}/{n}/merge", new { mergeStrategy = "squash" })).JsonAsync();
        var closed = await _receiver.WaitForEventAsync("/pr", "pull_request", p => p.Str("action") == "closed");
        Assert.True(closed.Json["pull_request"]!["merged"]!.GetValue<bool>());
        Assert.Equal(merged.Str("mergeCommitOid"), closed.Json.Str("pull_request.merge_commit_sha"));
        // The merge is a push to the base, so push hooks (and anything else listening to pushes) see it.
        var push = await _receiver.WaitForEventAsync("/pr", "push", p => p.Str("after") == merged.Str("mergeCommitOid"));
        Assert.Equal("refs/heads/main", push.Json.Str("ref"));
    }
    [Fact]
    public async Task Closing_and_reopening_through_the_issue_routes_is_a_pull_request_event_and_a_merged_one_stays_closed()
    {
        using var repo = await PullRepo.CreateAsync(server);
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url("/state"), ["pull_request"]);
        await repo.CommitAsync("feature", "f.txt", "f\n", from: "main");
        await repo.PushAsync("feature");
        var n = (await repo.CreatePullAsync(repo.Owner, new { title = "Via issues", headBranch = "feature", baseBranch = "main" })).Number();
        using var c = repo.Owner.Client();

        await (await c.PatchAsJsonAsync($"{repo.V1}/issues/{n}", new { state = "closed" })).JsonAsync();
        var closed = await _receiver.WaitForEventAsync("/state", "pull_request", p => p.Str("action") == "closed");
        Assert.False(closed.Json["pull_request"]!["merged"]!.GetValue<bool>());
        Assert.Equal("closed", (await repo.PullAsync(n)).Str("state"));

        // Pushed while closed: reopening catches up with the head, as the pulls route does.
        var moved = await repo.CommitAsync("feature", "f.txt", "g\n");
        await repo.PushAsync("feature");
        await (await c.PatchAsJsonAsync($"{repo.V1}/issues/{n}", new { state = "open" })).JsonAsync();
        var reopened = await _receiver.WaitForEventAsync("/state", "pull_request", p => p.Str("action") == "reopened");
        Assert.Equal(moved, reopened.Json.Str("pull_request.head.sha"));
        Assert.Single(_receiver.On("/state"), d => d.Event == "pull_request" && d.Json.Str("action") == "closed"); // once, not once per route

        // Labels and assignees set through the issue routes are pull_request events too, as on GitHub.
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/{n}/labels", new { labels = new[] { "bug" } })).JsonAsync();
        var labeled = await _receiver.WaitForEventAsync("/state", "pull_request", p => p.Str("action") == "labeled");
        Assert.Equal("bug", labeled.Json.Str("label.name"));
        Assert.Equal(n, labeled.Json["number"]!.GetValue<int>());
        Assert.Equal("bug", labeled.Json["pull_request"]!["labels"]![0]!.Str("name"));

        await repo.MergeableAsync(n, true);
        await (await c.PostAsJsonAsync($"{repo.Pulls}/{n}/merge", new { mergeStrategy = "merge" })).JsonAsync();
        var refused = await (await c.PatchAsJsonAsync($"{repo.V1}/issues/{n}", new { state = "open" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("merged", refused);
        var after = await repo.PullAsync(n);
        Assert.Equal("merged", after.Str("state"));
    }
}

public sealed class PullRequestWebhookTestsOnSqlite(PullsSqliteServer s) : PullRequestWebhookTests(s), IClassFixture<PullsSqliteServer>;

public sealed class PullRequestWebhookTestsOnPostgres(PullsPostgresServer s) : PullRequestWebhookTests(s), IClassFixture<PullsPostgresServer>;

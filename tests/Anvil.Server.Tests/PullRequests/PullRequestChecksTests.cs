using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>A pull request shows its head's combined check state, and opening or pushing to it queues pull_request workflows.</summary>
public abstract class PullRequestChecksTests(PullsServer server)
{
    [Fact]
    public async Task Pull_request_shows_the_combined_check_state_of_its_head()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var head = await repo.CommitAsync("feature", "feature.txt", "one\n", from: "main");
        await repo.PushAsync("feature");
        var number = (await repo.CreatePullAsync(repo.Owner, new { title = "Checked", headBranch = "feature", baseBranch = "main" })).Number();

        var none = await repo.MergeableAsync(number, true);
        Assert.Equal("none", none.Str("checks.state"));
        Assert.Equal(0, none["checks"]!["total"]!.GetValue<int>());
        using var c = repo.Owner.Client();
        Assert.Equal("clean", (await (await c.GetAsync($"{repo.V1}/pulls/{number}")).JsonAsync()).Str("mergeable_state"));

        using var ci = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write"));
        var lint = await (await ci.PostAsJsonAsync($"{repo.V1}/check-runs", new { name = "lint", head_sha = head, status = "in_progress" })).JsonAsync(System.Net.HttpStatusCode.Created);
        await (await ci.PostAsJsonAsync($"{repo.V1}/check-runs", new { name = "test", head_sha = head, status = "completed", conclusion = "success" }))
            .JsonAsync(System.Net.HttpStatusCode.Created);

        var pending = await repo.PullAsync(number);
        Assert.Equal("pending", pending.Str("checks.state"));
        Assert.Equal(2, pending["checks"]!["total"]!.GetValue<int>());
        Assert.Equal(1, pending["checks"]!["pending"]!.GetValue<int>());
        Assert.Equal("unstable", (await (await c.GetAsync($"{repo.V1}/pulls/{number}")).JsonAsync()).Str("mergeable_state"));

        await (await ci.PatchAsJsonAsync($"{repo.V1}/check-runs/{lint["id"]}", new { status = "completed", conclusion = "failure" })).JsonAsync();
        var failed = await repo.PullAsync(number);
        Assert.Equal("failure", failed.Str("checks.state"));
        Assert.Equal(1, failed["checks"]!["failed"]!.GetValue<int>());
        Assert.Equal(1, failed["checks"]!["succeeded"]!.GetValue<int>());

        // A new head has no checks yet: the state follows the head, not the pull request.
        await repo.CommitAsync("feature", "feature.txt", "one\ntwo\n");
        await repo.PushAsync("feature");
        var moved = await repo.PullWhenAsync(number, p => p.Str("checks.state") == "none", "checks of the new head");
        Assert.NotEqual(head, moved.Str("headOid"));
        var listed = (await (await c.GetAsync($"{repo.Pulls}?state=open")).JsonAsync())["pullRequests"]!.AsArray().Single(p => p!.Number() == number)!;
        Assert.Equal("none", listed.Str("checks.state"));
    }

    [Fact]
    public async Task Commit_statuses_count_beside_check_runs_in_the_merge_state()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var head = await repo.CommitAsync("feature", "feature.txt", "one\n", from: "main");
        await repo.PushAsync("feature");
        var number = (await repo.CreatePullAsync(repo.Owner, new { title = "Statused", headBranch = "feature", baseBranch = "main" })).Number();
        await repo.MergeableAsync(number, true);
        using var c = repo.Owner.Client();
        async Task<string> MergeableState() => (await (await c.GetAsync($"{repo.V1}/pulls/{number}")).JsonAsync()).Str("mergeable_state");

        await (await c.PostAsJsonAsync($"{repo.V1}/statuses/{head}", new { state = "pending", context = "ci/build" })).JsonAsync(System.Net.HttpStatusCode.Created);
        Assert.Equal("unstable", await MergeableState());
        var pending = await repo.PullAsync(number);
        Assert.Equal("pending", pending.Str("checks.state"));
        Assert.Equal(1, pending["checks"]!["total"]!.GetValue<int>());

        // Only a context's latest status counts.
        await (await c.PostAsJsonAsync($"{repo.V1}/statuses/{head}", new { state = "success", context = "ci/build" })).JsonAsync(System.Net.HttpStatusCode.Created);
        Assert.Equal("clean", await MergeableState());
        await (await c.PostAsJsonAsync($"{repo.V1}/check-runs", new { name = "lint", head_sha = head, conclusion = "success" })).JsonAsync(System.Net.HttpStatusCode.Created);
        var both = await repo.PullAsync(number);
        Assert.Equal("success", both.Str("checks.state"));
        Assert.Equal(2, both["checks"]!["total"]!.GetValue<int>());

        await (await c.PostAsJsonAsync($"{repo.V1}/statuses/{head}", new { state = "error", context = "ci/deploy" })).JsonAsync(System.Net.HttpStatusCode.Created);
        Assert.Equal("unstable", await MergeableState());
        var failed = await repo.PullAsync(number);
        Assert.Equal("failure", failed.Str("checks.state"));
        Assert.Equal((3, 1), (failed["checks"]!["total"]!.GetValue<int>(), failed["checks"]!["failed"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Opening_and_pushing_to_a_pull_request_queue_its_pull_request_workflows()
    {
        using var repo = await PullRepo.CreateAsync(server);
        await repo.CommitAsync("feature", ".anvil/workflows/ci.yml",
            "on:\n  pull_request:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n", from: "main");
        await repo.PushAsync("feature");
        using var c = repo.Owner.Client();
        async Task<List<JsonNode>> PullRunsAsync() =>
            (await (await c.GetAsync($"{repo.V1}/actions/runs")).JsonAsync())["workflow_runs"]!.AsArray()
            .Select(r => r!).Where(r => r.Str("event") == "pull_request").ToList();
        Assert.Empty(await PullRunsAsync()); // the push itself matches no push trigger

        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "CI", headBranch = "feature", baseBranch = "main" });
        var opened = Assert.Single(await PullRunsAsync());
        Assert.Equal(pr.Str("headOid"), opened.Str("head_sha"));
        var check = (await (await c.GetAsync($"{repo.V1}/commits/{pr.Str("headOid")}/check-runs")).JsonAsync())["check_runs"]!.AsArray();
        Assert.Equal("test", Assert.Single(check)!.Str("name"));

        var next = await repo.CommitAsync("feature", "more.txt", "more\n");
        await repo.PushAsync("feature");
        var runs = await PullRunsAsync();
        Assert.Equal(2, runs.Count);
        Assert.Contains(runs, r => r.Str("head_sha") == next);
    }
}

public sealed class PullRequestChecksTestsOnSqlite(PullsSqliteServer s) : PullRequestChecksTests(s), IClassFixture<PullsSqliteServer>;

public sealed class PullRequestChecksTestsOnPostgres(PullsPostgresServer s) : PullRequestChecksTests(s), IClassFixture<PullsPostgresServer>;

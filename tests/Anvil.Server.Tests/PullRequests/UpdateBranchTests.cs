using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Repositories;
using Anvil.Server.Tests.Webhooks;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>
/// GitHub's <c>PUT …/pulls/{n}/update-branch</c>: the base merged into the head by a merge commit of the caller's, moved
/// like a push (the push and the pull request's synchronize are announced); stale heads, conflicts and nothing to merge are 422.
/// </summary>
public abstract class UpdateBranchTests(PullsServer server) : IAsyncLifetime
{
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task The_base_is_merged_into_the_head_by_the_caller_and_announced_as_a_push()
    {
        using var repo = await PullRepo.CreateAsync(server, isPrivate: true);
        var reader = await server.SignUpAsync();
        var stranger = await server.SignUpAsync();
        await RepoSetup.AddCollaboratorAsync(repo.Owner, repo.Name, reader, "read");
        var head = await repo.CommitAsync("feature", "feature.txt", "feature\n", from: "main");
        await repo.PushAsync("feature");
        var number = (await repo.CreatePullAsync(repo.Owner, new { title = "Behind", headBranch = "feature", baseBranch = "main" })).Number();
        var url = $"{repo.V1}/pulls/{number}/update-branch";
        using var o = repo.Owner.Client();
        using var r = reader.Client();
        using var s = stranger.Client();

        // Nothing new on the base yet.
        var nothing = await (await o.PutAsJsonAsync(url, new { })).ErrorAsync((HttpStatusCode)422);
        Assert.Contains("no new commits", nothing);
        var baseTip = await repo.CommitAsync("main", "main.txt", "main moved\n");
        await repo.PushAsync("main");
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url("/upd"), ["push", "pull_request"]);

        await (await s.PutAsJsonAsync(url, new { })).ErrorAsync(HttpStatusCode.NotFound);
        await (await server.Anonymous().PutAsJsonAsync(url, new { })).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await r.PutAsJsonAsync(url, new { })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await o.PutAsJsonAsync($"{repo.V1}/pulls/99/update-branch", new { })).ErrorAsync(HttpStatusCode.NotFound);
        await (await o.PutAsJsonAsync(url, new { expected_head_sha = "nope" })).ErrorAsync((HttpStatusCode)422);
        await (await o.PutAsJsonAsync(url, new { expected_head_sha = baseTip })).ErrorAsync((HttpStatusCode)422);
        await (await o.PutAsJsonAsync(url, "[]")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(head, await repo.RemoteAsync("feature"));

        var accepted = await (await o.PutAsJsonAsync(url, new { expected_head_sha = head })).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("Updating pull request branch.", accepted.Str("message"));
        Assert.EndsWith($"{repo.V1}/pulls/{number}", accepted.Str("url"));

        var merged = await repo.RemoteAsync("feature");
        Assert.NotEqual(head, merged);
        Assert.Equal($"{head} {baseTip}", await repo.GitAsync("log", "-1", "--format=%P", merged));
        Assert.Equal("Merge branch 'main' into feature", await repo.GitAsync("log", "-1", "--format=%s", merged));
        Assert.Equal($"User {repo.Owner.Username} <{repo.Owner.Username}@example.com>", await repo.GitAsync("log", "-1", "--format=%an <%ae>", merged));
        var push = await _receiver.WaitForEventAsync("/upd", "push", p => p.Str("ref") == "refs/heads/feature");
        Assert.Equal(head, push.Json.Str("before"));
        Assert.Equal(merged, push.Json.Str("after"));
        var sync = await _receiver.WaitForEventAsync("/upd", "pull_request", p => p.Str("action") == "synchronize");
        Assert.Equal(merged, sync.Json.Str("after"));
        Assert.Equal(merged, (await (await o.GetAsync($"{repo.V1}/pulls/{number}")).JsonAsync()).Str("head.sha"));
        Assert.Equal(2, (await (await o.GetAsync($"{repo.V1}/pulls/{number}/commits")).JsonAsync()).AsArray().Count);

        // Once up to date, there is nothing to merge again.
        await (await o.PutAsJsonAsync(url, new { })).ErrorAsync((HttpStatusCode)422);
    }

    [Fact]
    public async Task A_fork_head_is_updated_by_its_owner_and_conflicts_change_nothing()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var contributor = await server.SignUpAsync();
        using var fork = await repo.ForkAsync(contributor);
        await fork.CommitAsync("fix", "shared.txt", "from the fork\n", from: "main");
        await fork.PushAsync("fix");
        var number = (await repo.CreatePullAsync(contributor, new
        {
            title = "Fix from fork", headBranch = "fix", baseBranch = "main", headRepoOwner = contributor.Username, headRepoName = fork.Name,
        })).Number();
        var url = $"{repo.V1}/pulls/{number}/update-branch";
        await repo.CommitAsync("main", "other.txt", "base moved\n");
        await repo.PushAsync("main");

        // The base repository's owner may not write to the contributor's fork.
        using var o = repo.Owner.Client();
        await (await o.PutAsJsonAsync(url, new { })).ErrorAsync(HttpStatusCode.Forbidden);
        using var c = contributor.Client();
        await (await c.PutAsJsonAsync(url, new { })).JsonAsync(HttpStatusCode.Accepted);
        var merged = await fork.RemoteAsync("fix");
        Assert.Equal("Merge branch 'main' of " + repo.Owner.Username + "/" + repo.Name + " into fix", await fork.GitAsync("log", "-1", "--format=%s", merged));
        Assert.Equal("base moved", (await fork.GitAsync("show", merged + ":other.txt")).Trim());
        await repo.PullWhenAsync(number, p => p.Str("headOid") == merged, "following the updated fork head");

        // A conflicting base: 422 naming the file, the head unmoved.
        await repo.CommitAsync("main", "shared.txt", "from the base\n");
        await repo.PushAsync("main");
        var conflict = await (await c.PutAsJsonAsync(url, new { })).ErrorAsync((HttpStatusCode)422);
        Assert.Contains("shared.txt", conflict);
        Assert.Equal(merged, await fork.RemoteAsync("fix"));
    }
}

public sealed class UpdateBranchTestsOnSqlite(PullsSqliteServer s) : UpdateBranchTests(s), IClassFixture<PullsSqliteServer>;

public sealed class UpdateBranchTestsOnPostgres(PullsPostgresServer s) : UpdateBranchTests(s), IClassFixture<PullsPostgresServer>;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.PullRequests;

namespace Anvil.Server.Tests.Issues;

/// <summary>The list filters GitHub clients send, on issues, pulls and the caller's repositories.</summary>
public abstract class V1ListFilterTests(AnvilServer server)
{
    private static List<string> Titles(JsonNode list) => list.AsArray().Select(i => i!.Str("title")).ToList();

    [Fact]
    public async Task Issues_sort_by_direction_comments_since_and_mentioned()
    {
        var repo = await TestRepo.CreateAsync(server);
        var reader = await server.SignUpAsync();
        foreach (var title in new[] { "a", "b", "c" })
        {
            await repo.CreateIssueAsync(title);
        }
        using var c = repo.Owner.Client();
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/comments", new { body = "one" })).JsonAsync(HttpStatusCode.Created);
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/comments", new { body = "two" })).JsonAsync(HttpStatusCode.Created);
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/3/comments", new { body = "three" })).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(["c", "b", "a"], Titles(await (await c.GetAsync($"{repo.V1}/issues")).JsonAsync()));
        Assert.Equal(["a", "b", "c"], Titles(await (await c.GetAsync($"{repo.V1}/issues?direction=asc")).JsonAsync()));
        Assert.Equal(["a", "c", "b"], Titles(await (await c.GetAsync($"{repo.V1}/issues?sort=comments")).JsonAsync()));
        Assert.Equal(["b", "c", "a"], Titles(await (await c.GetAsync($"{repo.V1}/issues?sort=comments&direction=asc")).JsonAsync()));
        // Commenting updated a and c, c last.
        Assert.Equal(["c", "a", "b"], Titles(await (await c.GetAsync($"{repo.V1}/issues?sort=updated")).JsonAsync()));
        var paged = await c.GetAsync($"{repo.V1}/issues?sort=comments&per_page=2&page=2");
        Assert.Equal(["b"], Titles(await paged.JsonAsync()));

        var future = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        Assert.Empty((await (await c.GetAsync($"{repo.V1}/issues?since={future}")).JsonAsync()).AsArray());
        Assert.Equal(3, (await (await c.GetAsync($"{repo.V1}/issues?since=2000-01-01T00:00:00Z")).JsonAsync()).AsArray().Count);
        await (await c.GetAsync($"{repo.V1}/issues?sort=votes")).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.GetAsync($"{repo.V1}/issues?direction=up")).ErrorAsync(HttpStatusCode.UnprocessableEntity);

        await repo.CreateIssueAsync(c, new { title = "d", body = $"@{reader.Username} please look" });
        Assert.Empty((await (await c.GetAsync($"{repo.V1}/issues?mentioned=nobody-at-all")).JsonAsync()).AsArray());
        // The mention is recorded as its notification is, in the background: wait for it.
        List<string> mentioned = [];
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); mentioned.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(50))
        {
            mentioned = Titles(await (await c.GetAsync($"{repo.V1}/issues?mentioned={reader.Username}")).JsonAsync());
        }
        Assert.Equal(["d"], mentioned);
    }

    [Fact]
    public async Task Pulls_filter_by_head_and_base_and_sort()
    {
        var repo = await PullRepo.CreateAsync(server);
        using var _ = repo;
        foreach (var branch in new[] { "one", "two" })
        {
            await repo.CommitAsync(branch, branch + ".txt", branch + "\n", from: "main");
            await repo.PushAsync(branch);
            await repo.CreatePullAsync(repo.Owner, new { title = branch, headBranch = branch, baseBranch = "main" });
        }
        using var c = repo.Owner.Client();
        Assert.Equal(["two", "one"], Titles(await (await c.GetAsync($"{repo.V1}/pulls")).JsonAsync()));
        Assert.Equal(["one", "two"], Titles(await (await c.GetAsync($"{repo.V1}/pulls?direction=asc")).JsonAsync()));
        Assert.Equal(["one", "two"], Titles(await (await c.GetAsync($"{repo.V1}/pulls?sort=long-running")).JsonAsync()));
        Assert.Equal(["one"], Titles(await (await c.GetAsync($"{repo.V1}/pulls?head={repo.Owner.Username}:one")).JsonAsync()));
        Assert.Equal(["two"], Titles(await (await c.GetAsync($"{repo.V1}/pulls?head=two")).JsonAsync()));
        Assert.Empty((await (await c.GetAsync($"{repo.V1}/pulls?head=someone-else:one")).JsonAsync()).AsArray());
        Assert.Equal(2, (await (await c.GetAsync($"{repo.V1}/pulls?base=main")).JsonAsync()).AsArray().Count);
        Assert.Empty((await (await c.GetAsync($"{repo.V1}/pulls?base=develop")).JsonAsync()).AsArray());
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/comments", new { body = "popular" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(["one", "two"], Titles(await (await c.GetAsync($"{repo.V1}/pulls?sort=popularity")).JsonAsync()));
        await (await c.GetAsync($"{repo.V1}/pulls?sort=fame")).ErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task The_callers_repositories_filter_by_visibility_affiliation_and_type()
    {
        var theirs = await TestRepo.CreateAsync(server);
        var me = await theirs.AddCollaboratorAsync("push");
        var mine = await TestRepo.CreateAsync(server, isPrivate: true, owner: me);
        var minePublic = await TestRepo.CreateAsync(server, owner: me);
        using var c = server.WithBearer(await me.CreateTokenAsync("repo"));
        List<string> Names(JsonNode list) => list.AsArray().Select(r => r!.Str("name")).Order().ToList();

        Assert.Equal(new[] { theirs.Name, mine.Name, minePublic.Name }.Order(), Names(await (await c.GetAsync("/api/v1/user/repos")).JsonAsync()));
        Assert.Equal([mine.Name], Names(await (await c.GetAsync("/api/v1/user/repos?visibility=private")).JsonAsync()));
        Assert.Equal([theirs.Name], Names(await (await c.GetAsync("/api/v1/user/repos?affiliation=collaborator")).JsonAsync()));
        Assert.Equal(new[] { mine.Name, minePublic.Name }.Order(), Names(await (await c.GetAsync("/api/v1/user/repos?type=owner")).JsonAsync()));
        Assert.Equal([theirs.Name], Names(await (await c.GetAsync("/api/v1/user/repos?type=member")).JsonAsync()));
        Assert.Equal(new[] { theirs.Name, minePublic.Name }.Order(), Names(await (await c.GetAsync("/api/v1/user/repos?type=public")).JsonAsync()));
        var byName = (await (await c.GetAsync("/api/v1/user/repos?sort=full_name")).JsonAsync()).AsArray().Select(r => r!.Str("full_name")).ToList();
        Assert.Equal(byName.Order(StringComparer.OrdinalIgnoreCase), byName);
        var created = (await (await c.GetAsync("/api/v1/user/repos?sort=created&direction=asc")).JsonAsync()).AsArray().Select(r => r!.Str("name")).ToList();
        Assert.Equal([theirs.Name, mine.Name, minePublic.Name], created);
        await (await c.GetAsync("/api/v1/user/repos?type=owner&visibility=public")).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.GetAsync("/api/v1/user/repos?visibility=secret")).ErrorAsync(HttpStatusCode.UnprocessableEntity);
    }
}

public sealed class V1ListFilterTestsOnSqlite(PullsSqliteServer s) : V1ListFilterTests(s), IClassFixture<PullsSqliteServer>;

public sealed class V1ListFilterTestsOnPostgres(PullsPostgresServer s) : V1ListFilterTests(s), IClassFixture<PullsPostgresServer>;

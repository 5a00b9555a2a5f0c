using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Checks;

public abstract class CommitStatusTests(AnvilServer server)
{
    private sealed record Repo(TestUser Owner, string Name, string Sha)
    {
        public string Api => $"/api/v1/repos/{Owner.Username}/{Name}";
    }

    private async Task<Repo> CreateRepoAsync(bool isPrivate = false)
    {
        var owner = await server.SignUpAsync();
        using var c = owner.Client();
        var name = "statuses" + Guid.NewGuid().ToString("N")[..8];
        await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name, @private = isPrivate, auto_init = true })).JsonAsync(HttpStatusCode.Created);
        var branch = await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}/branches/main")).JsonAsync();
        return new Repo(owner, name, branch.Str("commit.sha"));
    }

    [Fact]
    public async Task Create_and_list_statuses_in_GitHub_shapes_newest_first()
    {
        var repo = await CreateRepoAsync();
        using var c = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write"));
        var created = await (await c.PostAsJsonAsync($"{repo.Api}/statuses/{repo.Sha}", new
        {
            state = "pending", target_url = "https://ci.example.com/build/1", description = "Build started", context = "ci/build",
        })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("pending", created.Str("state"));
        Assert.Equal("ci/build", created.Str("context"));
        Assert.Equal("Build started", created.Str("description"));
        Assert.Equal("https://ci.example.com/build/1", created.Str("target_url"));
        Assert.EndsWith($"{repo.Api}/statuses/{repo.Sha}", created.Str("url"));
        Assert.Equal(repo.Owner.Username, created.Str("creator.login"));
        Assert.StartsWith("http", created.Str("avatar_url"));
        Assert.False(string.IsNullOrEmpty(created.Str("node_id")));
        Assert.NotNull(created["created_at"]);

        // No context given is GitHub's "default"; an abbreviated sha names the same commit.
        var plain = await (await c.PostAsJsonAsync($"{repo.Api}/statuses/{repo.Sha[..10]}", new { state = "success" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("default", plain.Str("context"));
        Assert.Null(plain["description"]);
        Assert.EndsWith($"/statuses/{repo.Sha}", plain.Str("url"));

        foreach (var gitRef in new[] { repo.Sha, "main" })
        {
            var res = await c.GetAsync($"{repo.Api}/commits/{gitRef}/statuses?per_page=1");
            var list = (await res.JsonAsync()).AsArray();
            Assert.Equal(plain["id"]!.GetValue<long>(), Assert.Single(list)!["id"]!.GetValue<long>());
            Assert.Contains("rel=\"next\"", res.Headers.GetValues("Link").Single());
        }
        var all = (await (await c.GetAsync($"{repo.Api}/commits/main/statuses")).JsonAsync()).AsArray();
        Assert.Equal([plain["id"]!.GetValue<long>(), created["id"]!.GetValue<long>()], all.Select(s => s!["id"]!.GetValue<long>()));
        // GitHub's older path for the list (PyGithub's Commit.get_statuses) answers the same.
        var legacy = (await (await c.GetAsync($"{repo.Api}/statuses/{repo.Sha}")).JsonAsync()).AsArray();
        Assert.Equal(all.ToJsonString(), legacy.ToJsonString());
    }

    [Fact]
    public async Task Combined_status_follows_the_latest_status_of_each_context()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        async Task<JsonNode> Combined() => await (await c.GetAsync($"{repo.Api}/commits/main/status")).JsonAsync();
        async Task Post(string state, string context) =>
            await (await c.PostAsJsonAsync($"{repo.Api}/statuses/{repo.Sha}", new { state, context })).JsonAsync(HttpStatusCode.Created);

        var none = await Combined();
        Assert.Equal("pending", none.Str("state")); // GitHub: no statuses at all is pending
        Assert.Equal(0, none["total_count"]!.GetValue<int>());
        Assert.Equal(repo.Sha, none.Str("sha"));
        Assert.Equal($"{repo.Owner.Username}/{repo.Name}", none.Str("repository.full_name"));
        Assert.EndsWith($"{repo.Api}/commits/{repo.Sha}/status", none.Str("url"));
        Assert.EndsWith($"{repo.Api}/commits/{repo.Sha}", none.Str("commit_url"));

        await Post("pending", "ci/test");
        await Post("success", "ci/lint");
        Assert.Equal("pending", (await Combined()).Str("state"));
        await Post("success", "ci/test");
        var green = await Combined();
        Assert.Equal("success", green.Str("state"));
        Assert.Equal(2, green["total_count"]!.GetValue<int>());
        Assert.Equal(["ci/lint", "ci/test"], green["statuses"]!.AsArray().Select(s => s!.Str("context")));
        Assert.All(green["statuses"]!.AsArray(), s => Assert.Equal("success", s!.Str("state")));

        await Post("error", "ci/lint");
        Assert.Equal("failure", (await Combined()).Str("state"));
        await Post("success", "ci/lint");
        await Post("failure", "ci/test");
        Assert.Equal("failure", (await Combined()).Str("state"));
        await Post("pending", "ci/test");
        Assert.Equal("pending", (await Combined()).Str("state"));
    }

    [Fact]
    public async Task Bad_input_is_a_readable_422_or_404_and_stores_nothing()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var url = $"{repo.Api}/statuses/{repo.Sha}";
        var missing = await (await c.PostAsJsonAsync(url, new { description = "no state" })).ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Validation Failed", missing.Str("message"));
        Assert.Equal("state", missing["errors"]![0]!.Str("field"));
        await (await c.PostAsJsonAsync(url, new { state = "great" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(url, new { state = "success", target_url = "javascript:alert(1)" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(url, new { state = "success", context = new string('c', 256) })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        var unknown = await (await c.PostAsJsonAsync($"{repo.Api}/statuses/{new string('a', 40)}", new { state = "success" }))
            .ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("No commit found for SHA", unknown.Str("error"));
        await (await c.PostAsJsonAsync($"{repo.Api}/statuses/main", new { state = "success" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.SendRawAsync(HttpMethod.Post, url, "{not json")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync($"{repo.Api}/commits/nosuchbranch/statuses")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{repo.Api}/commits/{new string('b', 40)}/status")).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await c.GetAsync($"{repo.Api}/commits/{repo.Sha}/statuses")).JsonAsync()).AsArray());
    }

    [Fact]
    public async Task Writers_write_readers_read_private_is_404_archived_refuses()
    {
        var repo = await CreateRepoAsync(isPrivate: true);
        var stranger = await server.SignUpAsync();
        using var s = stranger.Client();
        using var anon = server.Anonymous();
        await (await s.PostAsJsonAsync($"{repo.Api}/statuses/{repo.Sha}", new { state = "success" })).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.GetAsync($"{repo.Api}/commits/{repo.Sha}/statuses")).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.GetAsync($"{repo.Api}/statuses/{repo.Sha}")).ErrorAsync(HttpStatusCode.NotFound);
        await (await anon.GetAsync($"{repo.Api}/commits/main/status")).ErrorAsync(HttpStatusCode.NotFound);

        using var readOnly = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:read"));
        var res = await readOnly.PostAsJsonAsync($"{repo.Api}/statuses/{repo.Sha}", new { state = "success" });
        await res.ErrorAsync(HttpStatusCode.Forbidden);
        Assert.Equal("repo:write", res.Headers.GetValues("X-Accepted-OAuth-Scopes").Single());
        await (await readOnly.GetAsync($"{repo.Api}/commits/main/status")).JsonAsync();

        var pub = await CreateRepoAsync();
        await (await s.PostAsJsonAsync($"{pub.Api}/statuses/{pub.Sha}", new { state = "success" })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await anon.PostAsJsonAsync($"{pub.Api}/statuses/{pub.Sha}", new { state = "success" })).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await anon.GetAsync($"{pub.Api}/commits/main/statuses")).JsonAsync();

        using var owner = pub.Owner.Client();
        await (await owner.PatchAsJsonAsync(pub.Api, new { archived = true })).JsonAsync();
        var refused = await (await owner.PostAsJsonAsync($"{pub.Api}/statuses/{pub.Sha}", new { state = "success" })).ErrorBodyAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Repository was archived so is read-only.", refused.Str("message"));
        Assert.Equal("pending", (await (await owner.GetAsync($"{pub.Api}/commits/main/status")).JsonAsync()).Str("state"));
    }
}

public sealed class CommitStatusTestsOnSqlite(SqliteServer s) : CommitStatusTests(s), IClassFixture<SqliteServer>;

public sealed class CommitStatusTestsOnPostgres(PostgresServer s) : CommitStatusTests(s), IClassFixture<PostgresServer>;

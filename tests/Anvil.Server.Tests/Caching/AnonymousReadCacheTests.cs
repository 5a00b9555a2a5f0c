using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Infrastructure.Caching;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Caching;

/// <summary>
/// Anonymous reads answered from memory: a repeat is (the answer carries <c>Age</c>, as from any HTTP cache), and
/// whatever changes — a field, a star, visibility, a push, an issue — the very next anonymous read shows it.
/// </summary>
public abstract class AnonymousReadCacheTests(AnvilServer server)
{
    private static bool FromCache(HttpResponseMessage res) => res.Headers.Age is not null;

    private async Task<(TestUser Owner, string Repo, HttpClient Anonymous)> PublicRepositoryAsync()
    {
        var owner = await server.SignUpAsync();
        var repo = "cached-" + Guid.NewGuid().ToString("N")[..8];
        using var c = owner.Client();
        await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name = repo, auto_init = true })).JsonAsync(HttpStatusCode.Created);
        return (owner, repo, server.Anonymous());
    }

    /// <summary>Reads until the answer comes from memory; a background write may move the clock once in between.</summary>
    private static async Task<string> CachedBodyAsync(HttpClient anonymous, string path)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var res = await anonymous.GetAsync(path);
            var body = await res.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            if (FromCache(res))
            {
                return body;
            }
        }
        throw new Xunit.Sdk.XunitException($"{path} never came from the cache");
    }

    [Fact]
    public async Task A_repeated_anonymous_read_comes_from_memory_with_its_own_request_id()
    {
        var (owner, repo, anonymous) = await PublicRepositoryAsync();
        using var _ = anonymous;
        var path = $"/api/v1/repos/{owner.Username}/{repo}";
        var first = await anonymous.GetAsync(path);
        var fresh = await first.Content.ReadAsStringAsync();
        Assert.False(FromCache(first));
        Assert.Equal(fresh, await CachedBodyAsync(anonymous, path));

        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Request-Id", "cache-probe-1");
        var res = await anonymous.SendAsync(request);
        Assert.True(FromCache(res));
        Assert.Equal("cache-probe-1", res.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal("no-store", res.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_change_to_the_repository_is_seen_by_the_next_anonymous_read()
    {
        var (owner, repo, anonymous) = await PublicRepositoryAsync();
        using var _ = anonymous;
        using var c = owner.Client();
        var v1 = $"/api/v1/repos/{owner.Username}/{repo}";
        var sigmagit = $"/api/repositories/{owner.Username}/{repo}";
        await CachedBodyAsync(anonymous, v1);
        await CachedBodyAsync(anonymous, sigmagit);

        await (await c.PatchAsJsonAsync(v1, new { description = "now described" })).JsonAsync();
        var after = await anonymous.GetAsync(v1);
        Assert.Equal("now described", (await after.JsonAsync()).Str("description"));

        (await c.PutAsync($"/api/v1/user/starred/{owner.Username}/{repo}", null)).EnsureSuccessStatusCode();
        var starred = await (await anonymous.GetAsync(v1)).JsonAsync();
        Assert.Equal(1, starred["stargazers_count"]!.GetValue<int>());
        var sigmagitView = await (await anonymous.GetAsync(sigmagit)).JsonAsync();
        Assert.Equal(1, sigmagitView["repo"]!["starCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_repository_made_private_is_gone_for_anonymous_callers_at_once()
    {
        var (owner, repo, anonymous) = await PublicRepositoryAsync();
        using var _ = anonymous;
        using var c = owner.Client();
        var path = $"/api/v1/repos/{owner.Username}/{repo}";
        await CachedBodyAsync(anonymous, path);
        await CachedBodyAsync(anonymous, path + "/contents/README.md");

        await (await c.PatchAsJsonAsync(path, new { @private = true })).JsonAsync();
        await (await anonymous.GetAsync(path)).ErrorAsync(HttpStatusCode.NotFound);
        await (await anonymous.GetAsync(path + "/contents/README.md")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Callers_with_credentials_never_get_an_answer_from_memory()
    {
        var (owner, repo, anonymous) = await PublicRepositoryAsync();
        using var _ = anonymous;
        using var c = owner.Client();
        var path = $"/api/v1/repos/{owner.Username}/{repo}";
        await CachedBodyAsync(anonymous, path);

        for (var i = 0; i < 3; i++)
        {
            var mine = await c.GetAsync(path);
            Assert.False(FromCache(mine));
            // The owner's own view says what they may do; the anonymous one must not have been handed to them.
            Assert.True((await mine.JsonAsync())["permissions"]!["admin"]!.GetValue<bool>());
        }
        var anonymousView = await (await anonymous.GetAsync(path)).JsonAsync();
        Assert.False(anonymousView["permissions"]?["admin"]?.GetValue<bool>() ?? false);
    }

    [Fact]
    public async Task A_push_is_seen_by_the_next_anonymous_history_and_tree_read()
    {
        var (owner, repo, anonymous) = await PublicRepositoryAsync();
        using var _ = anonymous;
        var commits = $"/api/v1/repos/{owner.Username}/{repo}/commits";
        var tree = $"/api/repositories/{owner.Username}/{repo}/tree";
        await CachedBodyAsync(anonymous, commits);
        await CachedBodyAsync(anonymous, tree);

        using var git = new GitClient();
        var work = git.Path("work");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, repo, owner.Username, owner.Password), work);
        var pushed = await git.CommitFileAsync(work, "added.txt", "new file\n", "Add a file");
        await git.OkAsync(work, "push", "-q", "origin", "HEAD");

        var history = await (await anonymous.GetAsync(commits)).JsonAsync();
        Assert.Equal(pushed, history[0]!.Str("sha"));
        var entries = await (await anonymous.GetAsync(tree)).Content.ReadAsStringAsync();
        Assert.Contains("added.txt", entries);
    }

    [Fact]
    public async Task A_new_issue_is_in_the_next_anonymous_issue_list()
    {
        var (owner, repo, anonymous) = await PublicRepositoryAsync();
        using var _ = anonymous;
        using var c = owner.Client();
        var issues = $"/api/v1/repos/{owner.Username}/{repo}/issues";
        Assert.Equal("[]", await CachedBodyAsync(anonymous, issues));

        await (await c.PostAsJsonAsync(issues, new { title = "Seen at once" })).JsonAsync(HttpStatusCode.Created);
        var list = await (await anonymous.GetAsync(issues)).JsonAsync();
        Assert.Equal("Seen at once", list[0]!.Str("title"));
    }

    [Fact]
    public async Task Reads_leave_the_change_clock_alone_and_writes_move_it()
    {
        var (owner, repo, anonymous) = await PublicRepositoryAsync();
        using var _ = anonymous;
        using var c = owner.Client();
        var clock = server.Services.GetRequiredService<ChangeClock>();
        var path = $"/api/v1/repos/{owner.Username}/{repo}/issues";

        var before = clock.Reading;
        await (await c.GetAsync(path)).JsonAsync();
        await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{repo}")).JsonAsync();
        // Background work (a sweep that found something) may tick meanwhile; reads alone would have to tick every time.
        var afterReads = clock.Reading;
        await (await c.PostAsJsonAsync(path, new { title = "a write" })).JsonAsync(HttpStatusCode.Created);
        Assert.True(clock.Reading > afterReads, "a committed write moves the clock");
        Assert.True(afterReads - before <= 1, $"two reads moved the clock by {afterReads - before}");
    }
}

public sealed class AnonymousReadCacheTestsOnSqlite(SqliteServer s) : AnonymousReadCacheTests(s), IClassFixture<SqliteServer>;

public sealed class AnonymousReadCacheTestsOnPostgres(PostgresServer s) : AnonymousReadCacheTests(s), IClassFixture<PostgresServer>;

/// <summary>Two nodes on one PostgreSQL and one Redis: a change made through one reaches the other's cache.</summary>
public sealed class ClusteredReadCacheTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_change_made_on_one_node_is_seen_by_anonymous_reads_on_another()
    {
        await using var nodeA = new PostgresServer();
        nodeA.Settings["REDIS_URL"] = redis.Url;
        await nodeA.InitializeAsync();
        await using var nodeB = await nodeA.StartNodeAsync();

        var owner = await nodeA.SignUpAsync();
        using var c = owner.Client();
        await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name = "shared", auto_init = true })).JsonAsync(HttpStatusCode.Created);
        using var onB = nodeB.Anonymous();
        var path = $"/api/v1/repos/{owner.Username}/shared";
        await LimitedServers.EventuallyAsync(async () => (await onB.GetAsync(path)).Headers.Age is not null, what: "a cached answer on B");

        await (await c.PatchAsJsonAsync(path, new { description = "changed on A" })).JsonAsync();
        // Over Redis the word takes a moment; until it arrives B may answer from memory.
        await LimitedServers.EventuallyAsync(async () =>
            (await (await onB.GetAsync(path)).JsonAsync())["description"]?.GetValue<string>() == "changed on A", what: "B sees A's change");
    }
}

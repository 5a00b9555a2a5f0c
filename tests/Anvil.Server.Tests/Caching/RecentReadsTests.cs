using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Repositories;

namespace Anvil.Server.Tests.Caching;

/// <summary>
/// Signed-in reads take a repository, its issue tally, its topics, the viewer's star and a collaborator's permission from
/// memory while nothing has changed (RecentReads); whatever changes them is what the very next read shows. Each view
/// is read twice before each change, so the second answer came from memory.
/// </summary>
public abstract class RecentReadsTests(AnvilServer server)
{
    private static async Task<JsonNode> ReadTwiceAsync(HttpClient c, string path)
    {
        await (await c.GetAsync(path)).JsonAsync();
        return await (await c.GetAsync(path)).JsonAsync();
    }

    private static int OpenIssues(JsonNode repo) => repo["open_issues_count"]!.GetValue<int>();

    [Fact]
    public async Task Each_change_to_a_repository_is_what_the_next_signed_in_read_shows()
    {
        var owner = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        var v1 = $"/api/v1/repos/{owner.Username}/{name}";
        var sigmagit = $"/api/repositories/{owner.Username}/{name}";
        using var c = owner.Client();

        await ReadTwiceAsync(c, v1);
        await (await c.PatchAsJsonAsync(v1, new { description = "described now" })).JsonAsync();
        Assert.Equal("described now", (await ReadTwiceAsync(c, v1)).Str("description"));

        Assert.False((await ReadTwiceAsync(c, sigmagit))["repo"]!["starred"]!.GetValue<bool>());
        (await c.PutAsync($"/api/v1/user/starred/{owner.Username}/{name}", null)).EnsureSuccessStatusCode();
        var starred = (await ReadTwiceAsync(c, sigmagit))["repo"]!;
        Assert.True(starred["starred"]!.GetValue<bool>());
        Assert.Equal(1, starred["starCount"]!.GetValue<int>());

        Assert.Equal(0, OpenIssues(await ReadTwiceAsync(c, v1)));
        var issue = await (await c.PostAsJsonAsync($"{v1}/issues", new { title = "counted at once" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, OpenIssues(await ReadTwiceAsync(c, v1)));
        Assert.Equal(1, (await ReadTwiceAsync(c, sigmagit))["repo"]!["openIssueCount"]!.GetValue<int>());
        await (await c.PatchAsJsonAsync($"{v1}/issues/{issue["number"]}", new { state = "closed" })).JsonAsync();
        Assert.Equal(0, OpenIssues(await ReadTwiceAsync(c, v1)));

        await (await c.PutAsJsonAsync($"{v1}/topics", new { names = new[] { "cached", "fresh" } })).JsonAsync();
        Assert.Equal(["cached", "fresh"], (await ReadTwiceAsync(c, v1))["topics"]!.AsArray().Select(t => t!.GetValue<string>()));

        // A rename: the old name moves, the new one answers, and both are read from memory before.
        var renamed = name + "-renamed";
        await (await c.PatchAsJsonAsync(v1, new { name = renamed })).JsonAsync();
        Assert.Equal(HttpStatusCode.MovedPermanently, (await c.GetAsync(v1)).StatusCode);
        Assert.Equal(renamed, (await ReadTwiceAsync(c, $"/api/v1/repos/{owner.Username}/{renamed}")).Str("name"));
    }

    [Fact]
    public async Task Visibility_and_collaborators_take_effect_on_the_next_read_by_someone_else()
    {
        var owner = await server.SignUpAsync();
        var friend = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        var v1 = $"/api/v1/repos/{owner.Username}/{name}";
        using var oc = owner.Client();
        using var fc = friend.Client();
        using var anonymous = server.Anonymous();

        Assert.False((await ReadTwiceAsync(fc, v1))["permissions"]!["push"]!.GetValue<bool>());
        await (await anonymous.GetAsync(v1)).JsonAsync();
        await (await oc.PatchAsJsonAsync(v1, new { @private = true })).JsonAsync();
        await (await fc.GetAsync(v1)).ErrorAsync(HttpStatusCode.NotFound);
        await (await anonymous.GetAsync(v1)).ErrorAsync(HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await oc.PutAsync($"{v1}/collaborators/{friend.Username}", null)).StatusCode);
        Assert.True((await ReadTwiceAsync(fc, v1))["permissions"]!["push"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NoContent, (await oc.DeleteAsync($"{v1}/collaborators/{friend.Username}")).StatusCode);
        await (await fc.GetAsync(v1)).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_repeated_search_shows_what_changed_since_and_only_what_its_caller_may_see()
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var word = "recent" + Guid.NewGuid().ToString("N")[..10];
        var name = (await RepoSetup.CreateAsync(owner, RepoSetup.UniqueName(word))).Str("name");
        var v1 = $"/api/v1/repos/{owner.Username}/{name}";
        using var oc = owner.Client();
        using var xc = other.Client();
        var repos = $"/api/v1/search/repositories?q={word}";
        int Count(JsonNode found) => found["total_count"]!.GetValue<int>();

        Assert.Equal(1, Count(await ReadTwiceAsync(oc, repos)));
        Assert.Equal(1, Count(await ReadTwiceAsync(xc, repos)));
        await RepoSetup.CreateAsync(owner, RepoSetup.UniqueName(word), isPrivate: true);
        Assert.Equal(2, Count(await ReadTwiceAsync(oc, repos)));
        Assert.Equal(1, Count(await ReadTwiceAsync(xc, repos)));
        await (await oc.PatchAsJsonAsync(v1, new { @private = true })).JsonAsync();
        Assert.Equal(0, Count(await ReadTwiceAsync(xc, repos)));
        Assert.Equal(2, Count(await ReadTwiceAsync(oc, repos)));

        var issues = $"/api/v1/search/issues?q={word}+repo:{owner.Username}/{name}+state:open";
        Assert.Equal(0, Count(await ReadTwiceAsync(oc, issues)));
        var issue = await (await oc.PostAsJsonAsync($"{v1}/issues", new { title = $"the {word} issue" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, Count(await ReadTwiceAsync(oc, issues)));
        await (await oc.PatchAsJsonAsync($"{v1}/issues/{issue["number"]}", new { state = "closed" })).JsonAsync();
        Assert.Equal(0, Count(await ReadTwiceAsync(oc, issues)));
    }

    [Fact]
    public async Task The_repositories_a_repeated_search_lists_show_their_stars_topics_and_issues_as_they_are_now()
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var word = "listed" + Guid.NewGuid().ToString("N")[..10];
        var first = (await RepoSetup.CreateAsync(owner, RepoSetup.UniqueName(word))).Str("name");
        var second = (await RepoSetup.CreateAsync(owner, RepoSetup.UniqueName(word))).Str("name");
        using var oc = owner.Client();
        using var xc = other.Client();
        var v1Search = $"/api/v1/search/repositories?q={word}";
        var sigmagitSearch = $"/api/search?q={word}";
        JsonNode Item(JsonNode found, string name) => found["items"]!.AsArray().Single(i => i!.Str("name") == name)!;
        JsonNode Result(JsonNode found, string name) => found["results"]!.AsArray().Single(i => i!.Str("name") == name)!;

        Assert.Equal(0, Item(await ReadTwiceAsync(oc, v1Search), first)["stargazers_count"]!.GetValue<int>());
        Assert.False(Result(await ReadTwiceAsync(xc, sigmagitSearch), first)["starred"]!.GetValue<bool>());
        (await xc.PutAsync($"/api/v1/user/starred/{owner.Username}/{first}", null)).EnsureSuccessStatusCode();
        Assert.Equal(1, Item(await ReadTwiceAsync(oc, v1Search), first)["stargazers_count"]!.GetValue<int>());
        Assert.True(Result(await ReadTwiceAsync(xc, sigmagitSearch), first)["starred"]!.GetValue<bool>());
        // Whether the viewer starred it is the viewer's own: the owner did not.
        Assert.False(Result(await ReadTwiceAsync(oc, sigmagitSearch), first)["starred"]!.GetValue<bool>());

        Assert.Empty(Item(await ReadTwiceAsync(oc, v1Search), second)["topics"]!.AsArray());
        await (await oc.PutAsJsonAsync($"/api/v1/repos/{owner.Username}/{second}/topics", new { names = new[] { "listed" } })).JsonAsync();
        Assert.Equal(["listed"], Item(await ReadTwiceAsync(oc, v1Search), second)["topics"]!.AsArray().Select(t => t!.GetValue<string>()));

        await (await oc.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/{second}/issues", new { title = "counted in search" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, OpenIssues(Item(await ReadTwiceAsync(oc, v1Search), second)));
        Assert.Equal(0, OpenIssues(Item(await ReadTwiceAsync(oc, v1Search), first)));

        await (await oc.PatchAsJsonAsync($"/api/v1/repos/{owner.Username}/{first}", new { description = "described for search" })).JsonAsync();
        Assert.Equal("described for search", Item(await ReadTwiceAsync(xc, v1Search), first).Str("description"));
    }

    [Fact]
    public async Task Deleting_the_owner_through_the_cli_ends_their_repository_at_once()
    {
        var owner = await server.SignUpAsync();
        var reader = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        var v1 = $"/api/v1/repos/{owner.Username}/{name}";
        using var rc = reader.Client();
        await ReadTwiceAsync(rc, v1);
        Assert.Equal(0, (await server.AdminAsync("user", "delete", owner.Username)).Code);
        await (await rc.GetAsync(v1)).ErrorAsync(HttpStatusCode.NotFound);
    }
}

public sealed class RecentReadsTestsOnSqlite(SqliteServer s) : RecentReadsTests(s), IClassFixture<SqliteServer>;

public sealed class RecentReadsTestsOnPostgres(PostgresServer s) : RecentReadsTests(s), IClassFixture<PostgresServer>;

/// <summary>Two nodes on one PostgreSQL, one data directory and one Redis: what one node changes, the other shows next.</summary>
public sealed class ClusteredRecentReadsTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_repository_made_private_or_edited_on_one_node_is_so_on_the_other_at_once()
    {
        await using var nodeA = new PostgresServer();
        nodeA.Settings["REDIS_URL"] = redis.Url;
        await nodeA.InitializeAsync();
        await using var nodeB = await nodeA.StartNodeAsync();

        var owner = await nodeA.SignUpAsync();
        var reader = await nodeA.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        var v1 = $"/api/v1/repos/{owner.Username}/{name}";
        using var onA = owner.Client();
        using var readerOnB = nodeB.WithBearer(reader.SessionToken);
        await (await readerOnB.GetAsync(v1)).JsonAsync();
        await (await readerOnB.GetAsync(v1)).JsonAsync();

        await (await onA.PatchAsJsonAsync(v1, new { description = "edited on A" })).JsonAsync();
        Assert.Equal("edited on A", (await (await readerOnB.GetAsync(v1)).JsonAsync()).Str("description"));
        await (await readerOnB.GetAsync(v1)).JsonAsync();

        await (await onA.PatchAsJsonAsync(v1, new { @private = true })).JsonAsync();
        await (await readerOnB.GetAsync(v1)).ErrorAsync(HttpStatusCode.NotFound);
    }
}

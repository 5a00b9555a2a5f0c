using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Search;

/// <summary>GitHub's <c>sort</c> and <c>order</c> on v1 repository and issue search: each order, ties and paging, and 422 for an unknown one.</summary>
public abstract class SearchSortTests(AnvilServer server)
{
    private static async Task<List<string>> FoundAsync(HttpClient c, string path, string field)
    {
        var body = await (await c.GetAsync(path)).JsonAsync();
        return body["items"]!.AsArray().Select(i => i![field]!.ToString()).ToList();
    }

    /// <summary>Every page of <paramref name="path"/> one item at a time, joined.</summary>
    private static async Task<List<string>> PagedAsync(HttpClient c, string path, string field, int pages)
    {
        var all = new List<string>();
        for (var page = 1; page <= pages + 1; page++)
        {
            all.AddRange(await FoundAsync(c, $"{path}&per_page=1&page={page}", field));
        }
        return all;
    }

    [Fact]
    public async Task Repositories_sort_by_stars_forks_help_wanted_issues_and_updated()
    {
        var word = "zs" + Guid.NewGuid().ToString("N")[..8];
        var alice = await server.SignUpAsync();
        using var c = server.WithBearer(await alice.CreateTokenAsync("repo", "user"));
        foreach (var suffix in new[] { "a", "b", "c", "d" })
        {
            await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name = $"{word}-{suffix}" })).JsonAsync(HttpStatusCode.Created);
        }
        var others = new List<HttpClient>();
        for (var i = 0; i < 2; i++)
        {
            var other = await server.SignUpAsync();
            others.Add(server.WithBearer(await other.CreateTokenAsync("repo")));
        }
        async Task Star(HttpClient who, string suffix) =>
            Assert.Equal(HttpStatusCode.NoContent, (await who.PutAsync($"/api/v1/user/starred/{alice.Username}/{word}-{suffix}", null)).StatusCode);
        async Task Fork(HttpClient who, string suffix) =>
            Assert.True((await who.PostAsync($"/api/v1/repos/{alice.Username}/{word}-{suffix}/forks", null)).IsSuccessStatusCode);
        async Task HelpWanted(string suffix) =>
            await (await c.PostAsJsonAsync($"/api/v1/repos/{alice.Username}/{word}-{suffix}/issues", new { title = "help", labels = new[] { "help wanted" } }))
                .JsonAsync(HttpStatusCode.Created);
        await Star(others[0], "b");
        await Star(others[1], "b");
        await Star(others[0], "c");
        await Fork(others[0], "a");
        await Fork(others[1], "a");
        await Fork(others[0], "c");
        await HelpWanted("c");
        await HelpWanted("c");
        await HelpWanted("b");
        // A help-wanted issue closed, and an open one without the label, do not count.
        await HelpWanted("a");
        Assert.True((await c.PatchAsJsonAsync($"/api/v1/repos/{alice.Username}/{word}-a/issues/1", new { state = "closed" })).IsSuccessStatusCode);
        await (await c.PostAsJsonAsync($"/api/v1/repos/{alice.Username}/{word}-d/issues", new { title = "plain" })).JsonAsync(HttpStatusCode.Created);
        Assert.True((await c.PatchAsJsonAsync($"/api/v1/repos/{alice.Username}/{word}-d", new { description = "touched last" })).IsSuccessStatusCode);

        var search = $"/api/v1/search/repositories?q={word}+user:{alice.Username}";
        string[] Named(params string[] suffixes) => suffixes.Select(s => $"{word}-{s}").ToArray();
        var bestMatch = await FoundAsync(c, search, "name");
        Assert.Equal(4, bestMatch.Count);
        var byStars = await FoundAsync(c, search + "&sort=stars&order=desc", "name");
        Assert.Equal(Named("b", "c"), byStars[..2]);
        Assert.Equal(Named("b", "c"), (await FoundAsync(c, search + "&sort=stars", "name"))[..2]);
        Assert.Equal(Named("c", "b"), (await FoundAsync(c, search + "&sort=stars&order=asc", "name"))[2..]);
        Assert.Equal(Named("a", "c"), (await FoundAsync(c, search + "&sort=forks&order=desc", "name"))[..2]);
        Assert.Equal(Named("c", "b"), (await FoundAsync(c, search + "&sort=help-wanted-issues", "name"))[..2]);
        Assert.Equal(Named("d"), (await FoundAsync(c, search + "&sort=updated&order=desc", "name"))[..1]);
        Assert.Equal(Named("d"), (await FoundAsync(c, search + "&sort=updated&order=asc", "name"))[3..]);

        // a and d tie on stars: one at a time, the pages still list each repository once, in the same order.
        foreach (var sort in new[] { "stars&order=asc", "stars", "forks&order=asc" })
        {
            var whole = await FoundAsync(c, $"{search}&sort={sort}", "name");
            Assert.Equal(whole, await PagedAsync(c, $"{search}&sort={sort}", "name", 4));
            Assert.Equal(4, (await (await c.GetAsync($"{search}&sort={sort}&per_page=1")).JsonAsync())["total_count"]!.GetValue<int>());
        }

        foreach (var bad in new[] { "&sort=comments", "&sort=Stars", "&sort=stars&order=sideways" })
        {
            var refused = await (await c.GetAsync(search + bad)).ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal("Validation Failed", refused.Str("message"));
            Assert.Equal(bad.Contains("order") ? "order" : "sort", refused["errors"]![0]!.Str("field"));
        }
        foreach (var o in others)
        {
            o.Dispose();
        }
    }

    [Fact]
    public async Task Issues_sort_by_comments_reactions_created_and_updated()
    {
        var word = "zs" + Guid.NewGuid().ToString("N")[..8];
        var alice = await server.SignUpAsync();
        using var c = server.WithBearer(await alice.CreateTokenAsync("repo", "user"));
        await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name = word })).JsonAsync(HttpStatusCode.Created);
        var api = $"/api/v1/repos/{alice.Username}/{word}";
        foreach (var (title, comments) in new[] { ("none", 0), ("two", 2), ("one", 1) })
        {
            var issue = await (await c.PostAsJsonAsync($"{api}/issues", new { title = $"{word} {title}" })).JsonAsync(HttpStatusCode.Created);
            for (var i = 0; i < comments; i++)
            {
                await (await c.PostAsJsonAsync($"{api}/issues/{issue["number"]}/comments", new { body = "more" })).JsonAsync(HttpStatusCode.Created);
            }
        }
        Assert.True((await c.PatchAsJsonAsync($"{api}/issues/1", new { title = $"{word} none, edited" })).IsSuccessStatusCode);

        var search = $"/api/v1/search/issues?q={word}+repo:{alice.Username}/{word}";
        Assert.Equal(["2", "3", "1"], await FoundAsync(c, search + "&sort=comments&order=desc", "number"));
        Assert.Equal(["1", "3", "2"], await FoundAsync(c, search + "&sort=comments&order=asc", "number"));
        Assert.Equal(["2", "3", "1"], await FoundAsync(c, search + "&sort=interactions", "number"));
        Assert.Equal(["1", "2", "3"], await FoundAsync(c, search + "&sort=created&order=asc", "number"));
        Assert.Equal(["3", "2", "1"], await FoundAsync(c, search + "&sort=created", "number"));
        Assert.Equal("1", (await FoundAsync(c, search + "&sort=updated&order=desc", "number"))[0]);
        Assert.Equal("1", (await FoundAsync(c, search + "&sort=updated&order=asc", "number"))[2]);
        // No issue has reactions: all tie at none, and then the order is by creation.
        Assert.Equal(["3", "2", "1"], await FoundAsync(c, search + "&sort=reactions", "number"));
        Assert.Equal(["1", "2", "3"], await FoundAsync(c, search + "&sort=reactions-heart&order=asc", "number"));
        Assert.Equal(["3", "2", "1"], await PagedAsync(c, search + "&sort=reactions", "number", 3));
        Assert.Equal(["2", "3", "1"], await PagedAsync(c, search + "&sort=comments", "number", 3));

        foreach (var bad in new[] { "&sort=stars", "&sort=best-match", "&order=up" })
        {
            await (await c.GetAsync(search + bad)).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        }
    }
}

public sealed class SearchSortTestsOnSqlite(SqliteServer s) : SearchSortTests(s), IClassFixture<SqliteServer>;

public sealed class SearchSortTestsOnPostgres(PostgresServer s) : SearchSortTests(s), IClassFixture<PostgresServer>;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Search;

public abstract class SearchTests(AnvilServer server)
{
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static async Task CreateRepoAsync(TestUser owner, string name, string description, bool isPrivate = false)
    {
        using var c = owner.Client();
        await (await c.PostAsJsonAsync("/api/repositories", new { name, description, visibility = isPrivate ? "private" : "public" }))
            .JsonAsync(HttpStatusCode.Created);
    }

    private static List<string> Names(JsonNode body, string array = "results", string field = "fullName") =>
        body[array]!.AsArray().Select(n => n!.Str(field)).ToList();

    [Fact]
    public async Task Repositories_rank_title_matches_above_description_matches_and_hide_private_ones()
    {
        var word = "zq" + Unique();
        var alice = await server.SignUpAsync();
        var bob = await server.SignUpAsync();
        await CreateRepoAsync(alice, "about-things", $"a tool that mentions {word} in passing");
        await CreateRepoAsync(alice, $"{word}-core", "the main thing");
        await CreateRepoAsync(alice, $"{word}-secret", "hidden", isPrivate: true);

        using var anon = server.Anonymous();
        var results = Names(await (await anon.GetAsync($"/api/search?q={word}&type=repositories")).JsonAsync());
        Assert.Equal([$"{alice.Username}/{word}-core", $"{alice.Username}/about-things"], results);

        using var stranger = bob.Client();
        Assert.DoesNotContain($"{alice.Username}/{word}-secret", Names(await (await stranger.GetAsync($"/api/search?q={word}")).JsonAsync()));
        using var owner = alice.Client();
        Assert.Contains($"{alice.Username}/{word}-secret", Names(await (await owner.GetAsync($"/api/search?q={word}")).JsonAsync()));
        using var readOnlyToken = server.WithBearer(await alice.CreateTokenAsync("user:read"));
        Assert.DoesNotContain($"{alice.Username}/{word}-secret", Names(await (await readOnlyToken.GetAsync($"/api/search?q={word}")).JsonAsync()));

        // A collaborator sees it too.
        using var ownerToken = server.WithBearer(await alice.CreateTokenAsync("repo"));
        Assert.Equal(HttpStatusCode.NoContent, (await ownerToken.PutAsJsonAsync($"/api/v1/repos/{alice.Username}/{word}-secret/collaborators/{bob.Username}", new { permission = "pull" })).StatusCode);
        Assert.Contains($"{alice.Username}/{word}-secret", Names(await (await stranger.GetAsync($"/api/search?q={word}")).JsonAsync()));
    }

    [Fact]
    public async Task Names_with_punctuation_are_found_by_their_whole_name_and_by_each_word()
    {
        // PostgreSQL's parser alone reads "pr-12345678" as a signed number and "x.web" as a host name.
        var digits = Random.Shared.NextInt64(10_000_000, 99_999_999).ToString();
        var word = "zq" + Unique();
        var alice = await server.SignUpAsync();
        await CreateRepoAsync(alice, $"pr-{digits}", "");
        await CreateRepoAsync(alice, $"{word}.web", "");
        await CreateRepoAsync(alice, $"{word}_tools", "");
        using var c = alice.Client();
        async Task<List<string>> Found(string q) =>
            Names(await (await c.GetAsync($"/api/search?q={Uri.EscapeDataString(q)}&type=repositories")).JsonAsync()).Order().ToList();
        Assert.Equal([$"{alice.Username}/pr-{digits}"], await Found($"pr-{digits}"));
        Assert.Equal([$"{alice.Username}/pr-{digits}"], await Found(digits));
        Assert.Equal([$"{alice.Username}/{word}.web"], await Found($"{word}.web"));
        Assert.Equal([$"{alice.Username}/{word}.web", $"{alice.Username}/{word}_tools"], await Found(word));
        Assert.Equal([$"{alice.Username}/{word}_tools"], await Found($"{word}_tools"));
        Assert.Equal([$"{alice.Username}/{word}_tools"], await Found($"{word} tools"));
    }

    [Fact]
    public async Task Index_follows_renames_and_deletes_in_the_same_write()
    {
        var alice = await server.SignUpAsync();
        var before = "old" + Unique();
        var after = "new" + Unique();
        await CreateRepoAsync(alice, before, "");
        using var c = alice.Client();
        await (await c.PatchAsJsonAsync($"/api/repositories/{alice.Username}/{before}", new { name = after })).JsonAsync();
        Assert.Empty(Names(await (await c.GetAsync($"/api/search?q={before}")).JsonAsync()));
        Assert.Equal([$"{alice.Username}/{after}"], Names(await (await c.GetAsync($"/api/search?q={after}")).JsonAsync()));
        await (await c.DeleteAsync($"/api/repositories/{alice.Username}/{after}")).JsonAsync();
        Assert.Empty(Names(await (await c.GetAsync($"/api/search?q={after}")).JsonAsync()));
    }

    [Fact]
    public async Task Qualifiers_prefixes_and_paging()
    {
        var word = "pg" + Unique();
        var alice = await server.SignUpAsync();
        var bob = await server.SignUpAsync();
        for (var i = 0; i < 3; i++)
        {
            await CreateRepoAsync(alice, $"{word}-{i}", "");
        }
        await CreateRepoAsync(bob, $"{word}-bob", "");
        using var anon = server.Anonymous();
        Assert.Equal(4, Names(await (await anon.GetAsync($"/api/search?q={word[..6]}")).JsonAsync()).Count);
        Assert.Equal([$"{bob.Username}/{word}-bob"], Names(await (await anon.GetAsync($"/api/search?q={word}+user:{bob.Username}")).JsonAsync()));
        var scoped = await (await anon.GetAsync($"/api/search?q=repo:{alice.Username}/{word}-1")).JsonAsync();
        Assert.Equal([$"{alice.Username}/{word}-1"], Names(scoped));
        Assert.Equal($"repo:{alice.Username}/{word}-1", scoped.Str("query"));

        var first = await (await anon.GetAsync($"/api/search?q={word}&limit=3")).JsonAsync();
        Assert.Equal(3, Names(first).Count);
        Assert.True(first["hasMore"]!.GetValue<bool>());
        var second = await (await anon.GetAsync($"/api/search?q={word}&limit=3&offset=3")).JsonAsync();
        Assert.Single(Names(second));
        Assert.False(second["hasMore"]!.GetValue<bool>());
        Assert.Empty(Names(first).Intersect(Names(second)));
    }

    [Fact]
    public async Task Users_are_found_by_username_and_name()
    {
        var alice = await server.SignUpAsync();
        using var anon = server.Anonymous();
        var found = await (await anon.GetAsync($"/api/search?q={alice.Username}&type=users")).JsonAsync();
        Assert.Equal([alice.Username], Names(found, field: "username"));
        var v1 = await (await anon.GetAsync($"/api/v1/search/users?q={alice.Username}")).JsonAsync();
        Assert.Equal(1, v1["total_count"]!.GetValue<int>());
        Assert.False(v1["incomplete_results"]!.GetValue<bool>());
        Assert.Equal(alice.Username, v1["items"]![0]!.Str("login"));
    }

    [Fact]
    public async Task V1_repository_search_has_githubs_shape()
    {
        var word = "gh" + Unique();
        var alice = await server.SignUpAsync();
        await CreateRepoAsync(alice, word, "");
        using var anon = server.Anonymous();
        var body = await (await anon.GetAsync($"/api/v1/search/repositories?q={word}")).JsonAsync();
        Assert.Equal(1, body["total_count"]!.GetValue<int>());
        Assert.Equal($"{alice.Username}/{word}", body["items"]![0]!.Str("full_name"));
        await (await anon.GetAsync("/api/v1/search/repositories")).ErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Theory]
    [InlineData("/api/search?q=x&type=gists")]
    [InlineData("/api/search?q=x&limit=0")]
    [InlineData("/api/search?q=x&offset=-1")]
    public async Task Bad_search_parameters_are_400(string url)
    {
        using var anon = server.Anonymous();
        await (await anon.GetAsync(url)).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("a OR b NOT c")]
    [InlineData("NEAR(a b)")]
    [InlineData("*")]
    [InlineData("title:x")]
    [InlineData("(((")]
    [InlineData("' OR 1=1 --")]
    [InlineData("!&|:*")]
    public async Task Search_syntax_in_the_query_is_just_text(string q)
    {
        using var anon = server.Anonymous();
        var body = await (await anon.GetAsync("/api/search?q=" + Uri.EscapeDataString(q))).JsonAsync();
        Assert.NotNull(body["results"]);
        await (await anon.GetAsync("/api/v1/search/repositories?q=" + Uri.EscapeDataString(q))).JsonAsync();
    }
}

public sealed class SearchTestsOnSqlite(SqliteServer s) : SearchTests(s), IClassFixture<SqliteServer>;

public sealed class SearchTestsOnPostgres(PostgresServer s) : SearchTests(s), IClassFixture<PostgresServer>;

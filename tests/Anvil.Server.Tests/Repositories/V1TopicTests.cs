using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;

namespace Anvil.Server.Tests.Repositories;

/// <summary>Repository topics on v1: GitHub's rules, the repository object's <c>topics</c> and <c>topic:</c> in search.</summary>
public abstract class V1TopicTests(AnvilServer server)
{
    private static List<string> Names(JsonNode body) => body["names"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    [Fact]
    public async Task Topics_are_replaced_shown_on_the_repository_and_searched()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        Assert.Empty(Names(await (await c.GetAsync($"{repo.V1}/topics")).JsonAsync()));
        Assert.Empty((await (await c.GetAsync(repo.V1)).JsonAsync())["topics"]!.AsArray());

        var topic = "t" + Guid.NewGuid().ToString("N")[..10];
        var set = await (await c.PutAsJsonAsync($"{repo.V1}/topics", new { names = new[] { topic, "git-forge", "c-sharp", "git-forge" } })).JsonAsync();
        Assert.Equal([topic, "git-forge", "c-sharp"], Names(set));
        Assert.Equal([topic, "git-forge", "c-sharp"], Names(await (await c.GetAsync($"{repo.V1}/topics")).JsonAsync()));
        var shown = await (await server.Anonymous().GetAsync(repo.V1)).JsonAsync();
        Assert.Equal([topic, "git-forge", "c-sharp"], shown["topics"]!.AsArray().Select(t => t!.GetValue<string>()));

        var other = await TestRepo.CreateAsync(server);
        var secret = await TestRepo.CreateAsync(server, isPrivate: true, owner: other.Owner);
        using (var o = other.Owner.Client())
        {
            await (await o.PutAsJsonAsync($"{other.V1}/topics", new { names = new[] { "git-forge" } })).JsonAsync();
            await (await o.PutAsJsonAsync($"{secret.V1}/topics", new { names = new[] { topic } })).JsonAsync();
        }
        async Task<List<string>> Found(HttpClient client, string q)
        {
            var body = await (await client.GetAsync($"/api/v1/search/repositories?q={Uri.EscapeDataString(q)}")).JsonAsync();
            return body["items"]!.AsArray().Select(r => r!.Str("name")).ToList();
        }
        Assert.Equal([repo.Name], await Found(c, $"topic:{topic}"));
        Assert.Equal([repo.Name], await Found(c, $"topic:{topic.ToUpperInvariant()} topic:git-forge"));
        Assert.Equal(new[] { repo.Name, other.Name }.Order(), (await Found(c, $"topic:git-forge user:{repo.Owner.Username}")).Concat(
            await Found(c, $"topic:git-forge user:{other.Owner.Username}")).Order());
        using (var o = other.Owner.Client())
        {
            Assert.Equal(new[] { repo.Name, secret.Name }.Order(), (await Found(o, $"topic:{topic}")).Order());
        }

        // An empty list clears them.
        Assert.Empty(Names(await (await c.PutAsJsonAsync($"{repo.V1}/topics", new { names = Array.Empty<string>() })).JsonAsync()));
        Assert.Empty(await Found(c, $"topic:{topic}"));
    }

    [Fact]
    public async Task Topics_that_break_GitHubs_rules_are_refused_and_change_nothing()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await (await c.PutAsJsonAsync($"{repo.V1}/topics", new { names = new[] { "kept" } })).JsonAsync();
        var tooMany = Enumerable.Range(1, 21).Select(i => $"topic-{i}").ToArray();
        foreach (var names in new[] { ["Upper"], ["has space"], ["-leading-hyphen"], ["under_score"], [new string('a', 36)], [""], tooMany })
        {
            var body = await (await c.PutAsJsonAsync($"{repo.V1}/topics", new { names })).ErrorBodyAsync((HttpStatusCode)422);
            Assert.Equal("Validation Failed", body["message"]!.GetValue<string>());
            Assert.Equal("names", body["errors"]![0]!.Str("field"));
        }
        Assert.Equal(20, Names(await (await c.PutAsJsonAsync($"{repo.V1}/topics", new { names = tooMany[..20] })).JsonAsync()).Count);
        await (await c.PutAsJsonAsync($"{repo.V1}/topics", new { names = new[] { new string('a', 35) } })).JsonAsync();
        await (await c.PutAsJsonAsync($"{repo.V1}/topics", new { })).ErrorAsync((HttpStatusCode)422);
        await (await c.PutAsJsonAsync($"{repo.V1}/topics", new { names = "kept" })).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal([new string('a', 35)], Names(await (await c.GetAsync($"{repo.V1}/topics")).JsonAsync()));

        // Only an admin sets them; anyone else who can see the repository is refused.
        var writer = await repo.AddCollaboratorAsync("push");
        using var w = writer.Client();
        await (await w.PutAsJsonAsync($"{repo.V1}/topics", new { names = new[] { "mine" } })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await server.Anonymous().PutAsJsonAsync($"{repo.V1}/topics", new { names = new[] { "mine" } })).ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal([new string('a', 35)], Names(await (await c.GetAsync($"{repo.V1}/topics")).JsonAsync()));
    }
}

public sealed class V1TopicTestsOnSqlite(SqliteServer s) : V1TopicTests(s), IClassFixture<SqliteServer>;

public sealed class V1TopicTestsOnPostgres(PostgresServer s) : V1TopicTests(s), IClassFixture<PostgresServer>;

using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;

namespace Anvil.Server.Tests.Meta;

/// <summary>
/// v1 failures read as GitHub's: the envelope's <c>error</c> kept, GitHub's <c>message</c> (the text Octokit and PyGithub
/// pick their exception types by), <c>documentation_url</c>, and <c>errors</c> on a 422. The sigmagit surface is unchanged.
/// </summary>
public abstract class V1ErrorBodyTests(AnvilServer server)
{
    [Fact]
    public async Task Not_found_and_private_repositories_say_Not_Found()
    {
        var repo = await TestRepo.CreateAsync(server, isPrivate: true);
        var stranger = await server.SignUpAsync();
        using var c = server.WithBearer(await stranger.CreateTokenAsync("repo:read"));
        foreach (var url in new[] { repo.V1, "/api/v1/repos/nobody-here/nothing", "/api/v1/no/such/route" })
        {
            var body = await (await c.GetAsync(url)).ErrorBodyAsync(HttpStatusCode.NotFound);
            Assert.Equal("Not Found", body.Str("message"));
            Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority) + "/docs", body.Str("documentation_url"));
        }
    }

    [Fact]
    public async Task A_bad_token_is_Bad_credentials_and_no_token_is_Requires_authentication()
    {
        using var bad = server.WithBearer("shp_" + new string('x', 40));
        var badBody = await (await bad.GetAsync("/api/v1/user")).ErrorBodyAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bad credentials", badBody.Str("message"));
        Assert.Equal("invalid token", badBody.Str("error"));

        using var none = server.Anonymous();
        var noneBody = await (await none.GetAsync("/api/v1/user")).ErrorBodyAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Requires authentication", noneBody.Str("message"));
    }

    [Fact]
    public async Task Validation_failures_are_422_with_the_failing_fields()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write"));
        // A rule without a named field: GitHub's "custom" error, carrying the message.
        var invalid = await (await c.PostAsJsonAsync($"{repo.V1}/labels", new { name = "x", color = "12345" })).ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Validation Failed", invalid.Str("message"));
        var custom = Assert.Single(invalid["errors"]!.AsArray())!;
        Assert.Equal(("Label", "custom"), (custom.Str("resource"), custom.Str("code")));
        Assert.Equal(invalid.Str("error"), custom.Str("message"));

        // A taken name: 422 already_exists on v1, 409 on the sigmagit surface, which keeps its own statuses and body.
        var taken = await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name = repo.Name.ToUpperInvariant() })).ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
        var field = Assert.Single(taken["errors"]!.AsArray())!;
        Assert.Equal(("Repository", "name", "already_exists"), (field.Str("resource"), field.Str("field"), field.Str("code")));
        using var session = repo.Owner.Client();
        await (await session.PostAsJsonAsync("/api/repositories", new { name = repo.Name, visibility = "public" })).ErrorAsync(HttpStatusCode.Conflict);
        await (await session.PostAsJsonAsync($"{repo.Api}/labels", new { name = "bug", color = "ffffff" })).ErrorAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Malformed_json_is_Problems_parsing_JSON()
    {
        var owner = await server.SignUpAsync();
        using var c = server.WithBearer(await owner.CreateTokenAsync("repo:write"));
        var body = await (await c.SendRawAsync(HttpMethod.Post, "/api/v1/user/repos", "{\"name\": ")).ErrorBodyAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Problems parsing JSON", body.Str("message"));
        Assert.StartsWith("malformed JSON", body.Str("error"));
        // The sigmagit surface: the envelope alone.
        await (await owner.Client().SendRawAsync(HttpMethod.Post, "/api/repositories", "{\"name\": ")).ErrorAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class V1ErrorBodyTestsOnSqlite(IssuesSqliteServer s) : V1ErrorBodyTests(s), IClassFixture<IssuesSqliteServer>;

public sealed class V1ErrorBodyTestsOnPostgres(IssuesPostgresServer s) : V1ErrorBodyTests(s), IClassFixture<IssuesPostgresServer>;

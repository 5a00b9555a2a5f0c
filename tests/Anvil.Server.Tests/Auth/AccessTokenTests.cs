using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Auth;

public abstract class AccessTokenTests(AnvilServer server)
{
    [Fact]
    public async Task Create_shows_the_token_once_and_list_never_does()
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        var created = await (await c.PostAsJsonAsync("/api/users/me/tokens", new { name = "ci", scopes = new[] { "repo", "user:read" }, expiresInDays = 30 }))
            .JsonAsync(HttpStatusCode.Created);
        var token = created.Str("token");
        Assert.Matches("^shp_[A-Za-z0-9]{40}$", token);
        Assert.Equal("ci", created.Str("name"));
        Assert.Equal(["repo:write", "user:read"], created["scopes"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        var expires = DateTime.Parse(created.Str("expiresAt")).ToUniversalTime();
        Assert.InRange(expires, DateTime.UtcNow.AddDays(29), DateTime.UtcNow.AddDays(31));

        var list = await (await c.GetAsync("/api/users/me/tokens")).JsonAsync();
        var listed = Assert.Single(list["tokens"]!.AsArray());
        Assert.Equal(created.Str("id"), listed!.Str("id"));
        Assert.Null(listed["token"]);
        Assert.DoesNotContain(token, list.ToJsonString());
    }

    [Fact]
    public async Task Token_is_accepted_as_bearer_and_as_token_scheme_and_echoes_its_scopes()
    {
        var user = await server.SignUpAsync();
        var token = await user.CreateTokenAsync("user:read", "notifications");
        foreach (var scheme in new[] { "Bearer", "token" })
        {
            using var c = server.Anonymous();
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, token);
            var res = await c.GetAsync("/api/v1/user");
            var body = await res.JsonAsync();
            Assert.Equal(user.Username, body.Str("login"));
            Assert.Equal(user.Id, body["id"]!.GetValue<long>());
            Assert.Equal("user:read, notifications", res.Headers.GetValues("X-OAuth-Scopes").Single());
        }
    }

    [Fact]
    public async Task Bad_token_gets_the_exact_v1_challenge()
    {
        using var c = server.WithBearer("shp_" + new string('A', 40));
        var res = await c.GetAsync("/api/v1/user");
        Assert.Equal("invalid token", await res.ErrorAsync(HttpStatusCode.Unauthorized));
        Assert.Equal("Bearer realm=\"anvil\", error=\"invalid_token\"", res.Headers.WwwAuthenticate.ToString());

        using var none = server.Anonymous();
        var res2 = await none.GetAsync("/api/v1/user");
        await res2.ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer realm=\"anvil\", error=\"invalid_token\"", res2.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Missing_scope_is_a_403_naming_the_scope_with_both_headers()
    {
        var user = await server.SignUpAsync();
        var token = await user.CreateTokenAsync("repo:read");
        using var c = server.WithBearer(token);
        var res = await c.GetAsync("/api/v1/user");
        Assert.Equal("token lacks required scope: user:read", await res.ErrorAsync(HttpStatusCode.Forbidden));
        Assert.Equal("user:read", res.Headers.GetValues("X-Accepted-OAuth-Scopes").Single());
        Assert.Equal("repo:read", res.Headers.GetValues("X-OAuth-Scopes").Single());
    }

    public static TheoryData<string[], string, string, bool> ScopeMatrix => new()
    {
        // held scopes, method, path, allowed
        { ["user:read"], "GET", "/api/users/me", true },
        { ["user:write"], "GET", "/api/users/me", true },
        { ["user"], "GET", "/api/users/me/settings", true },
        { ["repo:write"], "GET", "/api/users/me", false },
        { ["user:read"], "PATCH", "/api/users/me/settings", false },
        { ["user:write"], "PATCH", "/api/users/me/settings", true },
        { ["user"], "PATCH", "/api/settings", true },
        { ["admin"], "PATCH", "/api/users/me/settings", false },
        { ["user:read"], "GET", "/api/v1/user", true },
        { ["notifications"], "GET", "/api/v1/user", false },
    };

    [Theory]
    [MemberData(nameof(ScopeMatrix))]
    public async Task Scopes_grant_exactly_what_they_say(string[] held, string method, string path, bool allowed)
    {
        var user = await server.SignUpAsync();
        using var c = server.WithBearer(await user.CreateTokenAsync(held));
        var req = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            req.Content = JsonContent.Create(new { bio = "scoped" });
        }
        var res = await c.SendAsync(req);
        if (allowed)
        {
            await res.JsonAsync();
        }
        else
        {
            await res.ErrorAsync(HttpStatusCode.Forbidden);
            Assert.True(res.Headers.Contains("X-Accepted-OAuth-Scopes"));
        }
    }

    [Fact]
    public async Task Tokens_cannot_manage_tokens()
    {
        var user = await server.SignUpAsync();
        using var c = server.WithBearer(await user.CreateTokenAsync("user", "repo", "admin"));
        await (await c.GetAsync("/api/users/me/tokens")).ErrorAsync(HttpStatusCode.Forbidden);
        await (await c.PostAsJsonAsync("/api/users/me/tokens", new { name = "x", scopes = new[] { "repo" } })).ErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Revoked_token_stops_working_and_others_tokens_are_not_found()
    {
        var alice = await server.SignUpAsync();
        var bob = await server.SignUpAsync();
        var token = await alice.CreateTokenAsync("user:read");
        using var aliceSession = alice.Client();
        var id = (await (await aliceSession.GetAsync("/api/users/me/tokens")).JsonAsync())["tokens"]![0]!.Str("id");

        using var bobSession = bob.Client();
        await (await bobSession.DeleteAsync($"/api/users/me/tokens/{id}")).ErrorAsync(HttpStatusCode.NotFound);
        using var withToken = server.WithBearer(token);
        await (await withToken.GetAsync("/api/v1/user")).JsonAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await aliceSession.DeleteAsync($"/api/users/me/tokens/{id}")).StatusCode);
        await (await withToken.GetAsync("/api/v1/user")).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await aliceSession.DeleteAsync($"/api/users/me/tokens/{id}")).ErrorAsync(HttpStatusCode.NotFound);
        await (await aliceSession.DeleteAsync("/api/users/me/tokens/not-a-number")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"scopes\":[\"repo\"]}", "name")]
    [InlineData("{\"name\":\"x\"}", "scopes")]
    [InlineData("{\"name\":\"x\",\"scopes\":[\"repo:delete\"]}", "unknown scope")]
    [InlineData("{\"name\":\"x\",\"scopes\":[\"repo\"],\"expiresInDays\":0}", "expiresInDays")]
    [InlineData("{\"name\":\"x\",\"scopes\":[\"repo\"],\"expiresInDays\":\"soon\"}", "malformed")]
    public async Task Bad_token_requests_are_refused_and_create_nothing(string body, string expected)
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        var message = await (await c.SendRawAsync(HttpMethod.Post, "/api/users/me/tokens", body)).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains(expected, message);
        Assert.Empty((await (await c.GetAsync("/api/users/me/tokens")).JsonAsync())["tokens"]!.AsArray());
    }

    [Fact]
    public async Task Token_management_needs_sign_in()
    {
        using var c = server.Anonymous();
        await (await c.GetAsync("/api/users/me/tokens")).ErrorAsync(HttpStatusCode.Unauthorized);
    }
}

public sealed class AccessTokenTestsOnSqlite(SqliteServer s) : AccessTokenTests(s), IClassFixture<SqliteServer>;

public sealed class AccessTokenTestsOnPostgres(PostgresServer s) : AccessTokenTests(s), IClassFixture<PostgresServer>;

using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Auth;

/// <summary>
/// A signed-in request's credential is resolved from memory for a few seconds; whatever changes what it resolves to
/// is seen by the very next request. Each credential is used twice first, so the second answer came from memory.
/// </summary>
public abstract class CredentialCacheTests(AnvilServer server)
{
    private static async Task UsedTwiceAsync(HttpClient c, string path)
    {
        await (await c.GetAsync(path)).JsonAsync();
        await (await c.GetAsync(path)).JsonAsync();
    }

    [Fact]
    public async Task A_profile_edit_is_what_the_next_request_sees_of_its_user()
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        await UsedTwiceAsync(c, "/api/users/me");
        await (await c.PatchAsJsonAsync("/api/users/me/settings", new { name = "Renamed Person", bio = "new bio" })).JsonAsync();
        var me = await (await c.GetAsync("/api/users/me")).JsonAsync();
        Assert.Equal("Renamed Person", me.Str("user.name"));
    }

    [Fact]
    public async Task Sign_out_revocation_disabling_and_deletion_refuse_the_old_credential_at_once()
    {
        var user = await server.SignUpAsync();
        var token = await user.CreateTokenAsync("user:read");
        using var session = user.Client();
        using var pat = server.WithBearer(token);
        await UsedTwiceAsync(session, "/api/users/me");
        await UsedTwiceAsync(pat, "/api/v1/user");

        // Disabling refuses both, from another process (the admin CLI) too; enabling lets the token back in.
        Assert.Equal(0, (await server.AdminAsync("user", "disable", user.Username)).Code);
        await (await pat.GetAsync("/api/v1/user")).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await session.GetAsync("/api/users/me")).ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, (await server.AdminAsync("user", "enable", user.Username)).Code);
        await UsedTwiceAsync(pat, "/api/v1/user");

        using var again = server.Anonymous();
        var signIn = await (await again.PostAsJsonAsync("/auth/sign-in", new { username = user.Username, password = user.Password })).JsonAsync();
        using var second = server.WithBearer(signIn.Str("token"));
        await UsedTwiceAsync(second, "/api/users/me");
        await (await second.PostAsync("/auth/sign-out", null)).JsonAsync();
        await (await second.GetAsync("/api/users/me")).ErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Revoking_a_token_through_the_cli_refuses_it_at_once()
    {
        var user = await server.SignUpAsync();
        var token = await user.CreateTokenAsync("user:read");
        using var pat = server.WithBearer(token);
        await UsedTwiceAsync(pat, "/api/v1/user");
        using var session = user.Client();
        var id = (await (await session.GetAsync("/api/users/me/tokens")).JsonAsync())["tokens"]![0]!.Str("id");
        Assert.Equal(0, (await server.AdminAsync("token", "revoke", "--user", user.Username, "--id", id)).Code);
        await (await pat.GetAsync("/api/v1/user")).ErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Deleting_a_user_refuses_their_credentials_at_once()
    {
        var user = await server.SignUpAsync();
        var token = await user.CreateTokenAsync("user:read");
        using var session = user.Client();
        using var pat = server.WithBearer(token);
        await UsedTwiceAsync(session, "/api/users/me");
        await UsedTwiceAsync(pat, "/api/v1/user");
        Assert.Equal(0, (await server.AdminAsync("user", "delete", user.Username)).Code);
        await (await session.GetAsync("/api/users/me")).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await pat.GetAsync("/api/v1/user")).ErrorAsync(HttpStatusCode.Unauthorized);
    }
}

public sealed class CredentialCacheTestsOnSqlite(SqliteServer s) : CredentialCacheTests(s), IClassFixture<SqliteServer>;

public sealed class CredentialCacheTestsOnPostgres(PostgresServer s) : CredentialCacheTests(s), IClassFixture<PostgresServer>;

/// <summary>Two nodes on one PostgreSQL, one data directory and one Redis: a credential ended on one is refused by the other at once.</summary>
public sealed class ClusteredCredentialCacheTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Sign_out_revocation_and_disabling_on_one_node_are_refused_at_once_on_the_other()
    {
        await using var nodeA = new PostgresServer();
        nodeA.Settings["REDIS_URL"] = redis.Url;
        await nodeA.InitializeAsync();
        await using var nodeB = await nodeA.StartNodeAsync();

        var user = await nodeA.SignUpAsync();
        var token = await user.CreateTokenAsync("user:read");
        using var onA = user.Client();
        using var onB = nodeB.WithBearer(user.SessionToken);
        using var patOnB = nodeB.WithBearer(token);
        await (await onB.GetAsync("/api/users/me")).JsonAsync();
        await (await onB.GetAsync("/api/users/me")).JsonAsync();
        await (await patOnB.GetAsync("/api/v1/user")).JsonAsync();
        await (await patOnB.GetAsync("/api/v1/user")).JsonAsync();

        // A profile edit on A is what B shows next.
        await (await onA.PatchAsJsonAsync("/api/users/me/settings", new { name = "Edited On A" })).JsonAsync();
        Assert.Equal("Edited On A", (await (await onB.GetAsync("/api/users/me")).JsonAsync()).Str("user.name"));

        var id = (await (await onA.GetAsync("/api/users/me/tokens")).JsonAsync())["tokens"]![0]!.Str("id");
        Assert.Equal(HttpStatusCode.NoContent, (await onA.DeleteAsync($"/api/users/me/tokens/{id}")).StatusCode);
        await (await patOnB.GetAsync("/api/v1/user")).ErrorAsync(HttpStatusCode.Unauthorized);

        await (await onA.PostAsync("/auth/sign-out", null)).JsonAsync();
        await (await onB.GetAsync("/api/users/me")).ErrorAsync(HttpStatusCode.Unauthorized);

        using var anonymousB = nodeB.Anonymous();
        var signIn = await (await anonymousB.PostAsJsonAsync("/auth/sign-in", new { username = user.Username, password = user.Password })).JsonAsync();
        using var newOnA = nodeA.WithBearer(signIn.Str("token"));
        await (await newOnA.GetAsync("/api/users/me")).JsonAsync();
        await (await newOnA.GetAsync("/api/users/me")).JsonAsync();
        Assert.Equal(0, (await nodeB.AdminAsync("user", "disable", user.Username)).Code);
        await (await newOnA.GetAsync("/api/users/me")).ErrorAsync(HttpStatusCode.Unauthorized);
    }
}

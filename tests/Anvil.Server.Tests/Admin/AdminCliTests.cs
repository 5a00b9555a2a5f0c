using System.Net;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Admin;

public abstract class AdminCliTests(AnvilServer server)
{
    private Task<(int Code, string Output)> RunAsync(params string[] args) => server.AdminAsync(args);

    [Fact]
    public async Task Admin_creates_a_user_and_a_token_the_server_accepts()
    {
        var username = "ops" + Guid.NewGuid().ToString("N")[..8];
        var (code, output) = await RunAsync("create-user", "--username", username, "--email", $"{username}@example.com", "--password", "long-enough-pw", "--admin");
        Assert.Equal(0, code);
        Assert.Contains(username, output);

        (code, output) = await RunAsync("token", "create", "--user", username, "--name", "deploy", "--scopes", "user:read,repo");
        Assert.Equal(0, code);
        var token = output.Trim();
        Assert.Matches("^shp_[A-Za-z0-9]{40}$", token);

        using var c = server.WithBearer(token);
        var me = await (await c.GetAsync("/api/v1/user")).JsonAsync();
        Assert.Equal(username, me.Str("login"));
        Assert.True(me["site_admin"]!.GetValue<bool>());

        (code, output) = await RunAsync("token", "list", "--user", username);
        Assert.Equal(0, code);
        var id = output.Split('\t')[0];
        Assert.Contains("deploy", output);
        Assert.DoesNotContain(token, output);

        (code, _) = await RunAsync("token", "revoke", "--user", username, "--id", id);
        Assert.Equal(0, code);
        await (await c.GetAsync("/api/v1/user")).ErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_refuses_bad_input_with_a_nonzero_exit()
    {
        Assert.Equal(1, (await RunAsync("create-user", "--username", "-bad-", "--email", "x@example.com", "--password", "long-enough-pw")).Code);
        Assert.Equal(1, (await RunAsync("create-user", "--username")).Code);
        Assert.Equal(1, (await RunAsync("token", "create", "--user", "nobody-at-all", "--name", "x", "--scopes", "repo")).Code);
        Assert.Equal(2, (await RunAsync("frobnicate")).Code);
    }
}

public sealed class AdminCliTestsOnSqlite(SqliteServer s) : AdminCliTests(s), IClassFixture<SqliteServer>;

public sealed class AdminCliTestsOnPostgres(PostgresServer s) : AdminCliTests(s), IClassFixture<PostgresServer>;

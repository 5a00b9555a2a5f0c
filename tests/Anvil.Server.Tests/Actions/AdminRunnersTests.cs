using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Actions;

public abstract class AdminRunnersTests(AnvilServer server)
{
    private Task<(int Code, string Output)> RunAsync(params string[] args) => server.AdminAsync(args);

    [Fact]
    public async Task Admin_issues_registration_tokens_lists_and_removes_runners()
    {
        using var repo = await ActionsRepo.CreateAsync(server);
        var (code, output) = await RunAsync("runners", "token", "--repo", $"{repo.Owner.Username.ToUpperInvariant()}/{repo.Name}");
        Assert.Equal(0, code);
        var token = output.Trim();
        Assert.StartsWith("anvreg_", token);
        using var anon = server.Anonymous();
        var runner = await (await anon.PostAsJsonAsync("/api/v1/runners/register", new { token, name = "ops-runner", labels = new[] { "linux", "big" } }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.StartsWith("anvr_", runner.Str("token"));

        (code, output) = await RunAsync("runners", "list", "--repo", $"{repo.Owner.Username}/{repo.Name}");
        Assert.Equal(0, code);
        Assert.Contains("ops-runner\tlinux,big", output);
        using var c = repo.Owner.Client();
        var listed = await (await c.GetAsync($"{repo.Api}/actions/runners")).JsonAsync();
        Assert.Equal("ops-runner", listed["runners"]![0]!.Str("name"));

        (code, _) = await RunAsync("runners", "remove", "--repo", $"{repo.Owner.Username}/{repo.Name}", "--id", runner["id"]!.ToString());
        Assert.Equal(0, code);
        using var r = server.WithBearer(runner.Str("token"));
        await (await r.PostAsJsonAsync("/api/v1/runners/heartbeat", new { })).ErrorAsync(HttpStatusCode.Unauthorized);
        (code, _) = await RunAsync("runners", "token", "--repo", "nobody/nothing");
        Assert.Equal(1, code);

        (code, output) = await RunAsync("runners", "token"); // instance-wide
        Assert.Equal(0, code);
        await (await anon.PostAsJsonAsync("/api/v1/runners/register", new { token = output.Trim() })).JsonAsync(HttpStatusCode.Created);
    }
}

public sealed class AdminRunnersTestsOnSqlite(SqliteServer s) : AdminRunnersTests(s), IClassFixture<SqliteServer>;

public sealed class AdminRunnersTestsOnPostgres(PostgresServer s) : AdminRunnersTests(s), IClassFixture<PostgresServer>;

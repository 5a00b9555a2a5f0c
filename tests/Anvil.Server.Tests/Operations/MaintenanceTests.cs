using Anvil.Git;
using Anvil.Server.Infrastructure;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Repositories;
using Microsoft.Extensions.Configuration;

namespace Anvil.Server.Tests.Operations;

/// <summary>Loose and packed object counts of a bare repository, from <c>git count-objects -v</c>.</summary>
public sealed record ObjectCounts(int Loose, int InPack)
{
    public static async Task<ObjectCounts> OfAsync(string gitDir)
    {
        var lines = (await GitCli.RunCheckedAsync(gitDir, ["count-objects", "-v"])).StdoutText
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ")).ToDictionary(p => p[0], p => p[1]);
        return new ObjectCounts(int.Parse(lines["count"]), int.Parse(lines["in-pack"]));
    }
}

public abstract class AdminRepositoryMaintenanceTests(AnvilServer server)
{
    private Task<(int Code, string Output)> AdminAsync(params string[] args) => server.AdminAsync(args);

    [Fact]
    public async Task Gc_packs_the_loose_objects_of_a_repository()
    {
        var owner = await server.SignUpAsync();
        var repo = await RepoSetup.CreateAsync(owner);
        var dir = RepoSetup.BareDir(server, repo);
        Assert.True((await ObjectCounts.OfAsync(dir)).Loose > 0); // the initial commit is written loose

        var (code, output) = await AdminAsync("repos", "gc", $"{owner.Username}/{repo.Str("name")}");

        Assert.True(code == 0, output);
        var after = await ObjectCounts.OfAsync(dir);
        Assert.Equal(0, after.Loose);
        Assert.Equal(3, after.InPack); // README blob, tree, commit
    }

    [Fact]
    public async Task Fsck_reports_a_healthy_repository_and_a_corrupt_one()
    {
        var owner = await server.SignUpAsync();
        var repo = await RepoSetup.CreateAsync(owner);
        var fullName = $"{owner.Username}/{repo.Str("name")}";

        var (code, output) = await AdminAsync("repos", "fsck", fullName);
        Assert.True(code == 0, output);
        Assert.Contains($"{fullName}: ok", output);

        // Replace one loose object with garbage, as a failing disk would.
        var objects = Path.Combine(RepoSetup.BareDir(server, repo), "objects");
        var victim = Directory.GetFiles(objects, "*", SearchOption.AllDirectories)
            .First(f => Path.GetFileName(Path.GetDirectoryName(f)!).Length == 2);
        File.SetAttributes(victim, FileAttributes.Normal);
        await File.WriteAllBytesAsync(victim, [1, 2, 3, 4]);

        (code, output) = await AdminAsync("repos", "fsck", fullName);
        Assert.Equal(1, code);
        Assert.Contains($"{fullName}: broken", output);
    }

    [Fact]
    public async Task Unknown_or_malformed_repository_names_fail()
    {
        Assert.Equal(1, (await AdminAsync("repos", "fsck", "nobody-here/nothing")).Code);
        Assert.Equal(2, (await AdminAsync("repos", "gc", "no-slash")).Code);
        Assert.Equal(2, (await AdminAsync("repos", "gc")).Code);
    }
}

public sealed class AdminRepositoryMaintenanceOnSqlite(SqliteServer s) : AdminRepositoryMaintenanceTests(s), IClassFixture<SqliteServer>;

public sealed class AdminRepositoryMaintenanceOnPostgres(PostgresServer s) : AdminRepositoryMaintenanceTests(s), IClassFixture<PostgresServer>;

/// <summary>A server whose maintenance schedule comes round every second.</summary>
public sealed class FrequentMaintenanceServer : AnvilServer
{
    public FrequentMaintenanceServer() => Settings["ANVIL_MAINTENANCE_INTERVAL_SECONDS"] = "1";
    public override Database Database => Database.Sqlite;
}

public sealed class ScheduledMaintenanceTests(FrequentMaintenanceServer server) : IClassFixture<FrequentMaintenanceServer>
{
    /// <summary>A safety net so a broken schedule fails the test instead of hanging the run; never an assertion about speed.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_schedule_collects_garbage_in_changed_repositories()
    {
        var owner = await server.SignUpAsync();
        var repo = await RepoSetup.CreateAsync(owner);
        var dir = RepoSetup.BareDir(server, repo);

        using var hang = new CancellationTokenSource(HangLimit);
        var counts = await ObjectCounts.OfAsync(dir);
        while (counts.Loose > 0)
        {
            await Task.Delay(100, hang.Token);
            counts = await ObjectCounts.OfAsync(dir);
        }
        Assert.Equal(3, counts.InPack);
        Assert.True(File.Exists(Path.Combine(server.DataDir, "maintenance-last-run")));
    }

    [Theory]
    [InlineData(null, 86400.0)]
    [InlineData("3600", 3600.0)]
    [InlineData("0", null)]
    public void The_interval_comes_from_the_environment_and_zero_disables_it(string? setting, double? seconds)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ANVIL_DATA_DIR"] = server.DataDir,
            ["ANVIL_MAINTENANCE_INTERVAL_SECONDS"] = setting,
        }).Build();
        Assert.Equal(seconds, AnvilOptions.FromConfiguration(config).MaintenanceInterval?.TotalSeconds);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster started from the local binaries once per test run; each test
/// server gets a fresh database in it. initdb refuses to run as root, so as root the cluster runs
/// as the <c>postgres</c> user.
/// </summary>
public static class PostgresCluster
{
    private static readonly Lazy<Task<string>> Started = new(StartAsync);
    private static readonly Lazy<Task<string>> Migrated = new(MigrateTemplateAsync);
    private static string? _dataDir;
    private static int _port;

    /// <summary>A <c>postgres://</c> URL of a new, empty database.</summary>
    public static async Task<string> CreateDatabaseAsync() => await CreateDatabaseAsync(await Started.Value, template: null);

    /// <summary>
    /// A <c>postgres://</c> URL of a new database that already has every migration applied, copied from a template
    /// migrated once per run: migrating each test server's database from empty cost seconds of the two cores per test
    /// class. The server still runs its own migration step on it (which finds nothing to apply); a test of migrating an
    /// empty database takes <see cref="CreateDatabaseAsync()"/>.
    /// </summary>
    public static async Task<string> CreateMigratedDatabaseAsync() => await CreateDatabaseAsync(await Started.Value, await Migrated.Value);

    private static async Task<string> CreateDatabaseAsync(string admin, string? template)
    {
        var name = "anvil_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return $"postgres://anvil@127.0.0.1:{_port}/{name}";
    }

    /// <summary>Creates and migrates the template (with the server's own migration step) and returns its name.</summary>
    private static async Task<string> MigrateTemplateAsync()
    {
        var url = await CreateDatabaseAsync();
        var options = new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<Anvil.Server.Infrastructure.Data.PostgresAnvilDbContext>();
        // Unpooled, so no connection to the template outlives the migration: PostgreSQL copies only an unused template.
        var cs = new NpgsqlConnectionStringBuilder(Anvil.Server.Infrastructure.Data.DatabaseSetup.PostgresConnectionString(url)) { Pooling = false };
        Anvil.Server.Infrastructure.Data.DatabaseSetup.ConfigurePostgres(options, cs.ConnectionString);
        await using (var db = new Anvil.Server.Infrastructure.Data.PostgresAnvilDbContext(options.Options))
        {
            await Anvil.Server.Infrastructure.Data.DatabaseSetup.MigrateAsync(db);
        }
        return new Uri(url).AbsolutePath.TrimStart('/');
    }

    private static async Task<string> StartAsync()
    {
        var bin = BinaryDirectory();
        var asRoot = Environment.UserName == "root";
        _dataDir = Path.Combine(Path.GetTempPath(), "anvil-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dataDir);
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", _dataDir], asRoot: false);
        }
        _port = FreePort();
        var pgdata = Path.Combine(_dataDir, "data");
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", pgdata, "-U", "anvil", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"], asRoot);
        var settings = $"-p {_port} -k {_dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " +
                       "-c full_page_writes=off -c max_connections=400 -c shared_buffers=64MB";
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", pgdata, "-o", settings, "-l", Path.Combine(_dataDir, "log"), "-w", "-t", "60", "start"], asRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(bin, pgdata, asRoot);
        return $"Host=127.0.0.1;Port={_port};Username=anvil;Database=postgres;Pooling=false";
    }

    /// <summary>ANVIL_PG_BIN, else the binaries in /usr/local/bin, else the newest of Debian's <c>postgresql</c> package.</summary>
    private static string BinaryDirectory()
    {
        if (Environment.GetEnvironmentVariable("ANVIL_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }
        if (File.Exists("/usr/local/bin/initdb"))
        {
            return "/usr/local/bin";
        }
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return debian ?? throw new InvalidOperationException(
            "the PostgreSQL tests need PostgreSQL's server binaries (initdb, pg_ctl) in /usr/local/bin or from " +
            "Debian's package: apt-get install postgresql (./test.sh does this), or set ANVIL_PG_BIN");
    }

    private static void Stop(string bin, string pgdata, bool asRoot)
    {
        try
        {
            RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", pgdata, "-m", "immediate", "stop"], asRoot).Wait(TimeSpan.FromSeconds(20));
            Directory.Delete(_dataDir!, recursive: true);
        }
        catch (Exception)
        {
            // Best effort at exit: a leftover temp dir must not fail the run.
        }
    }

    private static async Task RunAsync(string file, string[] args, bool asRoot)
    {
        var psi = asRoot ? new ProcessStartInfo("runuser") : new ProcessStartInfo(file);
        if (asRoot)
        {
            foreach (var a in (string[])["-u", "postgres", "--", file])
            {
                psi.ArgumentList.Add(a);
            }
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = "/tmp";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {await stderr}{await stdout}");
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Tests.Infrastructure;

public enum Database
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A real Anvil server on a loopback port with its own data dir and database. Tests talk to it
/// over HTTP only, exactly as a client would.
/// </summary>
public abstract class AnvilServer : IAsyncLifetime, IAsyncDisposable
{
    private WebApplication? _app;

    public abstract Database Database { get; }
    public string DataDir { get; private set; } = Path.Combine(Path.GetTempPath(), "anvil-test-" + Guid.NewGuid().ToString("N")[..10]);
    private bool _ownsData = true;
    public string? DatabaseUrl { get; private set; }
    public Uri BaseUri { get; private set; } = null!;
    /// <summary>The running app's services, for tests that inspect what the server registered.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("server is not running");
    /// <summary>Extra configuration (environment-variable names) for this server.</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>
    /// Whether a new installation gets its administrator first, as a real one does (the first account of an empty
    /// instance is made an administrator): so the users tests sign up are ordinary users.
    /// </summary>
    public bool CreatesSiteAdmin { get; init; } = true;

    public async Task InitializeAsync()
    {
        if (Database == Database.Postgres)
        {
            DatabaseUrl = await PostgresCluster.CreateMigratedDatabaseAsync();
        }
        else
        {
            Directory.CreateDirectory(DataDir);
            File.Copy(await MigratedSqlite.Value, Path.Combine(DataDir, "anvil.db"));
        }
        await StartAsync();
        if (CreatesSiteAdmin)
        {
            await using var scope = Services.CreateAsyncScope();
            var name = "siteadmin" + Guid.NewGuid().ToString("N")[..8];
            await scope.ServiceProvider.GetRequiredService<Anvil.Server.Auth.AccountService>().CreateUserAsync(
                new Anvil.Server.Auth.SignUpRequest($"{name}@example.com", name, "correct-horse-" + name, "Site admin"), isAdmin: true);
        }
    }

    /// <summary>
    /// A SQLite database file with every migration applied, made once per run by the server's own migration step and
    /// copied into each test server's new data directory (see <see cref="PostgresCluster.CreateMigratedDatabaseAsync"/>
    /// for why). Servers over a directory of their own (<see cref="StartOverAsync"/>) still migrate from nothing.
    /// </summary>
    private static readonly Lazy<Task<string>> MigratedSqlite = new(async () =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "anvil-sqlite-template-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "anvil.db");
        var options = new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<Anvil.Server.Infrastructure.Data.SqliteAnvilDbContext>();
        // Unpooled: the last connection's close checkpoints the write-ahead log into the file, so the file alone is whole.
        Anvil.Server.Infrastructure.Data.DatabaseSetup.ConfigureSqlite(options, $"Data Source={file};Pooling=False");
        await using (var db = new Anvil.Server.Infrastructure.Data.SqliteAnvilDbContext(options.Options))
        {
            await Anvil.Server.Infrastructure.Data.DatabaseSetup.MigrateAsync(db);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return file;
    });

    private const int TestPasswordHashIterations = 1_000;

    public async Task StartAsync()
    {
        var config = new Dictionary<string, string?>
        {
            // Tests sign up many users from one address: rate limits are off unless a test's Settings turn them on.
            ["ANVIL_RATELIMIT_PER_MINUTE"] = "0",
            ["ANVIL_RATELIMIT_BURST"] = "0",
            ["ANVIL_RATELIMIT_API_AUTHED_PER_HOUR"] = "0",
            ["ANVIL_RATELIMIT_API_ANON_PER_HOUR"] = "0",
            ["ANVIL_RATELIMIT_SIGNIN_FAILURES_PER_15_MIN"] = "0",
            ["ANVIL_RATELIMIT_SIGNUPS_PER_HOUR"] = "0",
            ["ANVIL_RATELIMIT_PASSWORD_RESETS_PER_HOUR"] = "0",
            ["ANVIL_RATELIMIT_PAGES_PER_MINUTE"] = "0",
            // No background git gc under tests that look at a repository's objects, unless a test turns it on.
            ["ANVIL_MAINTENANCE_INTERVAL_SECONDS"] = "0",
        };
        foreach (var (key, value) in Settings)
        {
            config[key] = value;
        }
        config["ANVIL_DATA_DIR"] = DataDir;
        config["DATABASE_URL"] = DatabaseUrl;
        config["urls"] = "http://127.0.0.1:0";
        _app = AnvilApp.Build([], config);
        // The product's PBKDF2 at a test's cost: the hasher reads its options once, when first resolved, which is after
        // this. At the production count (100,000 rounds of SHA-512) every sign-up and every password-authenticated git
        // request spent tens of milliseconds of the two cores, thousands of times a run. The same code hashes and
        // verifies (the count is written into each hash), and nothing a test asserts depends on how slow it is.
        _app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Identity.PasswordHasherOptions>>().Value.IterationCount =
            TestPasswordHashIterations;
        await AnvilApp.StartAsync(_app);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUri = new Uri(address);
    }

    /// <summary>
    /// Another node of the same installation: same database and data directory, its own process
    /// state (as behind a load balancer). The caller disposes it; the shared data stays with this one.
    /// </summary>
    public async Task<AnvilServer> StartNodeAsync(params (string Name, string? Value)[] settings)
    {
        var node = (AnvilServer)Activator.CreateInstance(GetType())!;
        node.DataDir = DataDir;
        node.DatabaseUrl = DatabaseUrl;
        node._ownsData = false;
        foreach (var (key, value) in Settings)
        {
            node.Settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            node.Settings[key] = value;
        }
        await node.StartAsync();
        return node;
    }

    /// <summary>A server over an existing data directory and database (a restored backup, say); it owns and deletes them.</summary>
    public static async Task<AnvilServer> StartOverAsync(Database database, string dataDir, string? databaseUrl)
    {
        var server = Unstarted(database, dataDir, databaseUrl);
        await server.StartAsync();
        return server;
    }

    /// <summary>A server over an existing data directory and database, not started yet; it owns and deletes them.</summary>
    public static AnvilServer Unstarted(Database database, string dataDir, string? databaseUrl)
    {
        AnvilServer server = database == Database.Sqlite ? new SqliteServer() : new PostgresServer();
        server.DataDir = dataDir;
        server.DatabaseUrl = databaseUrl;
        return server;
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            string? pooled = null;
            if (Database == Database.Postgres)
            {
                await using var scope = _app.Services.CreateAsyncScope();
                pooled = scope.ServiceProvider.GetRequiredService<Anvil.Server.Infrastructure.Data.AnvilDbContext>().Database.GetConnectionString();
            }
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
            if (pooled is not null)
            {
                // Npgsql's pools outlive the app and keep idle connections for minutes: a run's hundreds of test servers
                // would hold PostgreSQL's every connection slot. The pool of a stopped server's database is emptied now.
                Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(pooled));
            }
        }
    }

    public virtual async Task DisposeAsync()
    {
        await StopAsync();
        if (!_ownsData)
        {
            return;
        }
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    /// <summary>A client with no credentials and no cookie jar: every test says how it authenticates.</summary>
    public HttpClient Anonymous() => new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = BaseUri };

    public HttpClient WithBearer(string token)
    {
        var c = Anonymous();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    private static int _userCounter;

    /// <summary>Signs up a fresh user and returns them with their session.</summary>
    public async Task<TestUser> SignUpAsync(string? username = null)
    {
        username ??= "user" + Interlocked.Increment(ref _userCounter) + Guid.NewGuid().ToString("N")[..6];
        var password = "correct-horse-" + username;
        using var c = Anonymous();
        var res = await c.PostAsJsonAsync("/auth/sign-up", new { email = $"{username}@example.com", username, password, name = "User " + username });
        if (res.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"sign-up failed: {res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        }
        var body = (await res.Content.ReadFromJsonAsync<JsonNode>())!;
        return new TestUser(this, username, password, body["token"]!.GetValue<string>(), long.Parse(body["user"]!["id"]!.GetValue<string>()));
    }
}

public sealed record TestUser(AnvilServer Server, string Username, string Password, string SessionToken, long Id)
{
    public HttpClient Client() => Server.WithBearer(SessionToken);

    /// <summary>Creates a personal access token with <paramref name="scopes"/>.</summary>
    public async Task<string> CreateTokenAsync(params string[] scopes)
    {
        using var c = Client();
        var res = await c.PostAsJsonAsync("/api/users/me/tokens", new { name = "test " + Guid.NewGuid().ToString("N")[..6], scopes });
        res.EnsureSuccessStatusCode();
        return (await res.Content.ReadFromJsonAsync<JsonNode>())!["token"]!.GetValue<string>();
    }
}

public sealed class SqliteServer : AnvilServer
{
    public override Database Database => Database.Sqlite;
}

public sealed class PostgresServer : AnvilServer
{
    public override Database Database => Database.Postgres;
}

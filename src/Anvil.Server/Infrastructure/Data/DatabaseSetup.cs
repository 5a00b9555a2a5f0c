using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace Anvil.Server.Infrastructure.Data;

public static class DatabaseSetup
{
    public static IServiceCollection AddAnvilDatabase(this IServiceCollection services, AnvilOptions options)
    {
        if (options.UsePostgres)
        {
            var cs = PooledPostgresConnectionString(PostgresConnectionString(options.DatabaseUrl!));
            services.AddDbContextPool<PostgresAnvilDbContext>((sp, o) => ConfigurePostgres(o, cs).AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>()));
            services.AddScoped<AnvilDbContext>(sp => sp.GetRequiredService<PostgresAnvilDbContext>());
        }
        else
        {
            var cs = SqliteConnectionString(options.SqlitePath);
            services.AddDbContextPool<SqliteAnvilDbContext>((sp, o) => ConfigureSqlite(o, cs).AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>()));
            services.AddScoped<AnvilDbContext>(sp => sp.GetRequiredService<SqliteAnvilDbContext>());
        }
        return services;
    }

    /// <summary>Migrates the database the server's pooled contexts use.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        // A context of its own, not one from the pool: what migrating leaves in a context's services (the model snapshot,
        // several MiB once built) would otherwise live on in the pool for the server's lifetime.
        await using var db = services.GetService<DbContextOptions<SqliteAnvilDbContext>>() is { } sqlite
            ? new SqliteAnvilDbContext(sqlite) as AnvilDbContext
            : new PostgresAnvilDbContext(services.GetRequiredService<DbContextOptions<PostgresAnvilDbContext>>());
        await MigrateAsync(db, ct);
    }

    /// <summary>Applies what is not yet applied, refusing a database a newer Anvil migrated.</summary>
    public static async Task MigrateAsync(AnvilDbContext db, CancellationToken ct = default)
    {
        if (db is SqliteAnvilDbContext)
        {
            // WAL lets readers proceed while one writer commits; it is a property of the file, set once.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        // A database migrated by a newer Anvil has a schema this binary does not know: running on it would corrupt it.
        var known = db.Database.GetMigrations().ToHashSet();
        var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToHashSet();
        var unknown = applied.Where(m => !known.Contains(m)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"the database was migrated by a newer version of Anvil ({string.Join(", ", unknown)}); run that version or newer");
        }
        // Up to date (every restart but the first after an upgrade): nothing to apply, and EF's migrator would still
        // build the model twice over (from the configurations and from the last snapshot) to look for changes no
        // migration captures, which MigrationTests checks at build time instead.
        if (known.IsSubsetOf(applied))
        {
            return;
        }
        if (applied.Count == 0 && db is PostgresAnvilDbContext && await FreshSchema.CreatePostgresAsync(db, ct))
        {
            // The script holds the migrations of its day: were one missing from it, EF's migrator applies it below.
            applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToHashSet();
            if (known.IsSubsetOf(applied))
            {
                return;
            }
        }
        await db.Database.MigrateAsync(ct);
    }

    public static DbContextOptionsBuilder ConfigureSqlite(DbContextOptionsBuilder o, string connectionString) =>
        o.UseSqlite(connectionString, s => s.MigrationsHistoryTable("__ef_migrations"))
         .ReplaceService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly, AnvilMigrationsAssembly>()
         .AddInterceptors(new SqliteConnectionPragmas());

    public static DbContextOptionsBuilder ConfigurePostgres(DbContextOptionsBuilder o, string connectionString) =>
        o.UseNpgsql(connectionString, s => s.MigrationsHistoryTable("__ef_migrations"))
         .ReplaceService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly, AnvilMigrationsAssembly>();

    /// <summary>
    /// The server's own connection pool: connections are not reset when EF returns them (Npgsql would otherwise send
    /// <c>DISCARD ALL</c> before each reuse, and EF opens and closes a connection around every query) and the statements
    /// run most are prepared once per physical connection. Safe because Anvil keeps no per-session server state: no
    /// <c>SET</c> outside a transaction, no temporary tables, no session advisory locks, no <c>LISTEN</c> on pooled
    /// connections (the cluster bus is Redis). Keep it so: state left on a connection would leak into the next request.
    /// A setting the operator's own connection string gives keeps its value.
    /// </summary>
    internal static string PooledPostgresConnectionString(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!keys.Contains("NoResetOnClose"))
        {
            b.NoResetOnClose = true;
        }
        if (!keys.Contains("MaxAutoPrepare"))
        {
            // Anvil's hot reads are a few dozen distinct statements; past this many the least used are unprepared.
            b.MaxAutoPrepare = 256;
        }
        if (!keys.Contains("AutoPrepareMinUsages"))
        {
            // Prepared on a second use, so one-off statements (migrations, administration) never are.
            b.AutoPrepareMinUsages = 2;
        }
        return b.ConnectionString;
    }

    internal static string SqliteConnectionString(string path) => $"Data Source={path};Pooling=True;Default Timeout=30";

    /// <summary>Turns <c>postgres://user:pass@host:port/db?sslmode=…</c> into an Npgsql connection string.</summary>
    public static string PostgresConnectionString(string databaseUrl)
    {
        if (!databaseUrl.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !databaseUrl.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return databaseUrl; // already a key=value connection string
        }
        var uri = new Uri(databaseUrl);
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1)
            {
                b.Password = Uri.UnescapeDataString(parts[1]);
            }
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length == 2 && kv[0].Equals("sslmode", StringComparison.OrdinalIgnoreCase)
                && Enum.TryParse<SslMode>(kv[1], ignoreCase: true, out var mode))
            {
                b.SslMode = mode;
            }
        }
        return b.ConnectionString;
    }
}

/// <summary>Per-connection SQLite settings: wait for the writer lock rather than fail, and enforce foreign keys.</summary>
internal sealed class SqliteConnectionPragmas : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
{
    // The settings live as long as the native connection, which the pool keeps across opens, while EF opens and
    // closes the connection around every query: applying them on each open cost a statement per query. So they are
    // applied once per native handle (a handle the pool drops is collected, and its entry with it).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();
    private static readonly object Marker = new();

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData)
        => Apply(connection);

    public override Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(System.Data.Common.DbConnection connection)
    {
        var handle = (connection as Microsoft.Data.Sqlite.SqliteConnection)?.Handle;
        if (handle is not null && Configured.TryGetValue(handle, out _))
        {
            return;
        }
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";
            cmd.ExecuteNonQuery();
        }
        if (handle is not null)
        {
            Configured.AddOrUpdate(handle, Marker);
        }
    }
}

// Design-time factories: `dotnet ef migrations add X --context SqliteAnvilDbContext` (see scripts/add-migration.sh).
internal sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteAnvilDbContext>
{
    public SqliteAnvilDbContext CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<SqliteAnvilDbContext>();
        DatabaseSetup.ConfigureSqlite(o, "Data Source=design.db");
        return new SqliteAnvilDbContext(o.Options);
    }
}

internal sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresAnvilDbContext>
{
    public PostgresAnvilDbContext CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<PostgresAnvilDbContext>();
        DatabaseSetup.ConfigurePostgres(o, "Host=localhost;Database=design");
        return new PostgresAnvilDbContext(o.Options);
    }
}

using Anvil.Server.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>Every change to the model comes with its migration, for each database (scripts/add-migration.sh adds both).</summary>
public sealed class MigrationTests
{
    [Fact]
    public void The_sqlite_migrations_capture_the_whole_model()
    {
        using var db = Sqlite("Data Source=:memory:");
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no SQLite migration captures: run scripts/add-migration.sh NAME");
    }

    [Fact]
    public void The_postgres_migrations_capture_the_whole_model()
    {
        using var db = Postgres("Host=localhost;Database=unused");
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no PostgreSQL migration captures: run scripts/add-migration.sh NAME");
    }

    [Fact]
    public async Task The_server_refuses_a_database_migrated_by_a_newer_version()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "anvil-newer-" + Guid.NewGuid().ToString("N")[..10]);
        await (await AnvilServer.StartOverAsync(Database.Sqlite, dataDir, null)).StopAsync();
        await using (var conn = new SqliteConnection($"Data Source={Path.Combine(dataDir, "anvil.db")};Pooling=False"))
        {
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "INSERT INTO __ef_migrations (MigrationId, ProductVersion) VALUES ('29991231000000_FromTheFuture', '10.0.0')";
            await cmd.ExecuteNonQueryAsync();
        }
        await using var refused = AnvilServer.Unstarted(Database.Sqlite, dataDir, null);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(refused.StartAsync);
        Assert.Contains("newer version of Anvil", e.Message);
        Assert.Contains("29991231000000_FromTheFuture", e.Message);
    }

    [Fact]
    public void The_model_applies_every_entity_configuration_in_the_server()
    {
        var everyConfiguration = typeof(AnvilDbContext).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterfaces()
                .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEntityTypeConfiguration<>)))
            .Select(t => t.FullName)
            .Order();
        Assert.Equal(everyConfiguration, AnvilDbContext.Configurations.Select(t => t.FullName).Order());
    }

    [Fact]
    public void The_migrations_found_for_each_database_are_those_EF_finds_scanning_the_whole_assembly()
    {
        using (var db = Sqlite("Data Source=:memory:"))
        {
            AssertSameAsEfScan(db, "Sqlite");
        }
        using (var db = Postgres("Host=localhost;Database=unused"))
        {
            AssertSameAsEfScan(db, "Postgres");
        }
    }

    private static void AssertSameAsEfScan(AnvilDbContext db, string provider)
    {
        var found = db.GetService<IMigrationsAssembly>();
        Assert.IsType<AnvilMigrationsAssembly>(found);
        var contextType = db.GetType();
        var scanned = typeof(AnvilDbContext).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Migration)) && !t.IsAbstract
                && t.GetCustomAttributes(typeof(DbContextAttribute), false).Cast<DbContextAttribute>().SingleOrDefault()?.ContextType == contextType)
            .ToDictionary(t => t.GetCustomAttributes(typeof(MigrationAttribute), false).Cast<MigrationAttribute>().Single().Id, t => t);
        Assert.NotEmpty(scanned);
        Assert.Equal(scanned.Keys.Order(), found.Migrations.Keys);
        Assert.All(found.Migrations, m => Assert.Equal(scanned[m.Key], m.Value.AsType()));
        Assert.All(found.Migrations.Values, t => Assert.Equal($"{AnvilMigrationsAssembly.Namespace}.{provider}", t.Namespace));
        Assert.Equal($"{provider}AnvilDbContextModelSnapshot", found.ModelSnapshot?.GetType().Name);
    }

    [Fact]
    public void The_postgres_schema_script_is_the_SQL_EF_writes_for_every_migration()
    {
        using var db = Postgres("Host=localhost;Database=unused");
        // When this fails, regenerate the script as scripts/add-migration.sh's last step does.
        Assert.Equal(Lines(db.GetService<IMigrator>().GenerateScript()), Lines(FreshSchema.PostgresScript()));
    }

    [Fact]
    public async Task A_new_postgres_database_created_from_the_script_is_the_one_the_migrations_build_and_upgrades_the_same()
    {
        var fromScript = DatabaseSetup.PostgresConnectionString(await PostgresCluster.CreateDatabaseAsync());
        // Two nodes starting together on the new database: one creates the schema, the other waits and finds it.
        var created = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var db = Postgres(fromScript);
            return await FreshSchema.CreatePostgresAsync(db, default);
        }));
        Assert.Single(created, c => c);
        await using (var db = Postgres(fromScript))
        {
            await DatabaseSetup.MigrateAsync(db);
        }
        // An upgrade: every migration but the last by EF's migrator (as an older Anvil left it), then the server's step.
        var upgraded = DatabaseSetup.PostgresConnectionString(await PostgresCluster.CreateDatabaseAsync());
        string[] known;
        await using (var db = Postgres(upgraded))
        {
            known = db.Database.GetMigrations().ToArray();
            await db.GetService<IMigrator>().MigrateAsync(known[^2]);
            Assert.Equal(known[..^1], await db.Database.GetAppliedMigrationsAsync());
            await DatabaseSetup.MigrateAsync(db);
        }
        foreach (var cs in new[] { fromScript, upgraded })
        {
            await using var db = Postgres(cs);
            Assert.Equal(known, await db.Database.GetAppliedMigrationsAsync());
        }
        var scriptSchema = await SchemaOf(fromScript);
        Assert.Contains(scriptSchema, line => line.StartsWith("index CREATE INDEX", StringComparison.Ordinal));
        Assert.Equal(await SchemaOf(upgraded), scriptSchema);
    }

    private static SqliteAnvilDbContext Sqlite(string connectionString)
    {
        var o = new DbContextOptionsBuilder<SqliteAnvilDbContext>();
        DatabaseSetup.ConfigureSqlite(o, connectionString);
        return new SqliteAnvilDbContext(o.Options);
    }

    private static PostgresAnvilDbContext Postgres(string connectionString)
    {
        var o = new DbContextOptionsBuilder<PostgresAnvilDbContext>();
        DatabaseSetup.ConfigurePostgres(o, connectionString);
        return new PostgresAnvilDbContext(o.Options);
    }

    private static string[] Lines(string script) => script.ReplaceLineEndings("\n").Trim('\uFEFF', '\n', ' ').Split('\n');

    /// <summary>Every table column, index, constraint, trigger and function of the database, one line each.</summary>
    private static async Task<List<string>> SchemaOf(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' '
                   || coalesce(column_default, '') || ' ' || coalesce(character_maximum_length::text, '') || ' ' || coalesce(is_generated, '')
              FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
              FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            UNION ALL SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname || ' ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
            UNION ALL SELECT 'function ' || proname || ' ' || pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
            ORDER BY 1
            """, conn);
        var lines = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return lines;
    }
}

using Anvil.Server.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>Every change to the model comes with its migration, for each database (scripts/add-migration.sh adds both).</summary>
public sealed class MigrationTests
{
    [Fact]
    public void The_sqlite_migrations_capture_the_whole_model()
    {
        var o = new DbContextOptionsBuilder<SqliteAnvilDbContext>();
        DatabaseSetup.ConfigureSqlite(o, "Data Source=:memory:");
        using var db = new SqliteAnvilDbContext(o.Options);
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no SQLite migration captures: run scripts/add-migration.sh NAME");
    }

    [Fact]
    public void The_postgres_migrations_capture_the_whole_model()
    {
        var o = new DbContextOptionsBuilder<PostgresAnvilDbContext>();
        DatabaseSetup.ConfigurePostgres(o, "Host=localhost;Database=unused");
        using var db = new PostgresAnvilDbContext(o.Options);
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
        var sqlite = new DbContextOptionsBuilder<SqliteAnvilDbContext>();
        DatabaseSetup.ConfigureSqlite(sqlite, "Data Source=:memory:");
        using (var db = new SqliteAnvilDbContext(sqlite.Options))
        {
            AssertSameAsEfScan(db, "Sqlite");
        }
        var postgres = new DbContextOptionsBuilder<PostgresAnvilDbContext>();
        DatabaseSetup.ConfigurePostgres(postgres, "Host=localhost;Database=unused");
        using (var db = new PostgresAnvilDbContext(postgres.Options))
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
}

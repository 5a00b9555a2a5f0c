using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

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
}

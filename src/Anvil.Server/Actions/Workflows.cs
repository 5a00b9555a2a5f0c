using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Actions;

public static class WorkflowState
{
    public const string Active = "active";
    /// <summary>The file is no longer on the default branch; its runs stay listed under it, as on GitHub.</summary>
    public const string Deleted = "deleted";
}

/// <summary>
/// A workflow file of a repository, with the stable id GitHub's API names it by. One row per path, made the first time the
/// file is seen on the default branch or a run of it is queued (from any branch); the default branch decides name and state.
/// </summary>
public sealed class Workflow
{
    public long Id { get; set; }
    public long RepositoryId { get; set; }
    public required string Path { get; set; }
    public required string Name { get; set; }
    public required string State { get; set; }
    /// <summary>How many runs were ever numbered for it: the last <see cref="WorkflowRun.RunNumber"/> handed out.</summary>
    public long RunCount { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class WorkflowConfiguration : IEntityTypeConfiguration<Workflow>
{
    public void Configure(EntityTypeBuilder<Workflow> e)
    {
        e.ToTable("Workflows");
        e.HasIndex(w => new { w.RepositoryId, w.Path }).IsUnique();
        e.Property(w => w.Path).HasMaxLength(512);
        e.Property(w => w.Name).HasMaxLength(255);
        e.Property(w => w.State).HasMaxLength(20);
        e.HasOne<Repositories.Repository>().WithMany().HasForeignKey(w => w.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Finds and records a repository's workflows (<see cref="Workflow"/>).</summary>
public sealed class WorkflowCatalog(AnvilDbContext db, TimeProvider clock)
{
    /// <summary>
    /// The workflow row of <paramref name="path"/>, made if missing. With <paramref name="onDefaultBranch"/> the file as the
    /// default branch has it names the workflow and makes it active again. One statement, so concurrent pushes cannot collide.
    /// </summary>
    public async Task<long> EnsureAsync(long repositoryId, string path, string name, bool onDefaultBranch, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (onDefaultBranch)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "Workflows" ("RepositoryId", "Path", "Name", "State", "CreatedAt", "UpdatedAt")
                VALUES ({repositoryId}, {path}, {name}, {WorkflowState.Active}, {now}, {now})
                ON CONFLICT ("RepositoryId", "Path") DO UPDATE SET "Name" = excluded."Name", "State" = excluded."State", "UpdatedAt" = excluded."UpdatedAt"
                WHERE "Workflows"."Name" <> excluded."Name" OR "Workflows"."State" <> excluded."State"
                """, ct);
        }
        else
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "Workflows" ("RepositoryId", "Path", "Name", "State", "CreatedAt", "UpdatedAt")
                VALUES ({repositoryId}, {path}, {name}, {WorkflowState.Active}, {now}, {now})
                ON CONFLICT ("RepositoryId", "Path") DO NOTHING
                """, ct);
        }
        return await db.Workflows.Where(w => w.RepositoryId == repositoryId && w.Path == path).Select(w => w.Id).FirstAsync(ct);
    }

    /// <summary>
    /// The next <see cref="WorkflowRun.RunNumber"/> of workflow <paramref name="workflowId"/>. Called inside the transaction that
    /// stores the run: the counter's row stays locked until it commits, so concurrent runs get distinct numbers, and a run
    /// rolled back gives its number back.
    /// </summary>
    public async Task<long> NextRunNumberAsync(long workflowId, CancellationToken ct)
    {
        await db.Workflows.Where(w => w.Id == workflowId).ExecuteUpdateAsync(s => s.SetProperty(w => w.RunCount, w => w.RunCount + 1), ct);
        return await db.Workflows.Where(w => w.Id == workflowId).Select(w => w.RunCount).FirstAsync(ct);
    }

    /// <summary>After a push to the default branch: workflows whose file is gone from it are <see cref="WorkflowState.Deleted"/>.</summary>
    public async Task MarkDeletedExceptAsync(long repositoryId, IReadOnlyCollection<string> present, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Workflows.Where(w => w.RepositoryId == repositoryId && w.State != WorkflowState.Deleted && !present.Contains(w.Path))
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.State, WorkflowState.Deleted).SetProperty(w => w.UpdatedAt, now), ct);
    }

    public IQueryable<Workflow> OfRepository(long repositoryId) => db.Workflows.AsNoTracking().Where(w => w.RepositoryId == repositoryId);

    /// <summary>
    /// The workflow GitHub's <c>workflow_id</c> names: its numeric id, or its file name (<c>ci.yml</c>) or path; a file name in
    /// both workflow directories means the active one, then the first by path.
    /// </summary>
    public async Task<Workflow> FindAsync(long repositoryId, string idOrFile, CancellationToken ct)
    {
        var key = idOrFile.Trim();
        Workflow? found;
        if (long.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            found = await OfRepository(repositoryId).FirstOrDefaultAsync(w => w.Id == id, ct);
        }
        else
        {
            var suffix = "/" + key;
            var candidates = await OfRepository(repositoryId).Where(w => w.Path == key || w.Path.EndsWith(suffix)).ToListAsync(ct);
            found = candidates.Where(w => w.Path == key || w.Path.EndsWith(suffix, StringComparison.Ordinal))
                .OrderBy(w => w.State == WorkflowState.Active ? 0 : 1).ThenBy(w => w.Path, StringComparer.Ordinal).FirstOrDefault();
        }
        return found ?? throw AnvilException.NotFound("workflow not found");
    }
}

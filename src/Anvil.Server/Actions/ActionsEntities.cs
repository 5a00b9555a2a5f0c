using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Actions;

public static class RunStatus
{
    public const string Queued = "queued";
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
}

public static class JobStatus
{
    /// <summary>Waiting for the jobs it needs.</summary>
    public const string Waiting = "waiting";
    public const string Queued = "queued";
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
}

/// <summary>One execution of one workflow file for one event.</summary>
public sealed class WorkflowRun
{
    public long Id { get; set; }
    public long RepositoryId { get; set; }
    /// <summary>Path of the workflow file in the repository, e.g. <c>.anvil/workflows/ci.yml</c>.</summary>
    public required string WorkflowPath { get; set; }
    /// <summary>The <see cref="Workflow"/> of <see cref="WorkflowPath"/>; null only on runs made before workflows had ids and left unmatched.</summary>
    public long? WorkflowId { get; set; }
    /// <summary>GitHub's <c>run_number</c>: 1, 2, 3… per workflow (path) of the repository; a re-run keeps it.</summary>
    public long RunNumber { get; set; }
    public required string Name { get; set; }
    public required string Event { get; set; }
    public required string HeadSha { get; set; }
    /// <summary>The full ref the run is for (<c>refs/heads/main</c>).</summary>
    public required string Ref { get; set; }
    public required string Status { get; set; }
    public string? Conclusion { get; set; }
    /// <summary>Why the workflow could not run (bad YAML, unknown keys…); such a run is completed with failure.</summary>
    public string? Error { get; set; }
    public long? ActorId { get; set; }
    public int RunAttempt { get; set; } = 1;
    public bool CancelRequested { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>Which dispatch of which outbox event queued it; unique, so a dispatch again after a crash queues it once.</summary>
    public string? EffectKey { get; set; }
}

/// <summary>A job of a run; its steps and environment travel to the runner as <see cref="Spec"/> (JSON).</summary>
public sealed class WorkflowJob
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public WorkflowRun Run { get; set; } = null!;
    public long RepositoryId { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    /// <summary>Keys of the jobs this one needs, space separated.</summary>
    public string Needs { get; set; } = "";
    public string? If { get; set; }
    /// <summary>Labels a runner must carry, space separated.</summary>
    public string RunsOn { get; set; } = "";
    public int TimeoutMinutes { get; set; }
    public required string Spec { get; set; }
    public required string Status { get; set; }
    public string? Conclusion { get; set; }
    public long? CheckRunId { get; set; }
    public long? RunnerId { get; set; }
    public string? RunnerName { get; set; }
    /// <summary>The runner must call in before this, or the job is taken back and requeued.</summary>
    public DateTime? LeaseExpiresAt { get; set; }
    /// <summary>The id (jti) of the one job token that may be used next; each call consumes it.</summary>
    public string? TokenId { get; set; }
    /// <summary>How many times a runner claimed this job in the current attempt.</summary>
    public int Claims { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>
    /// When the finished job's log was moved from <see cref="JobLogChunk"/> rows to the blob store
    /// (<see cref="ActionsBlobs.LogKey"/>); null while the log still lives in the chunks.
    /// </summary>
    public DateTime? LogArchivedAt { get; set; }

    public IReadOnlyList<string> NeedKeys => Needs.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

public sealed class JobStep
{
    public long Id { get; set; }
    public long JobId { get; set; }
    public int Number { get; set; }
    public required string Name { get; set; }
    public required string Status { get; set; }
    public string? Conclusion { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

/// <summary>A piece of a job's log as the runner sent it; <see cref="Seq"/> makes appends idempotent.</summary>
public sealed class JobLogChunk
{
    public long Id { get; set; }
    public long JobId { get; set; }
    public int Seq { get; set; }
    public required byte[] Data { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A zip a job uploaded (<c>actions/upload-artifact</c>); its bytes live in the blob store under <see cref="ActionsBlobs.ArtifactKey"/>.</summary>
public sealed class Artifact
{
    /// <summary>Chosen before the row exists (see <see cref="ArtifactUploads"/>), so the blob is written first.</summary>
    public long Id { get; set; }
    public long RepositoryId { get; set; }
    public long RunId { get; set; }
    /// <summary>The attempt of the run that uploaded it: names are unique per run attempt.</summary>
    public int RunAttempt { get; set; }
    public long JobId { get; set; }
    public required string Name { get; set; }
    public long SizeInBytes { get; set; }
    public bool Expired { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class Runner
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required byte[] TokenHash { get; set; }
    /// <summary>Space separated.</summary>
    public string Labels { get; set; } = "";
    /// <summary>Null: the runner serves every repository of the instance.</summary>
    public long? RepositoryId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
}

public sealed class RunnerRegistrationToken
{
    public long Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public long? RepositoryId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
}

internal sealed class ActionsConfiguration :
    IEntityTypeConfiguration<WorkflowRun>, IEntityTypeConfiguration<WorkflowJob>, IEntityTypeConfiguration<JobStep>,
    IEntityTypeConfiguration<JobLogChunk>, IEntityTypeConfiguration<Runner>, IEntityTypeConfiguration<RunnerRegistrationToken>,
    IEntityTypeConfiguration<Artifact>
{
    public void Configure(EntityTypeBuilder<WorkflowRun> e)
    {
        e.ToTable("WorkflowRuns");
        e.HasIndex(r => new { r.RepositoryId, r.Id });
        e.HasIndex(r => r.Status);
        // A workflow's runs, newest first. No foreign key: adding one to the existing SQLite table would rebuild it, and a
        // workflow row goes only with its repository, which takes the runs along.
        e.HasIndex(r => new { r.WorkflowId, r.Id });
        e.Property(r => r.WorkflowPath).HasMaxLength(512);
        e.Property(r => r.Name).HasMaxLength(255);
        e.Property(r => r.Event).HasMaxLength(50);
        e.Property(r => r.HeadSha).HasMaxLength(64);
        e.Property(r => r.Ref).HasMaxLength(1024);
        e.Property(r => r.EffectKey).HasMaxLength(800);
        e.HasIndex(r => r.EffectKey).IsUnique();
        e.Property(r => r.Status).HasMaxLength(20);
        e.Property(r => r.Conclusion).HasMaxLength(20);
        e.HasOne<Repositories.Repository>().WithMany().HasForeignKey(r => r.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<WorkflowJob> e)
    {
        e.ToTable("WorkflowJobs");
        e.HasIndex(j => new { j.Status, j.Id });
        e.HasIndex(j => j.RunId);
        e.HasIndex(j => new { j.LogArchivedAt, j.Status }); // the sweep's "finished but not archived" lookup stays small as jobs pile up
        e.Property(j => j.Key).HasMaxLength(100);
        e.Property(j => j.Name).HasMaxLength(255);
        e.Property(j => j.Status).HasMaxLength(20);
        e.Property(j => j.Conclusion).HasMaxLength(20);
        e.Property(j => j.RunnerName).HasMaxLength(100);
        e.Property(j => j.TokenId).HasMaxLength(64).IsConcurrencyToken(); // a token is consumed by exactly one call
        e.HasOne(j => j.Run).WithMany().HasForeignKey(j => j.RunId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<JobStep> e)
    {
        e.ToTable("JobSteps");
        e.HasIndex(s => new { s.JobId, s.Number }).IsUnique();
        e.Property(s => s.Name).HasMaxLength(255);
        e.Property(s => s.Status).HasMaxLength(20);
        e.Property(s => s.Conclusion).HasMaxLength(20);
        e.HasOne<WorkflowJob>().WithMany().HasForeignKey(s => s.JobId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<JobLogChunk> e)
    {
        e.ToTable("JobLogChunks");
        e.HasIndex(c => new { c.JobId, c.Seq }).IsUnique();
        e.HasOne<WorkflowJob>().WithMany().HasForeignKey(c => c.JobId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Artifact> e)
    {
        e.ToTable("Artifacts");
        e.Property(a => a.Id).ValueGeneratedNever();
        e.HasIndex(a => new { a.RunId, a.RunAttempt, a.Name }).IsUnique();
        e.HasIndex(a => new { a.RepositoryId, a.CreatedAt });
        e.HasIndex(a => a.JobId);
        e.HasIndex(a => new { a.Expired, a.CreatedAt }); // the Actions sweep looks for artifacts due to expire every few seconds
        e.Property(a => a.Name).HasMaxLength(ArtifactUploads.MaxNameLength);
        e.HasOne<WorkflowRun>().WithMany().HasForeignKey(a => a.RunId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Runner> e)
    {
        e.ToTable("Runners");
        e.HasIndex(r => r.TokenHash).IsUnique();
        e.Property(r => r.Name).HasMaxLength(100);
        e.Property(r => r.Labels).HasMaxLength(1024);
        e.HasOne<Repositories.Repository>().WithMany().HasForeignKey(r => r.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<RunnerRegistrationToken> e)
    {
        e.ToTable("RunnerRegistrationTokens");
        e.HasIndex(t => t.TokenHash).IsUnique();
        e.HasOne<Repositories.Repository>().WithMany().HasForeignKey(t => t.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }
}

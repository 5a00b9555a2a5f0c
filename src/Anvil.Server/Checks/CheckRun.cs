using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Checks;

/// <summary>
/// The integration that owns a suite: check runs created through the API belong to <see cref="Api"/>,
/// those of Actions jobs to <see cref="Actions"/>. As on GitHub, a commit has one suite per app.
/// </summary>
public sealed record CheckApp(long Id, string Slug, string Name)
{
    public static readonly CheckApp Api = new(1, "anvil", "Anvil");
    public static readonly CheckApp Actions = new(2, "anvil-actions", "Anvil Actions");

    public static CheckApp FromSlug(string slug) => slug == Actions.Slug ? Actions : Api;
}

public static class CheckStatus
{
    public const string Queued = "queued";
    public const string InProgress = "in_progress";
    public const string Completed = "completed";

    public static readonly IReadOnlyList<string> All = [Queued, InProgress, Completed];
}

public static class CheckConclusion
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Neutral = "neutral";
    public const string Cancelled = "cancelled";
    public const string Skipped = "skipped";
    public const string TimedOut = "timed_out";
    public const string ActionRequired = "action_required";

    public static readonly IReadOnlyList<string> All = [Success, Failure, Neutral, Cancelled, Skipped, TimedOut, ActionRequired];

    /// <summary>Higher is worse; a roll-up reports the worst conclusion of its runs.</summary>
    public static int Severity(string? conclusion) => conclusion switch
    {
        Skipped => 1,
        Neutral => 2,
        Success => 3,
        Failure => 4,
        TimedOut => 5,
        Cancelled => 6,
        ActionRequired => 7,
        _ => 0,
    };

    public static bool IsFailing(string? conclusion) => conclusion is Failure or TimedOut or Cancelled or ActionRequired;
}

/// <summary>All check runs of one app on one commit.</summary>
public sealed class CheckSuite
{
    public long Id { get; set; }
    public long RepositoryId { get; set; }
    public required string HeadSha { get; set; }
    public required string App { get; set; }
    public string? HeadBranch { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class CheckRun
{
    public long Id { get; set; }
    public long RepositoryId { get; set; }
    public long SuiteId { get; set; }
    public CheckSuite Suite { get; set; } = null!;
    public required string HeadSha { get; set; }
    public required string Name { get; set; }
    public required string Status { get; set; }
    public string? Conclusion { get; set; }
    public string? DetailsUrl { get; set; }
    /// <summary>The integration's own id; with head sha and name it makes creation idempotent.</summary>
    public string? ExternalId { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? OutputTitle { get; set; }
    public string? OutputSummary { get; set; }
    public string? OutputText { get; set; }
    /// <summary>How many <see cref="CheckRunAnnotation"/> rows the run has, kept beside them so views need no count.</summary>
    public int AnnotationsCount { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class AnnotationLevel
{
    public const string Notice = "notice";
    public const string Warning = "warning";
    public const string Failure = "failure";

    public static readonly IReadOnlyList<string> All = [Notice, Warning, Failure];
}

/// <summary>A line or range of a file a check run comments on (GitHub's <c>output.annotations</c>), in the order given.</summary>
public sealed class CheckRunAnnotation
{
    public long Id { get; set; }
    public long CheckRunId { get; set; }
    public required string Path { get; set; }
    public int StartLine { get; set; }
    public int EndLine { get; set; }
    public int? StartColumn { get; set; }
    public int? EndColumn { get; set; }
    public required string Level { get; set; }
    public required string Message { get; set; }
    public string? Title { get; set; }
    public string? RawDetails { get; set; }
}

internal sealed class CheckConfiguration : IEntityTypeConfiguration<CheckSuite>, IEntityTypeConfiguration<CheckRun>, IEntityTypeConfiguration<CheckRunAnnotation>
{
    public void Configure(EntityTypeBuilder<CheckRunAnnotation> e)
    {
        e.ToTable("CheckRunAnnotations");
        e.HasIndex(a => new { a.CheckRunId, a.Id });
        e.Property(a => a.Path).HasMaxLength(1024);
        e.Property(a => a.Level).HasMaxLength(20);
        e.Property(a => a.Title).HasMaxLength(255);
        e.HasOne<CheckRun>().WithMany().HasForeignKey(a => a.CheckRunId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CheckSuite> e)
    {
        e.ToTable("CheckSuites");
        e.HasIndex(s => new { s.RepositoryId, s.HeadSha, s.App }).IsUnique();
        e.Property(s => s.HeadSha).HasMaxLength(64);
        e.Property(s => s.App).HasMaxLength(50);
        e.Property(s => s.HeadBranch).HasMaxLength(255);
        e.HasOne<Repositories.Repository>().WithMany().HasForeignKey(s => s.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CheckRun> e)
    {
        e.ToTable("CheckRuns");
        e.HasIndex(r => new { r.RepositoryId, r.HeadSha });
        // Null external ids are distinct on both databases, so only runs that name one are deduplicated.
        e.HasIndex(r => new { r.RepositoryId, r.HeadSha, r.Name, r.ExternalId }).IsUnique();
        e.HasIndex(r => r.SuiteId);
        e.Property(r => r.HeadSha).HasMaxLength(64);
        e.Property(r => r.Name).HasMaxLength(255);
        e.Property(r => r.Status).HasMaxLength(20);
        e.Property(r => r.Conclusion).HasMaxLength(20);
        e.Property(r => r.DetailsUrl).HasMaxLength(2048);
        e.Property(r => r.ExternalId).HasMaxLength(255);
        e.Property(r => r.OutputTitle).HasMaxLength(1024);
        e.HasOne(r => r.Suite).WithMany().HasForeignKey(r => r.SuiteId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Repositories.Repository>().WithMany().HasForeignKey(r => r.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }
}

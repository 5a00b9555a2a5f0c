using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Checks;

/// <summary>GitHub's commit status states; a context's latest status is what counts.</summary>
public static class CommitStatusState
{
    public const string Pending = "pending";
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Error = "error";

    public static readonly IReadOnlyList<string> All = [Error, Failure, Pending, Success];

    public static bool IsFailing(string state) => state is Failure or Error;
}

/// <summary>One status an integration posted on a commit (GitHub's older, simpler sibling of check runs).</summary>
public sealed class CommitStatus
{
    public long Id { get; set; }
    public long RepositoryId { get; set; }
    public required string Sha { get; set; }
    public required string State { get; set; }
    public required string Context { get; set; }
    public string? Description { get; set; }
    public string? TargetUrl { get; set; }
    public long? CreatorId { get; set; }
    public Users.User? Creator { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class CommitStatusConfiguration : IEntityTypeConfiguration<CommitStatus>
{
    public void Configure(EntityTypeBuilder<CommitStatus> e)
    {
        e.ToTable("CommitStatuses");
        // Statuses of a commit newest first, and each context's latest, both read through this index.
        e.HasIndex(s => new { s.RepositoryId, s.Sha, s.Context, s.Id });
        e.Property(s => s.Sha).HasMaxLength(64);
        e.Property(s => s.State).HasMaxLength(20);
        e.Property(s => s.Context).HasMaxLength(255);
        e.Property(s => s.Description).HasMaxLength(1024);
        e.Property(s => s.TargetUrl).HasMaxLength(2048);
        e.HasOne<Repositories.Repository>().WithMany().HasForeignKey(s => s.RepositoryId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(s => s.Creator).WithMany().HasForeignKey(s => s.CreatorId).OnDelete(DeleteBehavior.SetNull);
    }
}

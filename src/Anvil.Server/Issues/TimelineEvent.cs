using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Issues;

/// <summary>
/// Something that happened to an issue or pull request besides a comment, as GitHub's issue events and timeline list
/// it: labelled, assigned, closed, renamed, referenced… Written by <see cref="TimelineRecorder"/> from the domain events.
/// </summary>
public sealed class TimelineEvent
{
    public long Id { get; set; }
    public long RepositoryId { get; set; }
    public long IssueId { get; set; }
    public Issue Issue { get; set; } = null!;

    /// <summary>Who did it; null once that account is deleted (GitHub's "ghost").</summary>
    public long? ActorId { get; set; }
    public User? Actor { get; set; }

    /// <summary>GitHub's event name: one of <see cref="TimelineKinds"/>.</summary>
    public required string Kind { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The label added or removed, as it was named and coloured then (a later rename does not rewrite history).</summary>
    public string? LabelName { get; set; }
    public string? LabelColor { get; set; }

    /// <summary>The person assigned or unassigned.</summary>
    public long? SubjectUserId { get; set; }
    public User? SubjectUser { get; set; }

    public string? RenamedFrom { get; set; }
    public string? RenamedTo { get; set; }

    /// <summary>The commit that referenced the issue, or a pull request's merge commit.</summary>
    public string? CommitId { get; set; }

    /// <summary>The issue or pull request whose text mentions this one (<c>cross-referenced</c>).</summary>
    public long? SourceIssueId { get; set; }
    public Issue? SourceIssue { get; set; }

    /// <summary>A close's <c>state_reason</c>; for <c>review_dismissed</c>, the verdict the review had (APPROVED, CHANGES_REQUESTED).</summary>
    public string? StateReason { get; set; }

    /// <summary>The review a <c>review_dismissed</c> set aside (its author is <see cref="SubjectUserId"/>).</summary>
    public long? ReviewId { get; set; }

    /// <summary>Why the review was dismissed (GitHub's <c>dismissal_message</c>).</summary>
    public string? Message { get; set; }

    /// <summary>The domain event's dispatch that wrote this row, so that a replay after a crash writes it only once.</summary>
    public string? EffectKey { get; set; }
}

/// <summary>The events <see cref="TimelineEvent.Kind"/> holds, named as GitHub names them.</summary>
public static class TimelineKinds
{
    public const string Closed = "closed";
    public const string Reopened = "reopened";
    public const string Labeled = "labeled";
    public const string Unlabeled = "unlabeled";
    public const string Assigned = "assigned";
    public const string Unassigned = "unassigned";
    public const string Renamed = "renamed";
    public const string Locked = "locked";
    public const string Unlocked = "unlocked";
    public const string Merged = "merged";
    public const string ReadyForReview = "ready_for_review";
    public const string ConvertToDraft = "convert_to_draft";
    public const string ReviewDismissed = "review_dismissed";

    /// <summary>A commit pushed to the repository mentions the issue.</summary>
    public const string Referenced = "referenced";

    /// <summary>Another issue or pull request mentions it (the timeline lists these; the events list does not, as GitHub's).</summary>
    public const string CrossReferenced = "cross-referenced";

    public const int MaxLength = 32;
}

internal sealed class TimelineEventConfiguration : IEntityTypeConfiguration<TimelineEvent>
{
    public void Configure(EntityTypeBuilder<TimelineEvent> e)
    {
        e.HasIndex(t => new { t.IssueId, t.Id });
        e.HasIndex(t => new { t.RepositoryId, t.Id });
        e.HasIndex(t => new { t.SourceIssueId, t.IssueId });
        e.HasIndex(t => t.EffectKey).IsUnique();
        e.Property(t => t.Kind).HasMaxLength(TimelineKinds.MaxLength);
        e.Property(t => t.LabelName).HasMaxLength(LabelRules.MaxName);
        e.Property(t => t.LabelColor).HasMaxLength(6);
        e.Property(t => t.RenamedFrom).HasMaxLength(IssueRules.MaxTitle);
        e.Property(t => t.RenamedTo).HasMaxLength(IssueRules.MaxTitle);
        e.Property(t => t.CommitId).HasMaxLength(64);
        e.Property(t => t.StateReason).HasMaxLength(20);
        e.Property(t => t.Message).HasMaxLength(IssueRules.MaxBody);
        e.Property(t => t.EffectKey).HasMaxLength(200);
        e.HasOne<Repository>().WithMany().HasForeignKey(t => t.RepositoryId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(t => t.Issue).WithMany().HasForeignKey(t => t.IssueId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(t => t.SourceIssue).WithMany().HasForeignKey(t => t.SourceIssueId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(t => t.Actor).WithMany().HasForeignKey(t => t.ActorId).OnDelete(DeleteBehavior.SetNull);
        e.HasOne(t => t.SubjectUser).WithMany().HasForeignKey(t => t.SubjectUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

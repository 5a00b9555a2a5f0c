using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Issues;

public enum IssueState
{
    Open = 0,
    Closed = 1,
}

/// <summary>
/// An issue, or the issue half of a pull request (<see cref="IsPullRequest"/>): as on GitHub, a pull
/// request is an issue that shares the repository's number sequence, labels, assignees and comments;
/// the pull-request feature keeps its head/base/merge fields in a row of its own, 1:1 with this one.
/// </summary>
public sealed class Issue
{
    public long Id { get; set; }
    public long RepositoryId { get; set; }
    /// <summary>Per repository, from <see cref="Repository.LastIssueNumber"/>; never reused.</summary>
    public int Number { get; set; }
    public bool IsPullRequest { get; set; }
    public required string Title { get; set; }
    public string Body { get; set; } = "";
    public IssueState State { get; set; }
    /// <summary>GitHub's <c>state_reason</c>: completed, not_planned, reopened, or null.</summary>
    public string? StateReason { get; set; }
    public bool Locked { get; set; }
    /// <summary>GitHub's <c>active_lock_reason</c> (off-topic, too heated, resolved, spam) while locked with one; null otherwise.</summary>
    public string? ActiveLockReason { get; set; }
    public long AuthorId { get; set; }
    public User Author { get; set; } = null!;
    public DateTime? ClosedAt { get; set; }
    public long? ClosedById { get; set; }
    public User? ClosedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Kept with its comments (<see cref="Infrastructure.Data.Counts"/>): every list shows it.</summary>
    public int CommentCount { get; set; }

    /// <summary>A detached copy with its author and closer (every property is a value): for a row held across requests.</summary>
    internal Issue Copy()
    {
        var copy = (Issue)MemberwiseClone();
        copy.Author = Author?.Copy()!;
        copy.ClosedBy = ClosedBy?.Copy();
        return copy;
    }
}

public sealed class Label
{
    public long Id { get; set; }
    public long RepositoryId { get; set; }
    public required string Name { get; set; }
    /// <summary>Lower-cased <see cref="Name"/>: names are unique per repository regardless of case.</summary>
    public required string NormalizedName { get; set; }
    /// <summary>Six lower-case hex digits, no '#'.</summary>
    public required string Color { get; set; }
    public string Description { get; set; } = "";
    /// <summary>Created with the repository's default set (GitHub's <c>default</c> flag).</summary>
    public bool IsDefault { get; set; }
    public DateTime CreatedAt { get; set; }

    internal Label Copy() => (Label)MemberwiseClone();
}

public sealed class IssueLabel
{
    public long IssueId { get; set; }
    public long LabelId { get; set; }
    public Label Label { get; set; } = null!;
}

public sealed class IssueAssignee
{
    public long IssueId { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
}

public sealed class IssueComment : IListedComment
{
    public long Id { get; set; }
    public long IssueId { get; set; }
    public Issue Issue { get; set; } = null!;
    public long AuthorId { get; set; }
    public User Author { get; set; } = null!;
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// Open/closed tallies per repository, kept in step with every state change in the same
/// transaction, so counts cost one row read however many issues a repository has.
/// </summary>
public sealed class IssueCounts
{
    public long RepositoryId { get; set; }
    public int OpenIssues { get; set; }
    public int ClosedIssues { get; set; }
    public int OpenPullRequests { get; set; }
    public int ClosedPullRequests { get; set; }
}

internal sealed class IssueConfiguration : IEntityTypeConfiguration<Issue>, IEntityTypeConfiguration<Label>, IEntityTypeConfiguration<IssueLabel>,
    IEntityTypeConfiguration<IssueAssignee>, IEntityTypeConfiguration<IssueComment>, IEntityTypeConfiguration<IssueCounts>
{
    public void Configure(EntityTypeBuilder<Issue> e)
    {
        e.HasIndex(i => new { i.RepositoryId, i.Number }).IsUnique();
        // The list pages: newest first within (repository, issue-or-pull, state), or across states.
        e.HasIndex(i => new { i.RepositoryId, i.IsPullRequest, i.State, i.Number }).IsDescending(false, false, false, true);
        e.HasIndex(i => new { i.RepositoryId, i.IsPullRequest, i.Number }).IsDescending(false, false, true);
        e.HasIndex(i => new { i.AuthorId, i.RepositoryId });
        e.Property(i => i.Title).HasMaxLength(IssueRules.MaxTitle);
        e.Property(i => i.Body).HasMaxLength(IssueRules.MaxBody);
        e.Property(i => i.StateReason).HasMaxLength(20);
        e.Property(i => i.ActiveLockReason).HasMaxLength(20);
        // Counts move with the state; a concurrent state change makes the second writer retry.
        e.Property(i => i.State).IsConcurrencyToken();
        e.HasOne<Repository>().WithMany().HasForeignKey(i => i.RepositoryId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(i => i.Author).WithMany().HasForeignKey(i => i.AuthorId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(i => i.ClosedBy).WithMany().HasForeignKey(i => i.ClosedById).OnDelete(DeleteBehavior.SetNull);
    }

    public void Configure(EntityTypeBuilder<Label> e)
    {
        e.HasIndex(l => new { l.RepositoryId, l.NormalizedName }).IsUnique();
        e.Property(l => l.Name).HasMaxLength(LabelRules.MaxName);
        e.Property(l => l.NormalizedName).HasMaxLength(LabelRules.MaxName);
        e.Property(l => l.Color).HasMaxLength(6);
        e.Property(l => l.Description).HasMaxLength(LabelRules.MaxDescription);
        e.HasOne<Repository>().WithMany().HasForeignKey(l => l.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<IssueLabel> e)
    {
        e.HasKey(l => new { l.IssueId, l.LabelId });
        e.HasIndex(l => new { l.LabelId, l.IssueId });
        e.HasOne<Issue>().WithMany().HasForeignKey(l => l.IssueId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(l => l.Label).WithMany().HasForeignKey(l => l.LabelId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<IssueAssignee> e)
    {
        e.HasKey(a => new { a.IssueId, a.UserId });
        e.HasIndex(a => new { a.UserId, a.IssueId });
        e.HasOne<Issue>().WithMany().HasForeignKey(a => a.IssueId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(a => a.User).WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<IssueComment> e)
    {
        e.HasIndex(c => new { c.IssueId, c.Id });
        e.Property(c => c.Body).HasMaxLength(IssueRules.MaxBody);
        e.HasOne(c => c.Issue).WithMany().HasForeignKey(c => c.IssueId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(c => c.Author).WithMany().HasForeignKey(c => c.AuthorId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<IssueCounts> e)
    {
        e.HasKey(c => c.RepositoryId);
        e.HasOne<Repository>().WithMany().HasForeignKey(c => c.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }
}

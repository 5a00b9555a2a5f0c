using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.PullRequests;

/// <summary>
/// The pull-request half of an <see cref="Issue"/> row with <c>IsPullRequest</c>: number, title, body, state, labels,
/// assignees and comments live on the issue (as on GitHub, a pull request is an issue); this row holds what is
/// about branches and merging. The head's commits are kept in the base repository under <c>refs/pull/N/head</c>.
/// </summary>
public sealed class PullRequest
{
    public long Id { get; set; }
    public long IssueId { get; set; }
    public Issue Issue { get; set; } = null!;
    /// <summary>The base repository (the issue's repository), repeated here so pushes find their pull requests by index.</summary>
    public long RepositoryId { get; set; }
    /// <summary>Null once the head repository (a fork) has been deleted.</summary>
    public long? HeadRepositoryId { get; set; }
    public Repository? HeadRepository { get; set; }
    public required string HeadBranch { get; set; }
    public required string BaseBranch { get; set; }
    /// <summary>The head commit the pull request shows; what <c>refs/pull/N/head</c> holds in the base repository.</summary>
    public required string HeadOid { get; set; }
    /// <summary>The base branch's commit when last looked at: at creation, at each mergeability check, and at merge.</summary>
    public required string BaseOid { get; set; }
    public string? MergeBaseOid { get; set; }
    public bool IsDraft { get; set; }
    /// <summary>The head branch was deleted; the pull request stays as it was (nothing is closed silently).</summary>
    public bool HeadBranchDeleted { get; set; }

    /// <summary>Null while being computed (after the base or head moved).</summary>
    public bool? Mergeable { get; set; }
    /// <summary>Paths that conflict, newline-separated; empty unless <see cref="Mergeable"/> is false because of conflicts.</summary>
    public string ConflictingPaths { get; set; } = "";
    /// <summary>A mergeability check is owed. Durable, so a restart or another node picks up work a crash left behind.</summary>
    public bool MergeCheckPending { get; set; }
    /// <summary>Bumped each time a check is asked for; a check only stores its result if no newer one was asked for meanwhile.</summary>
    public int MergeCheckVersion { get; set; }

    public int CommitCount { get; set; }
    public int Additions { get; set; }
    public int Deletions { get; set; }
    public int ChangedFiles { get; set; }

    /// <summary>Set while a merge runs, so two merges of one pull request cannot both move the base.</summary>
    public DateTime? MergingSince { get; set; }
    public DateTime? MergedAt { get; set; }
    public long? MergedById { get; set; }
    public User? MergedBy { get; set; }
    public string? MergeCommitOid { get; set; }

    public bool IsMerged => MergedAt is not null;

    public IReadOnlyList<string> ConflictingPathList =>
        ConflictingPaths.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

public static class ReviewStates
{
    public const string Approved = "APPROVED";
    public const string ChangesRequested = "CHANGES_REQUESTED";
    public const string Commented = "COMMENTED";
    /// <summary>Started, not submitted: only its author sees it and its comments (GitHub's pending review).</summary>
    public const string Pending = "PENDING";
    /// <summary>An approval or request for changes a writer set aside: it stays in the conversation, and no longer counts as a verdict.</summary>
    public const string Dismissed = "DISMISSED";
}

/// <summary>A review: approve, request changes, or comment, on the head commit of the time; or one still pending, which only its author sees.</summary>
public sealed class PullRequestReview
{
    public long Id { get; set; }
    public long PullRequestId { get; set; }
    public long AuthorId { get; set; }
    public User Author { get; set; } = null!;
    /// <summary>One of <see cref="ReviewStates"/>.</summary>
    public required string State { get; set; }
    public string Body { get; set; } = "";
    public required string CommitOid { get; set; }
    /// <summary>When it was submitted; for a pending review, when it was started.</summary>
    public DateTime SubmittedAt { get; set; }

    public bool IsPending => State == ReviewStates.Pending;
}

/// <summary>A comment on one line of a file in the pull request's diff (GitHub's review comment).</summary>
public sealed class PullRequestReviewComment : IListedComment
{
    public long Id { get; set; }
    public long PullRequestId { get; set; }
    public long? ReviewId { get; set; }
    public long AuthorId { get; set; }
    public User Author { get; set; } = null!;
    public required string Body { get; set; }
    public required string Path { get; set; }
    public int Line { get; set; }
    /// <summary>"RIGHT" (the head's version of the file) or "LEFT" (the merge base's).</summary>
    public required string Side { get; set; }
    public required string CommitOid { get; set; }
    /// <summary>The hunk up to the commented line, as GitHub's <c>diff_hunk</c>.</summary>
    public string DiffHunk { get; set; } = "";
    public long? InReplyToId { get; set; }
    /// <summary>
    /// GitHub's diff position of the line when the comment was made: its index in the file's diff text, counted from the
    /// first <c>@@</c> line (<see cref="DiffPositions"/>). Null for comments made before positions were kept.
    /// </summary>
    public int? Position { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A user asked to review a pull request (GitHub's requested reviewer); cleared when they review it.</summary>
public sealed class ReviewRequest
{
    public long PullRequestId { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public DateTime CreatedAt { get; set; }
}

internal sealed class PullRequestConfiguration : IEntityTypeConfiguration<PullRequest>, IEntityTypeConfiguration<PullRequestReview>,
    IEntityTypeConfiguration<PullRequestReviewComment>, IEntityTypeConfiguration<ReviewRequest>
{
    public void Configure(EntityTypeBuilder<ReviewRequest> e)
    {
        e.HasKey(r => new { r.PullRequestId, r.UserId });
        e.HasIndex(r => r.UserId);
        e.HasOne<PullRequest>().WithMany().HasForeignKey(r => r.PullRequestId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(r => r.User).WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<PullRequest> e)
    {
        e.HasIndex(p => p.IssueId).IsUnique();
        // A push finds the pull requests whose base or head it moved.
        e.HasIndex(p => new { p.RepositoryId, p.BaseBranch });
        e.HasIndex(p => new { p.HeadRepositoryId, p.HeadBranch });
        e.HasIndex(p => p.MergeCheckPending);
        e.Property(p => p.HeadBranch).HasMaxLength(255);
        e.Property(p => p.BaseBranch).HasMaxLength(255);
        e.Property(p => p.HeadOid).HasMaxLength(40);
        e.Property(p => p.BaseOid).HasMaxLength(40);
        e.Property(p => p.MergeBaseOid).HasMaxLength(40);
        e.Property(p => p.MergeCommitOid).HasMaxLength(40);
        e.Ignore(p => p.IsMerged);
        e.Ignore(p => p.ConflictingPathList);
        e.HasOne(p => p.Issue).WithMany().HasForeignKey(p => p.IssueId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Repository>().WithMany().HasForeignKey(p => p.RepositoryId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(p => p.HeadRepository).WithMany().HasForeignKey(p => p.HeadRepositoryId).OnDelete(DeleteBehavior.SetNull);
        e.HasOne(p => p.MergedBy).WithMany().HasForeignKey(p => p.MergedById).OnDelete(DeleteBehavior.SetNull);
    }

    public void Configure(EntityTypeBuilder<PullRequestReview> e)
    {
        e.HasIndex(r => new { r.PullRequestId, r.Id });
        e.Property(r => r.State).HasMaxLength(20);
        e.Property(r => r.Body).HasMaxLength(IssueRules.MaxBody);
        e.Property(r => r.CommitOid).HasMaxLength(40);
        e.Ignore(r => r.IsPending);
        e.HasOne<PullRequest>().WithMany().HasForeignKey(r => r.PullRequestId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(r => r.Author).WithMany().HasForeignKey(r => r.AuthorId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<PullRequestReviewComment> e)
    {
        e.HasIndex(c => new { c.PullRequestId, c.Id });
        e.Property(c => c.Body).HasMaxLength(IssueRules.MaxBody);
        e.Property(c => c.Path).HasMaxLength(4096);
        e.Property(c => c.Side).HasMaxLength(5);
        e.Property(c => c.CommitOid).HasMaxLength(40);
        e.HasOne<PullRequest>().WithMany().HasForeignKey(c => c.PullRequestId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<PullRequestReview>().WithMany().HasForeignKey(c => c.ReviewId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(c => c.Author).WithMany().HasForeignKey(c => c.AuthorId).OnDelete(DeleteBehavior.Cascade);
    }
}

using Anvil.Git.Reading;
using Anvil.Server.Browsing;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;

namespace Anvil.Server.PullRequests;

public sealed record NewPullRequest(string? Title, string? Body, string? HeadBranch, string? BaseBranch, string? HeadOwner, string? HeadRepo,
    bool? IsDraft, IReadOnlyList<string>? Labels, IReadOnlyList<string>? Assignees);

/// <summary>A PATCH: null leaves a field alone.</summary>
public sealed record PullRequestChanges(string? Title = null, string? Body = null, string? State = null, string? BaseBranch = null, bool? IsDraft = null);

/// <param name="Strategy">merge, squash or rebase (default merge).</param>
/// <param name="Sha">When given, the head must still be this commit.</param>
public sealed record MergeRequest(string? Strategy, string? CommitTitle, string? CommitMessage, string? Sha);

public enum PullStateFilter
{
    Open,
    /// <summary>Closed without being merged (sigmagit's <c>closed</c>).</summary>
    ClosedUnmerged,
    /// <summary>Every closed one, merged or not (GitHub's <c>closed</c>).</summary>
    Closed,
    Merged,
    All,
}

/// <summary>A pull request with everything its views show. <see cref="HeadRepository"/> is null when gone or not visible to the caller.</summary>
/// <param name="Checks">The combined state of the check runs on the head commit.</param>
/// <param name="RequestedReviewers">Users asked to review who have not yet (see <see cref="ReviewRequests"/>).</param>
public sealed record PullRequestDetails(IssueDetails Details, PullRequest PullRequest, Repository? HeadRepository, Checks.CommitChecks Checks,
    IReadOnlyList<Users.User> RequestedReviewers)
{
    public Repository Repository => Details.Repository;
    public Issue Issue => Details.Issue;
}

public sealed record PullRequestPage(List<PullRequestDetails> Items, bool HasMore, int Total);

public sealed record PullRequestDiff(PullRequestDetails PullRequest, string FromOid, GitDiff Diff);

public sealed record PullRequestCommits(PullRequestDetails PullRequest, IReadOnlyList<GitCommit> Commits, bool HasMore, int Total, CommitUsers Users);

public sealed record MergeOutcome(PullRequestDetails PullRequest, string MergeCommitOid);

/// <param name="Position">GitHub's older way to name the line: its diff position (<see cref="Anvil.Git.Reading.DiffPositions"/>), instead of line and side.</param>
public sealed record NewReviewComment(string? Body, string? Path, int? Line, string? Side, string? CommitOid, long? InReplyTo, int? Position = null);

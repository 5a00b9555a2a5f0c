using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Issues;

public sealed record NewIssue(string? Title, string? Body, IReadOnlyList<string>? Labels, IReadOnlyList<string>? Assignees);

/// <summary>
/// A PATCH: null leaves a field alone. <see cref="Labels"/>/<see cref="Assignees"/> replace the set;
/// <see cref="AddLabels"/>/<see cref="RemoveLabels"/> (and <see cref="AddAssignees"/>/<see cref="RemoveAssignees"/>) change it
/// relative to what it is at commit time.
/// </summary>
public sealed record IssueChanges(
    string? Title = null, string? Body = null, string? State = null, string? StateReason = null,
    IReadOnlyList<string>? Labels = null, IReadOnlyList<string>? AddLabels = null, IReadOnlyList<string>? RemoveLabels = null,
    IReadOnlyList<string>? Assignees = null, bool? Locked = null,
    IReadOnlyList<string>? AddAssignees = null, IReadOnlyList<string>? RemoveAssignees = null, string? LockReason = null);

/// <summary>An issue with everything its views show.</summary>
public sealed record IssueDetails(Repository Repository, Issue Issue, IReadOnlyList<Label> Labels, IReadOnlyList<User> Assignees,
    int CommentCount, string AuthorAssociation);

public sealed record CommentDetails(Repository Repository, Issue Issue, IssueComment Comment, string AuthorAssociation);

/// <summary>Open and closed counts of a repository's issues and pull requests.</summary>
public sealed record IssueTally(int OpenIssues, int ClosedIssues, int OpenPullRequests, int ClosedPullRequests)
{
    public static readonly IssueTally Empty = new(0, 0, 0, 0);

    /// <summary>GitHub's <c>open_issues_count</c>: open issues and open pull requests together.</summary>
    public int OpenIssuesCount => OpenIssues + OpenPullRequests;
}

/// <summary>One page of issues. <see cref="Total"/> is null when counting it would cost a scan (filtered lists).</summary>
public sealed record IssuePage(RepositoryGrant Grant, List<IssueDetails> Items, bool HasMore, int? Total, IssueTally Tally);

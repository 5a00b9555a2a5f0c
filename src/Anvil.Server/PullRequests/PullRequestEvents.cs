using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.PullRequests;

// Published after commit (webhooks' `pull_request`/`pull_request_review`, notifications). Each carries the pull
// request as it is after the change, with its issue, author and repositories loaded.

public sealed record PullRequestOpened(Repository Repository, PullRequest PullRequest, User Actor) : IDomainEvent;

/// <summary>Title, body or base changed; the previous values (null: unchanged) are for webhook payloads' <c>changes</c>.</summary>
public sealed record PullRequestEdited(Repository Repository, PullRequest PullRequest, User Actor, string? PreviousTitle, string? PreviousBody,
    string? PreviousBaseBranch, string? PreviousBaseOid) : IDomainEvent;

/// <summary>Closed without merging.</summary>
public sealed record PullRequestClosed(Repository Repository, PullRequest PullRequest, User Actor) : IDomainEvent;

public sealed record PullRequestReopened(Repository Repository, PullRequest PullRequest, User Actor) : IDomainEvent;

/// <summary>The head branch moved (a push to it, in the base repository or in the fork).</summary>
public sealed record PullRequestSynchronized(Repository Repository, PullRequest PullRequest, User Actor, string BeforeOid, string AfterOid) : IDomainEvent;

/// <summary>Marked as draft, or ready for review.</summary>
public sealed record PullRequestDraftChanged(Repository Repository, PullRequest PullRequest, User Actor, bool IsDraft) : IDomainEvent;

/// <summary>Merged: the base branch now holds <see cref="PullRequest.MergeCommitOid"/>; the pull request is closed.</summary>
public sealed record PullRequestMerged(Repository Repository, PullRequest PullRequest, User Actor) : IDomainEvent;

public sealed record PullRequestReviewSubmitted(Repository Repository, PullRequest PullRequest, PullRequestReview Review, User Actor) : IDomainEvent;

public sealed record PullRequestReviewCommented(Repository Repository, PullRequest PullRequest, PullRequestReviewComment Comment, User Actor) : IDomainEvent;

/// <summary>A writer dismissed an approval or request for changes; <see cref="PreviousState"/> is the verdict it had.</summary>
public sealed record PullRequestReviewDismissed(Repository Repository, PullRequest PullRequest, PullRequestReview Review, User Actor,
    string PreviousState, string Message) : IDomainEvent;

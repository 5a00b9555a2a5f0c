using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Issues;

// Published after commit (webhooks' `issues`/`issue_comment`, notifications). Pull requests raise
// these too for the parts they share with issues; check Issue.IsPullRequest.

public sealed record IssueOpened(Repository Repository, Issue Issue, User Actor) : IDomainEvent;

/// <summary>Title or body changed; the previous values are given for webhook payloads' <c>changes</c>.</summary>
public sealed record IssueEdited(Repository Repository, Issue Issue, User Actor, string? PreviousTitle, string? PreviousBody) : IDomainEvent;

public sealed record IssueClosed(Repository Repository, Issue Issue, User Actor) : IDomainEvent;

public sealed record IssueReopened(Repository Repository, Issue Issue, User Actor) : IDomainEvent;

public sealed record IssueLockChanged(Repository Repository, Issue Issue, User Actor, bool Locked) : IDomainEvent;

public sealed record IssueLabelsChanged(Repository Repository, Issue Issue, User Actor, IReadOnlyList<Label> Added, IReadOnlyList<Label> Removed) : IDomainEvent;

public sealed record IssueAssigneesChanged(Repository Repository, Issue Issue, User Actor, IReadOnlyList<User> Added, IReadOnlyList<User> Removed) : IDomainEvent;

public sealed record IssueDeleted(Repository Repository, Issue Issue, User Actor) : IDomainEvent;

public sealed record IssueCommented(Repository Repository, Issue Issue, IssueComment Comment, User Actor) : IDomainEvent;

public sealed record IssueCommentEdited(Repository Repository, Issue Issue, IssueComment Comment, User Actor, string PreviousBody) : IDomainEvent;

public sealed record IssueCommentDeleted(Repository Repository, Issue Issue, IssueComment Comment, User Actor) : IDomainEvent;

using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;

namespace Anvil.Server.Checks;

// Published after commit (webhooks' `check_run`). As on GitHub, a run's actions are `created` and `completed`;
// moving from queued to in progress is not an event. Each carries the run as it is after the change, with its suite;
// the sender is the user who caused it (the API caller, or the user whose push or re-run queued an Actions job), when known.

public sealed record CheckRunCreated(long RepositoryId, CheckRun CheckRun, long? SenderId) : IDomainEvent;

public sealed record CheckRunCompleted(long RepositoryId, CheckRun CheckRun, long? SenderId) : IDomainEvent;

/// <summary>Someone asked an app's suite to run again (<c>POST …/check-suites/{id}/rerequest</c>): GitHub's <c>check_suite</c> <c>rerequested</c>.</summary>
public sealed record CheckSuiteRerequested(long RepositoryId, long SuiteId, long? SenderId) : IDomainEvent;

/// <summary>A commit status was posted (<c>POST …/statuses/{sha}</c>): GitHub's <c>status</c> event.</summary>
public sealed record CommitStatusCreated(long RepositoryId, long StatusId, long SenderId) : IDomainEvent;

using Anvil.Git;
using Anvil.Server.Infrastructure.Events;

namespace Anvil.Server.Repositories;

/// <summary>
/// A deleted repository's git directory goes once its rows are gone. Forks hold their own (hard-linked) objects, so
/// removing one directory cannot break another.
/// </summary>
public sealed class RepositoryGitCleanup(RepositoryStore store) : IDomainEventHandler<RepositoryDeleted>
{
    public Task HandleAsync(RepositoryDeleted evt, CancellationToken ct) => store.DeleteAsync(evt.OwnerId, evt.RepositoryId, CancellationToken.None);
}

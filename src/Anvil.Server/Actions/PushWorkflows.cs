using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;

namespace Anvil.Server.Actions;

/// <summary>Queues push workflows when a push lands.</summary>
public sealed class PushWorkflows(WorkflowService workflows) : IDomainEventHandler<RepositoryPushed>
{
    public Task HandleAsync(RepositoryPushed evt, CancellationToken ct) => workflows.OnPushAsync(evt.Repository, evt.Pusher, evt.Changes, ct);
}

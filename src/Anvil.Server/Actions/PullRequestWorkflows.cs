using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;

namespace Anvil.Server.Actions;

/// <summary>Queues <c>pull_request</c> workflows when a pull request opens, reopens or its head moves, as GitHub does.</summary>
public sealed class PullRequestWorkflows(WorkflowService workflows) :
    IDomainEventHandler<PullRequests.PullRequestOpened>, IDomainEventHandler<PullRequests.PullRequestReopened>,
    IDomainEventHandler<PullRequests.PullRequestSynchronized>
{
    public Task HandleAsync(PullRequests.PullRequestOpened evt, CancellationToken ct) => QueueAsync(evt.Repository, evt.PullRequest, evt.Actor, ct);

    public Task HandleAsync(PullRequests.PullRequestReopened evt, CancellationToken ct) => QueueAsync(evt.Repository, evt.PullRequest, evt.Actor, ct);

    public Task HandleAsync(PullRequests.PullRequestSynchronized evt, CancellationToken ct) => QueueAsync(evt.Repository, evt.PullRequest, evt.Actor, ct);

    private Task QueueAsync(Repository repo, PullRequests.PullRequest pr, Users.User actor, CancellationToken ct) =>
        workflows.OnPullRequestAsync(repo, pr.Issue.Number, pr.HeadOid, pr.BaseBranch, actor.Id, ct);
}

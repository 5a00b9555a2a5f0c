using Anvil.Server.Infrastructure.Events;

namespace Anvil.Server.PullRequests;

/// <summary>A pull request's issue row closed or reopened, by the pulls routes or the issues routes alike, becomes a pull-request event.</summary>
public sealed class PullRequestStateFollower(PullRequestService pulls) : IDomainEventHandler<Issues.IssueClosed>, IDomainEventHandler<Issues.IssueReopened>
{
    public Task HandleAsync(Issues.IssueClosed evt, CancellationToken ct) =>
        evt.Issue.IsPullRequest ? pulls.OnStateChangedAsync(evt.Repository, evt.Issue.Id, evt.Actor, ct) : Task.CompletedTask;

    public Task HandleAsync(Issues.IssueReopened evt, CancellationToken ct) =>
        evt.Issue.IsPullRequest ? pulls.OnStateChangedAsync(evt.Repository, evt.Issue.Id, evt.Actor, ct) : Task.CompletedTask;
}

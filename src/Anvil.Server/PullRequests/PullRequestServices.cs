using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;
using Anvil.Server.Webhooks;

namespace Anvil.Server.PullRequests;

public static class PullRequestServices
{
    /// <summary>Pull requests: the service, the mergeability queue and worker, and the subscribers of their events.</summary>
    public static IServiceCollection AddPullRequests(this IServiceCollection services)
    {
        services.AddScoped<PullRequestService>();
        services.AddSingleton<MergeabilitySignal>();
        services.AddScoped<MergeabilityQueue>();
        services.AddScoped<MergeabilityChecker>();
        services.AddHostedService<MergeabilityWorker>();
        services.AddScoped<IDomainEventHandler<RepositoryPushed>, PullRequestPushHandler>();
        services.AddScoped<IDomainEventHandler<Issues.IssueClosed>, PullRequestStateFollower>();
        services.AddScoped<IDomainEventHandler<Issues.IssueReopened>, PullRequestStateFollower>();

        services.AddScoped<PullRequestEventHooks>();
        services.AddScoped<PullRequestNotifications>();
        AddHandler<PullRequestOpened>(services, true, true);
        AddHandler<PullRequestEdited>(services, true, false);
        AddHandler<PullRequestClosed>(services, true, true);
        AddHandler<PullRequestReopened>(services, true, true);
        AddHandler<PullRequestSynchronized>(services, true, false);
        AddHandler<PullRequestDraftChanged>(services, true, false);
        AddHandler<PullRequestMerged>(services, true, true);
        AddHandler<PullRequestReviewSubmitted>(services, true, true);
        AddHandler<PullRequestReviewCommented>(services, true, true);
        return services;
    }

    private static void AddHandler<TEvent>(IServiceCollection services, bool webhooks, bool notifications)
    {
        if (webhooks)
        {
            services.AddScoped<IDomainEventHandler<TEvent>>(sp => (IDomainEventHandler<TEvent>)(object)sp.GetRequiredService<PullRequestEventHooks>());
        }
        if (notifications)
        {
            services.AddScoped<IDomainEventHandler<TEvent>>(sp => (IDomainEventHandler<TEvent>)(object)sp.GetRequiredService<PullRequestNotifications>());
        }
    }
}

/// <summary>A pull request's issue row closed or reopened, by the pulls routes or the issues routes alike, becomes a pull-request event.</summary>
public sealed class PullRequestStateFollower(PullRequestService pulls) : IDomainEventHandler<Issues.IssueClosed>, IDomainEventHandler<Issues.IssueReopened>
{
    public Task HandleAsync(Issues.IssueClosed evt, CancellationToken ct) =>
        evt.Issue.IsPullRequest ? pulls.OnStateChangedAsync(evt.Repository, evt.Issue.Id, evt.Actor, ct) : Task.CompletedTask;

    public Task HandleAsync(Issues.IssueReopened evt, CancellationToken ct) =>
        evt.Issue.IsPullRequest ? pulls.OnStateChangedAsync(evt.Repository, evt.Issue.Id, evt.Actor, ct) : Task.CompletedTask;
}

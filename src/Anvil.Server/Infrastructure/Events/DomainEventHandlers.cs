using Anvil.Server.Actions;
using Anvil.Server.Issues;
using Anvil.Server.Notifications;
using Anvil.Server.PullRequests;
using Anvil.Server.Repositories;
using Anvil.Server.Webhooks;

namespace Anvil.Server.Infrastructure.Events;

/// <summary>Every subscriber to domain events, registered here and nowhere else.</summary>
public static class DomainEventHandlers
{
    /// <summary>
    /// Registers each handler once (scoped) for every event it handles. An event's handlers run in the order listed:
    /// cleanup and notifications, Actions, webhooks, then the pull requests that follow pushes and issue state.
    /// </summary>
    public static IServiceCollection AddDomainEventHandlers(this IServiceCollection services) => services
        .AddHandler<RepositoryGitCleanup>()
        .AddHandler<TimelineRecorder>()
        .AddHandler<IssueNotifications>()
        .AddHandler<ForkDeletionNotifications>()
        .AddHandler<ActionsBlobCleanup>()
        .AddHandler<PushWorkflows>()
        .AddHandler<PullRequestWorkflows>()
        .AddHandler<PushWebhooks>()
        .AddHandler<StarWebhooks>()
        .AddHandler<ForkWebhooks>()
        .AddHandler<MemberWebhooks>()
        .AddHandler<CheckRunEventHooks>()
        .AddHandler<CheckSuiteEventHooks>()
        .AddHandler<StatusWebhooks>()
        .AddHandler<IssueWebhooks>()
        .AddHandler<IssueCommentWebhooks>()
        .AddHandler<DefaultLabelsForNewRepositories>()
        .AddHandler<PullRequestPushHandler>()
        .AddHandler<PullRequestStateFollower>()
        .AddHandler<PullRequestEventHooks>()
        .AddHandler<PullRequestNotifications>();

    /// <summary>The event types <paramref name="handler"/> subscribes to.</summary>
    public static IEnumerable<Type> EventsOf(Type handler) => handler.GetInterfaces()
        .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDomainEventHandler<>))
        .Select(i => i.GetGenericArguments()[0]);

    private static IServiceCollection AddHandler<THandler>(this IServiceCollection services) where THandler : class
    {
        services.AddScoped<THandler>();
        foreach (var evt in EventsOf(typeof(THandler)))
        {
            services.AddScoped(typeof(IDomainEventHandler<>).MakeGenericType(evt), sp => sp.GetRequiredService<THandler>());
        }
        return services;
    }
}

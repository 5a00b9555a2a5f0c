using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;
using Anvil.Server.Webhooks;

namespace Anvil.Server.PullRequests;

public static class PullRequestServices
{
    /// <summary>Pull requests: the service, the merger, reviews, and the mergeability queue and worker (their event handlers are wired in AddDomainEventHandlers).</summary>
    public static IServiceCollection AddPullRequests(this IServiceCollection services)
    {
        services.AddScoped<PullRequestService>();
        services.AddScoped<PullRequestMerger>();
        services.AddScoped<PullRequestReviews>();
        services.AddScoped<ReviewRequests>();
        services.AddSingleton<MergeabilitySignal>();
        services.AddScoped<MergeabilityQueue>();
        services.AddScoped<MergeabilityChecker>();
        services.AddHostedService<MergeabilityWorker>();
        return services;
    }
}

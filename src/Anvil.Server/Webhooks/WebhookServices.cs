using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;

namespace Anvil.Server.Webhooks;

public static class WebhookServices
{
    /// <summary>Webhooks: the queue and its worker, and one handler per event source.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookWorker>();
        services.AddScoped<WebhookQueue>();
        services.AddScoped<WebhookPayloads>();
        services.AddScoped<WebhookService>();
        services.AddScoped<IDomainEventHandler<RepositoryPushed>, PushWebhooks>();
        services.AddScoped<IDomainEventHandler<RepositoryStarred>, StarWebhooks>();
        services.AddScoped<IDomainEventHandler<RepositoryForked>, ForkWebhooks>();
        services.AddScoped<IDomainEventHandler<CollaboratorRemoved>, MemberWebhooks>();
        services.AddScoped<IDomainEventHandler<Checks.CheckRunCreated>, CheckRunEventHooks>();
        services.AddScoped<IDomainEventHandler<Checks.CheckRunCompleted>, CheckRunEventHooks>();
        IssueWebhooks.Register(services);
        return services;
    }
}

using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;

namespace Anvil.Server.Webhooks;

public static class WebhookServices
{
    /// <summary>Webhooks: the queue and its worker, and payloads (the handlers are wired in AddDomainEventHandlers).</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookWorker>();
        services.AddScoped<WebhookQueue>();
        services.AddScoped<WebhookPayloads>();
        services.AddScoped<WebhookService>();
        return services;
    }
}

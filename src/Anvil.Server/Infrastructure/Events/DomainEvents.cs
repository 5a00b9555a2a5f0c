namespace Anvil.Server.Infrastructure.Events;

/// <summary>Reacts to something that happened (a push, a new issue…): webhooks, Actions, notifications subscribe here.</summary>
public interface IDomainEventHandler<in TEvent>
{
    Task HandleAsync(TEvent evt, CancellationToken ct);
}

/// <summary>
/// Hands an event to every registered handler, in the caller's scope, after the change is committed.
/// Handlers must be quick (enqueue durable work, don't do it): the request waits for them.
/// </summary>
public sealed class DomainEvents(IServiceProvider services, ILogger<DomainEvents> log)
{
    public async Task PublishAsync<TEvent>(TEvent evt, CancellationToken ct)
    {
        foreach (var handler in services.GetServices<IDomainEventHandler<TEvent>>())
        {
            try
            {
                await handler.HandleAsync(evt, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The change already happened; one failing subscriber must not turn it into an error.
                log.LogError(e, "{Handler} failed on {Event}", handler.GetType().Name, typeof(TEvent).Name);
            }
        }
    }
}

using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore.Storage;

namespace Anvil.Server.Infrastructure.Events;

/// <summary>Reacts to something that happened (a push, a new issue…): webhooks, Actions, notifications subscribe here.</summary>
public interface IDomainEventHandler<in TEvent>
{
    Task HandleAsync(TEvent evt, CancellationToken ct);
}

/// <summary>
/// Hands an event to every registered handler, in the caller's scope, after the change is committed: an event
/// raised while the scope's transaction is open waits for <see cref="CommitAsync"/>, and one whose transaction
/// rolls back is never delivered (a webhook must not announce what did not happen).
/// Handlers must be quick (enqueue durable work, don't do it): the request waits for them.
/// </summary>
public sealed class DomainEvents(IServiceProvider services, ILogger<DomainEvents> log)
{
    private readonly List<(IDbContextTransaction Transaction, Func<CancellationToken, Task> Deliver)> _held = [];

    public Task PublishAsync<TEvent>(TEvent evt, CancellationToken ct)
    {
        if (services.GetRequiredService<AnvilDbContext>().Database.CurrentTransaction is { } open)
        {
            _held.Add((open, c => DeliverAsync(evt, c)));
            return Task.CompletedTask;
        }
        return DeliverAsync(evt, ct);
    }

    /// <summary>
    /// Commits <paramref name="transaction"/>, then delivers the events raised while it was open. Every transaction
    /// commits here, so an event raised inside one can never be held and forgotten.
    /// </summary>
    public async Task CommitAsync(IDbContextTransaction transaction, CancellationToken ct)
    {
        await transaction.CommitAsync(ct);
        var released = _held.Where(h => h.Transaction == transaction).Select(h => h.Deliver).ToList();
        _held.RemoveAll(h => h.Transaction == transaction);
        foreach (var deliver in released)
        {
            await deliver(ct);
        }
    }

    private async Task DeliverAsync<TEvent>(TEvent evt, CancellationToken ct)
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

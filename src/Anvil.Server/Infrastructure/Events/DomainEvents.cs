using System.Reflection;
using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Anvil.Server.Infrastructure.Events;

/// <summary>
/// Something that happened, published through <see cref="DomainEvents"/> and delivered by its runtime type to every
/// <see cref="IDomainEventHandler{TEvent}"/> of that type (all registered in <c>AddDomainEventHandlers</c>).
/// </summary>
public interface IDomainEvent;

/// <summary>Reacts to something that happened (a push, a new issue…): webhooks, Actions, notifications subscribe here.</summary>
public interface IDomainEventHandler<in TEvent> where TEvent : IDomainEvent
{
    Task HandleAsync(TEvent evt, CancellationToken ct);
}

/// <summary>
/// Hands an event to every registered handler, in the caller's scope, after the change is committed. An event raised
/// while the scope's transaction is open is written to the outbox (<see cref="OutboxEvent"/>) in that transaction, at
/// <see cref="CommitAsync"/>, and dispatched after it: a change that commits never loses its webhooks, notifications or
/// runs, even if the process dies before the dispatch (<see cref="OutboxWorker"/> picks those up), and one whose
/// transaction rolls back is never delivered (a webhook must not announce what did not happen).
/// Handlers must be quick (enqueue durable work, don't do it): the request waits for them. Their durable work takes its
/// keys from <see cref="NextEffectKey"/>, so that dispatching an event again after a crash does it only once.
/// </summary>
public sealed class DomainEvents(IServiceProvider services, AnvilOptions options, TimeProvider clock, ILogger<DomainEvents> log)
{
    private readonly List<Held> _held = [];
    private readonly Stack<Dispatch> _dispatching = new();

    private sealed record Held(IDbContextTransaction Transaction, IDomainEvent Event, OutboxEvent? Row);

    /// <summary>The handler now running for an event from the outbox, and how many keys it has taken.</summary>
    private sealed class Dispatch(long outboxId, bool replay)
    {
        public long OutboxId { get; } = outboxId;
        public bool Replay { get; } = replay;
        public string Handler { get; set; } = "";
        public int Taken { get; set; }
    }

    private AnvilDbContext Db => services.GetRequiredService<AnvilDbContext>();

    public async Task PublishAsync(IDomainEvent evt, CancellationToken ct)
    {
        var row = ToOutbox(evt);
        if (Db.Database.CurrentTransaction is { } open)
        {
            _held.Add(new Held(open, evt, row));
            return;
        }
        // No transaction: the change is already committed by itself, so the event is recorded as soon as it can be.
        if (row is not null)
        {
            await InsertAsync(row, ct);
        }
        await DispatchAsync(evt, row, ct);
    }

    /// <summary>
    /// Writes the events raised while <paramref name="transaction"/> was open to the outbox, commits, then dispatches
    /// them. Every transaction commits here, so an event raised inside one can never be held and forgotten.
    /// </summary>
    public async Task CommitAsync(IDbContextTransaction transaction, CancellationToken ct)
    {
        var released = _held.Where(h => h.Transaction == transaction).ToList();
        _held.RemoveAll(h => h.Transaction == transaction);
        foreach (var row in released.Select(h => h.Row).OfType<OutboxEvent>())
        {
            await InsertAsync(row, ct);
        }
        await transaction.CommitAsync(ct);
        // Committed: the dispatch is no longer the caller's to cancel (it would only leave the work to the outbox worker).
        foreach (var held in released)
        {
            CrashHereIfTestAsks(held.Event);
            await DispatchAsync(held.Event, held.Row, CancellationToken.None);
        }
    }

    /// <summary>Dispatches an event read back from the outbox (its raiser never did): handlers skip what they already did.</summary>
    internal async Task ReplayAsync(IDomainEvent evt, long outboxId, CancellationToken ct)
    {
        await DeliverAsync(evt, new Dispatch(outboxId, replay: true), ct);
        await MarkDispatchedAsync(outboxId, ct);
    }

    /// <summary>
    /// A key for one piece of durable work the running handler does (a delivery row, a notification), the same each
    /// time the same event is dispatched; null when no outbox event is being dispatched.
    /// </summary>
    public string? NextEffectKey()
    {
        if (!_dispatching.TryPeek(out var current))
        {
            return null;
        }
        return $"{current.OutboxId}:{current.Handler}:{current.Taken++}";
    }

    /// <summary>Whether the running handler may have run for this event before (a dispatch after a crash).</summary>
    public bool Replaying => _dispatching.TryPeek(out var current) && current.Replay;

    private OutboxEvent? ToOutbox(IDomainEvent evt)
    {
        string payload;
        try
        {
            payload = OutboxSerializer.Serialize(evt);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or System.Text.Json.JsonException)
        {
            // Still dispatched in this process; only the crash-safety is lost, so say so loudly.
            log.LogError(e, "{Event} cannot be written to the outbox", evt.GetType().Name);
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        return new OutboxEvent { Type = OutboxSerializer.TypeName(evt.GetType()), Payload = payload, CreatedAt = now, ClaimedUntil = now + options.OutboxLease };
    }

    /// <summary>
    /// Writes the row in the open transaction (if any) by itself: saving it through the change tracker would also flush
    /// whatever else the caller has tracked, which is the caller's to save or not.
    /// </summary>
    private async Task InsertAsync(OutboxEvent row, CancellationToken ct)
    {
        var ids = await Db.Database.SqlQuery<long>($"""
            INSERT INTO "OutboxEvents" ("Type", "Payload", "CreatedAt", "ClaimedUntil", "Attempts")
            VALUES ({row.Type}, {row.Payload}, {row.CreatedAt}, {row.ClaimedUntil}, 0) RETURNING "Id" AS "Value"
            """).ToListAsync(ct);
        row.Id = ids[0];
    }

    private async Task DispatchAsync(IDomainEvent evt, OutboxEvent? row, CancellationToken ct)
    {
        await DeliverAsync(evt, row is null ? null : new Dispatch(row.Id, replay: false), ct);
        if (row is not null)
        {
            await MarkDispatchedAsync(row.Id, ct);
        }
    }

    private Task MarkDispatchedAsync(long outboxId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return Db.Set<OutboxEvent>().Where(o => o.Id == outboxId)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.DispatchedAt, now), CancellationToken.None);
    }

    private void CrashHereIfTestAsks(IDomainEvent evt)
    {
        if (options.TestCrashAfterCommit is { } name && name == evt.GetType().Name)
        {
            log.LogCritical("ANVIL_TEST_CRASH_AFTER_COMMIT: killing the process after committing {Event}", name);
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }
    }

    private static readonly MethodInfo DeliverTyped = typeof(DomainEvents).GetMethod(nameof(DeliverTypedAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private Task DeliverAsync(IDomainEvent evt, Dispatch? dispatch, CancellationToken ct) =>
        (Task)DeliverTyped.MakeGenericMethod(evt.GetType()).Invoke(this, [evt, dispatch, ct])!;

    private async Task DeliverTypedAsync<TEvent>(TEvent evt, Dispatch? dispatch, CancellationToken ct) where TEvent : IDomainEvent
    {
        foreach (var handler in services.GetServices<IDomainEventHandler<TEvent>>())
        {
            if (dispatch is not null)
            {
                dispatch.Handler = handler.GetType().Name;
                dispatch.Taken = 0;
                _dispatching.Push(dispatch);
            }
            try
            {
                await handler.HandleAsync(evt, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The change already happened; one failing subscriber must not turn it into an error.
                log.LogError(e, "{Handler} failed on {Event}", handler.GetType().Name, typeof(TEvent).Name);
            }
            finally
            {
                if (dispatch is not null)
                {
                    _dispatching.Pop();
                }
            }
        }
    }
}

using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Anvil.Server.Cluster;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Anvil.Server.Infrastructure.Caching;

/// <summary>
/// A reading that moves whenever something a response could show has changed: a database write committed here,
/// refs this node moved, or either of those on another node (heard over the cluster bus). Cached responses are
/// filed under the reading taken before they were computed, so one change puts every older entry out of reach,
/// and a response computed while a change was committing is never served after it.
/// </summary>
/// <remarks>
/// One clock for everything rather than one per repository: a write path that forgot to name what it touched would
/// serve stale data, and a global reading cannot be forgotten. Writes are rare next to reads on a forge.
/// </remarks>
public sealed class ChangeClock : IDisposable
{
    private const string Channel = "changes";
    private readonly IClusterBus _bus;
    private readonly ILogger<ChangeClock> _log;
    private readonly IDisposable _subscription;
    private long _reading;

    public ChangeClock(IClusterBus bus, ILogger<ChangeClock> log)
    {
        _bus = bus;
        _log = log;
        // This node's own publications come back here too (the in-process bus delivers locally): one more tick, harmless.
        _subscription = bus.Subscribe(Channel, _ =>
        {
            Interlocked.Increment(ref _reading);
            return Task.CompletedTask;
        });
    }

    public long Reading => Volatile.Read(ref _reading);

    /// <summary>Call once a change is visible to other readers (committed, ref moved).</summary>
    public void Tick()
    {
        // Here first, before anything can await: the writer's own next request must not see the old entry.
        Interlocked.Increment(ref _reading);
        _ = TellOtherNodesAsync();
    }

    private async Task TellOtherNodesAsync()
    {
        try
        {
            await _bus.PublishAsync(Channel, Reading.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e)
        {
            // Other nodes' entries then age out with their expiry.
            _log.LogWarning(e, "could not tell other nodes of a change");
        }
    }

    public void Dispose() => _subscription.Dispose();
}

/// <summary>
/// Ticks the <see cref="ChangeClock"/> after every database write becomes visible: a statement outside a transaction
/// once it has run (and, for one that returns rows, once its reader is done — SQLite commits an implicit transaction
/// when the statement is reset), a transaction that wrote once it commits. Reads, and statements that changed no rows,
/// never tick, so the cache stays warm.
/// </summary>
internal sealed class ChangeClockInterceptor(ChangeClock clock) : DbCommandInterceptor, IDbTransactionInterceptor
{
    private static readonly ConditionalWeakTable<DbTransaction, object> WroteIn = new();
    private static readonly object Marker = new();

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        NoteWrite(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken ct = default)
    {
        NoteWrite(command);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        TickIfCommitted(command, result);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken ct = default)
    {
        TickIfCommitted(command, result);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        NoteWrite(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken ct = default)
    {
        NoteWrite(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        TickIfCommitted(command, eventData.RecordsAffected);
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        NoteWrite(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken ct = default)
    {
        NoteWrite(command);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        TickIfCommitted(command, RowsUnknown);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken ct = default)
    {
        TickIfCommitted(command, RowsUnknown);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (WroteIn.TryGetValue(transaction, out _))
        {
            clock.Tick();
        }
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    private static void NoteWrite(DbCommand command)
    {
        if (command.Transaction is { } tx && IsWrite(command))
        {
            WroteIn.AddOrUpdate(tx, Marker);
        }
    }

    private const int RowsUnknown = -1;

    /// <summary>A statement that changed no rows (a periodic sweep finding nothing) changed nothing a reader could see.</summary>
    private void TickIfCommitted(DbCommand command, int rowsAffected)
    {
        if (command.Transaction is null && rowsAffected != 0 && IsWrite(command))
        {
            clock.Tick();
        }
    }

    /// <summary>Anything but a plain query counts as a write: a needless tick costs a cache miss, a missed one stale data.</summary>
    private static bool IsWrite(DbCommand command) =>
        !command.CommandText.AsSpan().TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);
}

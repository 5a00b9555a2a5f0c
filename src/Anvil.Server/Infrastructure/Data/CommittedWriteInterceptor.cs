using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Anvil.Server.Infrastructure.Data;

/// <summary>
/// Calls <see cref="Committed"/> once a write it <see cref="Concerns"/> becomes visible to other readers: a statement
/// outside a transaction once it has run (and, for one that returns rows, once its reader is done — SQLite commits an
/// implicit transaction when the statement is reset), a transaction that made such a write once it commits. Reads, and
/// statements that changed no rows, never count.
/// </summary>
internal abstract class CommittedWriteInterceptor : DbCommandInterceptor, IDbTransactionInterceptor
{
    // One table per subclass: each notes its own kind of write in a transaction.
    private readonly ConditionalWeakTable<DbTransaction, object> _wroteIn = new();
    private static readonly object Marker = new();
    private const int RowsUnknown = -1;

    /// <summary>Whether <paramref name="command"/> (not a plain query) is a write this interceptor reports.</summary>
    protected abstract bool Concerns(DbCommand command);

    /// <summary>A write it concerns is now visible (committed).</summary>
    protected abstract void Committed();

    // Every way EF runs a command: before it, note a write inside a transaction; after it, report a write outside one.
    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        Noted(command, result);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken ct = default) => ValueTask.FromResult(Noted(command, result));

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result) => Reported(command, result, result);

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken ct = default) =>
        ValueTask.FromResult(Reported(command, result, result));

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Noted(command, result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken ct = default) => ValueTask.FromResult(Noted(command, result));

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result) =>
        Reported(command, eventData.RecordsAffected, result);

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        Noted(command, result);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken ct = default) => ValueTask.FromResult(Noted(command, result));

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result) =>
        Reported(command, RowsUnknown, result);

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken ct = default) =>
        ValueTask.FromResult(Reported(command, RowsUnknown, result));

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (_wroteIn.TryGetValue(transaction, out _))
        {
            Committed();
        }
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    private T Noted<T>(DbCommand command, T result)
    {
        NoteWrite(command);
        return result;
    }

    private T Reported<T>(DbCommand command, int rowsAffected, T result)
    {
        ReportIfCommitted(command, rowsAffected);
        return result;
    }

    private void NoteWrite(DbCommand command)
    {
        if (command.Transaction is { } tx && IsWrite(command) && Concerns(command))
        {
            _wroteIn.AddOrUpdate(tx, Marker);
        }
    }

    /// <summary>A statement that changed no rows (a periodic sweep finding nothing) changed nothing a reader could see.</summary>
    private void ReportIfCommitted(DbCommand command, int rowsAffected)
    {
        if (command.Transaction is null && rowsAffected != 0 && IsWrite(command) && Concerns(command))
        {
            Committed();
        }
    }

    /// <summary>
    /// Runs <paramref name="tell"/> (telling the other nodes of a committed change) before the response of the request that
    /// made it starts, once per request and <paramref name="told"/> marker, so the writer learns it is done only once every
    /// node knows; outside a request, or once its response has started, at once without waiting.
    /// </summary>
    protected static void TellBeforeTheResponse(IHttpContextAccessor http, object told, Func<Task> tell)
    {
        if (http.HttpContext is { } ctx && !ctx.Response.HasStarted)
        {
            if (ctx.Items.TryAdd(told, told))
            {
                ctx.Response.OnStarting(tell);
            }
            return;
        }
        _ = tell();
    }

    /// <summary>Anything but a plain query counts as a write: a needless report costs a cache miss, a missed one stale data.</summary>
    private static bool IsWrite(DbCommand command) =>
        !command.CommandText.AsSpan().TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);
}

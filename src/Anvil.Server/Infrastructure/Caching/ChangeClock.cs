using System.Data.Common;
using System.Globalization;
using Anvil.Server.Cluster;
using Anvil.Server.Infrastructure.Data;

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
        TickHere();
        _ = TellOtherNodesAsync();
    }

    /// <summary>Moves this node's reading only; the caller tells the other nodes (<see cref="TellOtherNodesAsync"/>).</summary>
    public void TickHere() =>
        // Here first, before anything can await: the writer's own next request must not see the old entry.
        Interlocked.Increment(ref _reading);

    /// <summary>Tells every other node that something changed; a failure leaves their entries to age out.</summary>
    public async Task TellOtherNodesAsync()
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
/// Ticks the <see cref="ChangeClock"/> after every database write becomes visible (see <see cref="CommittedWriteInterceptor"/>).
/// Reads, and statements that changed no rows, never tick, so the caches stay warm. Inside a request the other nodes are
/// told before its response starts, so whoever made a change (a repository made private, say) learns it is done only
/// once no node serves the old rows from <see cref="RecentReads"/>; a write outside a request tells them without waiting.
/// </summary>
internal sealed class ChangeClockInterceptor(ChangeClock clock, IHttpContextAccessor http) : CommittedWriteInterceptor
{
    private static readonly object Told = new();

    protected override bool Concerns(DbCommand command) => true;

    protected override void Committed()
    {
        clock.TickHere();
        TellBeforeTheResponse(http, Told, clock.TellOtherNodesAsync);
    }
}

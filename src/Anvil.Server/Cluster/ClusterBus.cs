using System.Collections.Immutable;

namespace Anvil.Server.Cluster;

/// <summary>
/// Best-effort messages to every Anvil node, this one included (WebSocket fan-out, cache
/// invalidation). Each subscriber sees each message once; nothing is stored, so a node that is
/// down or cut off from Redis misses what was published meanwhile.
/// </summary>
public interface IClusterBus
{
    /// <summary>Delivers to this node's subscribers (before returning) and to every other node's.</summary>
    Task PublishAsync(string channel, string message);

    /// <summary>Calls <paramref name="handler"/> for each message on <paramref name="channel"/> until the result is disposed.</summary>
    IDisposable Subscribe(string channel, Func<string, Task> handler);
}

/// <summary>
/// This node's subscribers. On its own it is the whole bus of a single-node install; the Redis
/// bus uses it for local delivery.
/// </summary>
public sealed class InProcessClusterBus(ILogger<InProcessClusterBus> log) : IClusterBus
{
    private ImmutableDictionary<string, ImmutableList<Func<string, Task>>> _handlers =
        ImmutableDictionary<string, ImmutableList<Func<string, Task>>>.Empty.WithComparers(StringComparer.Ordinal);

    public Task PublishAsync(string channel, string message) => DeliverAsync(channel, message);

    public IDisposable Subscribe(string channel, Func<string, Task> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ImmutableInterlocked.AddOrUpdate(ref _handlers, channel, [handler], (_, list) => list.Add(handler));
        return new Subscription(() => ImmutableInterlocked.AddOrUpdate(ref _handlers, channel, [], (_, list) => list.Remove(handler)));
    }

    /// <summary>Runs this node's handlers in turn; one failing handler does not keep the message from the others.</summary>
    public async Task DeliverAsync(string channel, string message)
    {
        if (!_handlers.TryGetValue(channel, out var handlers))
        {
            return;
        }
        foreach (var handler in handlers)
        {
            try
            {
                await handler(message);
            }
            catch (Exception e)
            {
                log.LogError(e, "cluster bus handler for {Channel} failed", channel);
            }
        }
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                unsubscribe();
            }
        }
    }
}

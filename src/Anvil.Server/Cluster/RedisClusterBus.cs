using StackExchange.Redis;

namespace Anvil.Server.Cluster;

/// <summary>
/// The cluster bus over Redis pub/sub. All logical channels share one Redis channel, so one
/// subscription (which StackExchange.Redis restores after a reconnect) serves them all.
/// A message is delivered to this node's subscribers directly, then published with this node's
/// id; each node ignores its own echo, so local subscribers see a message exactly once and
/// still get it while Redis is down.
/// </summary>
public sealed class RedisClusterBus(RedisConnection redis, InProcessClusterBus local, ILogger<RedisClusterBus> log)
    : IClusterBus, IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("anvil:bus");
    private static readonly TimeSpan SubscribeRetry = TimeSpan.FromSeconds(1);
    private readonly string _nodeId = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _stopping = new();
    private ChannelMessageQueue? _queue;

    /// <summary>The logical channel of this node's own probes (<see cref="HearsItselfAsync"/>), never delivered.</summary>
    private const string ProbeChannel = "anvil.bus.probe";
    private static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(2);
    private volatile Probe? _probe;
    private int _checking;

    public async Task PublishAsync(string channel, string message)
    {
        ValidateChannel(channel);
        await local.DeliverAsync(channel, message);
        try
        {
            await redis.Multiplexer.GetSubscriber().PublishAsync(Channel, $"{_nodeId}\n{channel}\n{message}");
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            redis.Warn(e, "Redis unavailable; cluster bus message reached this node only");
        }
    }

    public IDisposable Subscribe(string channel, Func<string, Task> handler)
    {
        ValidateChannel(channel);
        return local.Subscribe(channel, handler);
    }

    /// <summary>Subscribes before the node serves, so nothing published after start-up is missed; retries in the background if Redis is down.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.Multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                _ = Task.Run(KeepSubscribedAsync);
            }
        };
        if (!await TrySubscribeAsync())
        {
            _ = Task.Run(RetrySubscribeAsync);
        }
    }

    private async Task RetrySubscribeAsync()
    {
        try
        {
            do
            {
                await Task.Delay(SubscribeRetry, _stopping.Token);
            }
            while (!await TrySubscribeAsync());
        }
        catch (OperationCanceledException)
        {
            // Stopped before Redis came back.
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_queue is { } queue)
        {
            try
            {
                await queue.UnsubscribeAsync();
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                // Shutting down anyway.
            }
        }
    }

    private async Task<bool> TrySubscribeAsync()
    {
        try
        {
            var queue = await redis.Multiplexer.GetSubscriber().SubscribeAsync(Channel);
            // OnMessage handles one message at a time, in order.
            queue.OnMessage(ReceiveAsync);
            _queue = queue;
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            redis.Warn(e, "Redis unavailable; cluster bus not subscribed yet, retrying");
            return false;
        }
    }

    /// <summary>
    /// After the subscription's connection comes back: the client restores the subscription itself, but not always (in CI a
    /// node stayed deaf after Redis restarted, a race StackExchange.Redis has had before), and a deaf node would miss
    /// every other node's news, sign-outs and revoked tokens among them. So this node publishes a probe and listens for
    /// its own echo; unheard, it subscribes again, until it hears itself or stops.
    /// </summary>
    private async Task KeepSubscribedAsync()
    {
        if (Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }
        try
        {
            // The client's own restoring comes first.
            await Task.Delay(ProbeWait / 2, _stopping.Token);
            while (!await HearsItselfAsync())
            {
                log.LogWarning("cluster bus not hearing itself after Redis reconnected; subscribing again");
                if (_queue is { } lost)
                {
                    try
                    {
                        await lost.UnsubscribeAsync();
                    }
                    catch (Exception e) when (e is RedisException or TimeoutException)
                    {
                        // Subscribing again below replaces it either way.
                    }
                }
                if (!await TrySubscribeAsync())
                {
                    await Task.Delay(SubscribeRetry, _stopping.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private async Task<bool> HearsItselfAsync()
    {
        var probe = new Probe(Guid.NewGuid().ToString("N"), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _probe = probe;
        try
        {
            await redis.Multiplexer.GetSubscriber().PublishAsync(Channel, $"{_nodeId}\n{ProbeChannel}\n{probe.Token}");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
        var waited = await Task.WhenAny(probe.Heard.Task, Task.Delay(ProbeWait, _stopping.Token));
        _stopping.Token.ThrowIfCancellationRequested();
        return waited == probe.Heard.Task;
    }

    private sealed record Probe(string Token, TaskCompletionSource Heard);

    private async Task ReceiveAsync(ChannelMessage received)
    {
        var parts = ((string?)received.Message ?? "").Split('\n', 3);
        if (parts.Length == 3 && parts[1] == ProbeChannel)
        {
            if (parts[0] == _nodeId && _probe is { } probe && parts[2] == probe.Token)
            {
                probe.Heard.TrySetResult();
            }
            return;
        }
        if (parts.Length != 3 || parts[0] == _nodeId)
        {
            return; // our own echo (already delivered locally), or not ours at all
        }
        try
        {
            await local.DeliverAsync(parts[1], parts[2]);
        }
        catch (Exception e)
        {
            log.LogError(e, "cluster bus delivery failed");
        }
    }

    // The channel name is framed by newlines on the wire.
    private static void ValidateChannel(string channel)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        if (channel.Contains('\n'))
        {
            throw new ArgumentException("channel names cannot contain newlines", nameof(channel));
        }
    }
}

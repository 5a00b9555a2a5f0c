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

    private async Task ReceiveAsync(ChannelMessage received)
    {
        var parts = ((string?)received.Message ?? "").Split('\n', 3);
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

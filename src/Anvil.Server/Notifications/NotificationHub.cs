using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Anvil.Server.Cluster;
using Anvil.Server.Infrastructure.Http;

namespace Anvil.Server.Notifications;

/// <summary>
/// This node's open notification sockets. Notifications arrive over the cluster bus (so a socket on
/// any node hears of a notification created on any node) and are queued per socket: a slow client
/// fills only its own bounded queue and is then disconnected; it never holds up anyone else.
/// </summary>
public sealed class NotificationHub(IClusterBus bus, IHostApplicationLifetime lifetime, ILogger<NotificationHub> log) : BackgroundService
{
    /// <summary>How long a client has to answer the going-away close before its socket is dropped.</summary>
    public static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    public const int QueueCapacity = 64;
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<long, ConcurrentDictionary<SocketSession, byte>> _sessions = new();

    public int OpenSockets => _sessions.Values.Sum(s => s.Count);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = bus.Subscribe(NotificationService.BusChannel, OnBusMessageAsync);
        // Open sockets are requests the server would wait for until ANVIL_SHUTDOWN_SECONDS run out: as stopping
        // begins they are closed with 1001 "going away" (clients reconnect to another node), so only pushes are waited for.
        using var stopping = lifetime.ApplicationStopping.Register(GoAwayAll);
        using var timer = new PeriodicTimer(HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var session in _sessions.Values.SelectMany(s => s.Keys))
                {
                    session.TryEnqueue(Messages.Heartbeat);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void GoAwayAll()
    {
        foreach (var session in _sessions.Values.SelectMany(s => s.Keys))
        {
            session.GoAway();
        }
    }

    private Task OnBusMessageAsync(string message)
    {
        LiveNotification? live;
        try
        {
            live = JsonSerializer.Deserialize<LiveNotification>(message, Surfaces.SigmagitJson);
        }
        catch (JsonException e)
        {
            log.LogWarning(e, "ignoring a malformed notification from the bus");
            return Task.CompletedTask;
        }
        if (live is not null && _sessions.TryGetValue(live.UserId, out var sessions))
        {
            var payload = JsonSerializer.Serialize(new { type = "notification", notification = live.Notification }, Surfaces.SigmagitJson);
            foreach (var session in sessions.Keys)
            {
                session.TryEnqueue(payload);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Serves one accepted socket until either side closes it.</summary>
    public async Task RunAsync(WebSocket socket, long userId, CancellationToken ct)
    {
        var session = new SocketSession(socket);
        var mine = _sessions.GetOrAdd(userId, _ => new ConcurrentDictionary<SocketSession, byte>());
        mine.TryAdd(session, 0);
        try
        {
            session.TryEnqueue(JsonSerializer.Serialize(new { type = "connected", userId = userId.ToString() }));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sending = session.SendLoopAsync(linked.Token);
            await session.ReceiveLoopAsync(linked.Token);
            session.Complete();
            await linked.CancelAsync();
            await sending;
        }
        finally
        {
            mine.TryRemove(session, out _);
            if (mine.IsEmpty)
            {
                _sessions.TryRemove(new KeyValuePair<long, ConcurrentDictionary<SocketSession, byte>>(userId, mine));
            }
        }
    }

    private static class Messages
    {
        public static readonly string Heartbeat = JsonSerializer.Serialize(new { type = "ping" });
        public static readonly string Pong = JsonSerializer.Serialize(new { type = "pong" });
    }

    private sealed class SocketSession(WebSocket socket)
    {
        private readonly Channel<string> _outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        /// <summary>Queues a message; a socket whose queue is full is too slow to keep and is dropped.</summary>
        public void TryEnqueue(string message)
        {
            if (!_outbox.Writer.TryWrite(message))
            {
                socket.Abort();
                _outbox.Writer.TryComplete();
            }
        }

        private volatile bool _goingAway;

        public void Complete() => _outbox.Writer.TryComplete();

        /// <summary>Ends the session from the server's side: what is queued is sent, then a 1001 close.</summary>
        public void GoAway()
        {
            _goingAway = true;
            _outbox.Writer.TryComplete();
        }

        public async Task SendLoopAsync(CancellationToken ct)
        {
            try
            {
                await foreach (var message in _outbox.Reader.ReadAllAsync(ct))
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, timeout.Token);
                }
                if (_goingAway && socket.State == WebSocketState.Open)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(CloseHandshakeTimeout);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "going away", timeout.Token);
                    // The receive loop sees the client's answering close; a client that never answers is dropped.
                    _ = Task.Delay(CloseHandshakeTimeout, CancellationToken.None).ContinueWith(_ => socket.Abort(), TaskScheduler.Default);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                socket.Abort();
            }
        }

        public async Task ReceiveLoopAsync(CancellationToken ct)
        {
            var buffer = new byte[1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var received = await ReadMessageAsync(buffer, ct);
                    if (received is null)
                    {
                        if (socket.State == WebSocketState.CloseReceived)
                        {
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
                        }
                        return;
                    }
                    if (IsPing(received))
                    {
                        TryEnqueue(Messages.Pong);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
        }

        /// <summary>One whole text message (at most the buffer's size; longer ones are skipped), or null on close.</summary>
        private async Task<string?> ReadMessageAsync(byte[] buffer, CancellationToken ct)
        {
            var length = 0;
            var tooLong = false;
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(tooLong ? 0 : length), ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }
                length += result.Count;
                if (length >= buffer.Length)
                {
                    tooLong = true;
                    length = 0;
                }
                if (result.EndOfMessage)
                {
                    return tooLong ? "" : Encoding.UTF8.GetString(buffer, 0, length);
                }
            }
        }

        private static bool IsPing(string message)
        {
            try
            {
                using var doc = JsonDocument.Parse(message);
                return doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "ping";
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}

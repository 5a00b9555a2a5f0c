using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Anvil.Server.Infrastructure;

namespace Anvil.Server.RateLimiting;

/// <summary>
/// Caps how many git transport operations (upload-pack, receive-pack) run at once on this node,
/// so a clone storm cannot exhaust processes and memory. Over the cap the caller gets 503 with
/// <c>Retry-After</c> and is expected to try again. Usage: <c>using var _ = limiter.Enter(ctx.Response);</c>
/// </summary>
public sealed class GitConcurrencyLimiter(int maxConcurrent)
{
    /// <summary>Seconds a refused client is told to wait.</summary>
    public const int RetryAfterSeconds = 5;
    private int _running;

    public int Running => Volatile.Read(ref _running);

    /// <summary>Starts an operation; dispose the lease when it ends. Throws 503 (and sets <c>Retry-After</c>) when at the cap.</summary>
    public IDisposable Enter(HttpResponse? response = null)
    {
        if (Interlocked.Increment(ref _running) > maxConcurrent && maxConcurrent > 0)
        {
            Interlocked.Decrement(ref _running);
            if (response is { HasStarted: false })
            {
                response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            }
            throw new AnvilException(FailureKind.Unavailable, "too many git operations in progress, try again shortly");
        }
        return new ReleaseOnce(() => Interlocked.Decrement(ref _running));
    }
}

/// <summary>
/// Caps the WebSocket connections one client IP holds open on this node. Take a lease before
/// accepting the upgrade and dispose it when the socket closes.
/// </summary>
public sealed class WebSocketConnectionLimiter(int maxPerIp)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    public int OpenFrom(IPAddress ip) => _open.TryGetValue(ip, out var n) ? n : 0;

    /// <summary>A lease for one more connection from <paramref name="ip"/>, or null when it already holds the maximum.</summary>
    public IDisposable? TryOpen(IPAddress ip)
    {
        while (true)
        {
            var current = _open.GetOrAdd(ip, 0);
            if (maxPerIp > 0 && current >= maxPerIp)
            {
                return null;
            }
            if (_open.TryUpdate(ip, current + 1, current))
            {
                return new ReleaseOnce(() => Close(ip));
            }
        }
    }

    /// <summary>As <see cref="TryOpen"/> for the request's client IP, refusing with 429 over the cap.</summary>
    public IDisposable Open(HttpContext ctx) =>
        TryOpen(ctx.ClientIp()) ?? throw new AnvilException(FailureKind.TooManyRequests, "too many WebSocket connections from this address");

    private void Close(IPAddress ip)
    {
        while (true)
        {
            var current = _open[ip];
            if (current <= 1 ? _open.TryRemove(new KeyValuePair<IPAddress, int>(ip, current)) : _open.TryUpdate(ip, current - 1, current))
            {
                return;
            }
        }
    }
}

/// <summary>A lease that gives its slot back exactly once, however often it is disposed.</summary>
internal sealed class ReleaseOnce(Action release) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            release();
        }
    }
}

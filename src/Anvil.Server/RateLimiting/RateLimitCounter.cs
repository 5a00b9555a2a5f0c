namespace Anvil.Server.RateLimiting;

/// <summary>How many hits a key has in its current window, and when that window ends.</summary>
public readonly record struct WindowCount(long Count, DateTimeOffset ResetAt);

/// <summary>
/// Fixed-window hit counters. A key's window opens at its first hit and lasts the given length;
/// the next hit after it ends opens a new one. Null means the store could not answer (Redis
/// down): callers fail open.
/// </summary>
public interface IRateLimitCounter
{
    /// <summary>Counts one hit on <paramref name="key"/> and returns the count including it.</summary>
    Task<WindowCount?> HitAsync(string key, TimeSpan window);

    /// <summary>The current count without adding a hit (0 when no window is open).</summary>
    Task<WindowCount?> PeekAsync(string key);
}

/// <summary>Counters in this process: exact, shared by every request on this node only.</summary>
public sealed class InProcessRateLimitCounter(TimeProvider time) : IRateLimitCounter
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, (long Count, DateTimeOffset ResetAt)> _windows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public Task<WindowCount?> HitAsync(string key, TimeSpan window)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            SweepExpired(now);
            var current = _windows.TryGetValue(key, out var w) && w.ResetAt > now ? w : (Count: 0L, ResetAt: now + window);
            current.Count++;
            _windows[key] = current;
            return Task.FromResult<WindowCount?>(new WindowCount(current.Count, current.ResetAt));
        }
    }

    public Task<WindowCount?> PeekAsync(string key)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var result = _windows.TryGetValue(key, out var w) && w.ResetAt > now ? new WindowCount(w.Count, w.ResetAt) : new WindowCount(0, now);
            return Task.FromResult<WindowCount?>(result);
        }
    }

    // Windows of clients that went away would otherwise accumulate forever.
    private void SweepExpired(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }
        _nextSweep = now + SweepInterval;
        foreach (var (key, w) in _windows)
        {
            if (w.ResetAt <= now)
            {
                _windows.Remove(key);
            }
        }
    }
}

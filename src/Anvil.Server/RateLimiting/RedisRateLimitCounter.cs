using Anvil.Server.Cluster;
using StackExchange.Redis;

namespace Anvil.Server.RateLimiting;

/// <summary>
/// Counters in Redis, shared by every node. Redis owns the window (its key TTL), so nodes with
/// skewed clocks still agree on when it ends. Any Redis failure answers null: fail open.
/// </summary>
public sealed class RedisRateLimitCounter(RedisConnection redis, TimeProvider time) : IRateLimitCounter
{
    private const string KeyPrefix = "anvil:rl:";

    // INCR and the first hit's PEXPIRE in one atomic step; a key somehow left without a TTL gets one.
    private const string HitScript = """
        local n = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if n == 1 or ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        return {n, ttl}
        """;

    private const string PeekScript = """
        local n = redis.call('GET', KEYS[1])
        if not n then return {0, 0} end
        return {tonumber(n), redis.call('PTTL', KEYS[1])}
        """;

    public Task<WindowCount?> HitAsync(string key, TimeSpan window) =>
        RunAsync(HitScript, key, (long)window.TotalMilliseconds);

    public Task<WindowCount?> PeekAsync(string key) => RunAsync(PeekScript, key);

    private async Task<WindowCount?> RunAsync(string script, string key, params RedisValue[] args)
    {
        try
        {
            var result = (RedisResult[])(await redis.Multiplexer.GetDatabase().ScriptEvaluateAsync(script, [KeyPrefix + key], args))!;
            var ttlMs = Math.Max(0, (long)result[1]);
            return new WindowCount((long)result[0], time.GetUtcNow().AddMilliseconds(ttlMs));
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            redis.Warn(e, "Redis unavailable for rate limiting; requests are not being limited");
            return null;
        }
    }
}

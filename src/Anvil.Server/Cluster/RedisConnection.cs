using StackExchange.Redis;

namespace Anvil.Server.Cluster;

/// <summary>
/// The node's one Redis connection (a multiplexer), shared by rate-limit counters and the cluster
/// bus. It never blocks start-up on Redis and never queues commands while disconnected: callers
/// get an exception at once, serve the request without Redis, and the multiplexer reconnects in
/// the background. Failures are logged at most once per <see cref="WarningInterval"/>.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(30);
    private readonly ILogger<RedisConnection> _log;
    private readonly TimeProvider _time;
    private readonly Lock _warnLock = new();
    private DateTimeOffset _nextWarning = DateTimeOffset.MinValue;
    private int _suppressed;

    public RedisConnection(Infrastructure.AnvilOptions options, ILogger<RedisConnection> log, TimeProvider time)
    {
        _log = log;
        _time = time;
        var config = ParseUrl(options.RedisUrl ?? throw new InvalidOperationException("REDIS_URL is not set"));
        Multiplexer = ConnectionMultiplexer.Connect(config);
        Multiplexer.ConnectionFailed += (_, e) => Warn(e.Exception, $"Redis connection lost ({e.FailureType}); serving without it until it returns");
        Multiplexer.ConnectionRestored += (_, _) => _log.LogInformation("Redis connection restored");
    }

    public IConnectionMultiplexer Multiplexer { get; }

    /// <summary>Logs a Redis failure as a warning, rate-limited so an outage does not flood the log.</summary>
    public void Warn(Exception? error, string message)
    {
        int suppressed;
        lock (_warnLock)
        {
            var now = _time.GetUtcNow();
            if (now < _nextWarning)
            {
                _suppressed++;
                return;
            }
            _nextWarning = now + WarningInterval;
            suppressed = _suppressed;
            _suppressed = 0;
        }
        _log.LogWarning(error, "{Message} ({Suppressed} similar warnings suppressed)", message, suppressed);
    }

    /// <summary>
    /// <c>redis://[user:password@]host[:port][/db]</c> (<c>rediss://</c> for TLS), or a
    /// StackExchange.Redis configuration string such as <c>host:6379,password=…</c>.
    /// </summary>
    public static ConfigurationOptions ParseUrl(string url)
    {
        ConfigurationOptions config;
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "redis" or "rediss")
        {
            config = new ConfigurationOptions { Ssl = uri.Scheme == "rediss" };
            config.EndPoints.Add(uri.Host, uri.IsDefaultPort ? 6379 : uri.Port);
            if (uri.UserInfo.Length > 0)
            {
                var parts = uri.UserInfo.Split(':', 2);
                if (parts.Length == 2)
                {
                    config.User = parts[0].Length > 0 ? Uri.UnescapeDataString(parts[0]) : null;
                    config.Password = Uri.UnescapeDataString(parts[1]);
                }
                else
                {
                    config.Password = Uri.UnescapeDataString(parts[0]);
                }
            }
            if (int.TryParse(uri.AbsolutePath.Trim('/'), out var db))
            {
                config.DefaultDatabase = db;
            }
        }
        else
        {
            config = ConfigurationOptions.Parse(url);
        }
        // Fail open, fast: a missing Redis must cost a request nothing noticeable, and it must come back on its own.
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ConnectTimeout = 2000;
        config.SyncTimeout = 1000;
        config.AsyncTimeout = 1000;
        config.KeepAlive = 5;
        config.ReconnectRetryPolicy = new LinearRetry(500);
        return config;
    }

    public async ValueTask DisposeAsync() => await Multiplexer.DisposeAsync();
}

namespace Anvil.Server.RateLimiting;

/// <summary>
/// Request-rate limits and connection caps, from the environment. For every rate, <c>0</c>
/// disables that limit; an unset or unparsable value keeps the default.
/// </summary>
public sealed record TrafficLimits
{
    /// <summary>sigmagit surface: requests per client per minute.</summary>
    public int PerMinute { get; init; } = 60;
    /// <summary>sigmagit surface: requests per client per <see cref="BurstWindow"/>.</summary>
    public int Burst { get; init; } = 100;
    public static readonly TimeSpan BurstWindow = TimeSpan.FromSeconds(30);
    /// <summary>v1 surface: requests per hour per access token (or signed-in user).</summary>
    public int ApiAuthedPerHour { get; init; } = 5000;
    /// <summary>v1 surface: requests per hour per IP for anonymous callers.</summary>
    public int ApiAnonPerHour { get; init; } = 60;
    /// <summary>Failed sign-ins per IP per <see cref="SignInFailureWindow"/>; once reached, every sign-in is refused until the window ends.</summary>
    public int SignInFailures { get; init; } = 10;
    public static readonly TimeSpan SignInFailureWindow = TimeSpan.FromMinutes(15);
    /// <summary>Sign-up attempts per IP per hour.</summary>
    public int SignUpsPerHour { get; init; } = 10;
    /// <summary>Password-reset requests per IP per hour, and reset mails per account per hour.</summary>
    public int PasswordResetsPerHour { get; init; } = 5;
    /// <summary>Web pages per client (signed-in user or IP) per minute: a person clicks far below it, a scraper does not.</summary>
    public int PagesPerMinute { get; init; } = 300;
    /// <summary>Concurrent git transport operations on this node; 0 = no cap.</summary>
    public int GitMaxConcurrency { get; init; } = 32;
    /// <summary>Open WebSocket connections per IP on this node; 0 = no cap.</summary>
    public int WebSocketsPerIp { get; init; } = 20;

    public static TrafficLimits FromConfiguration(IConfiguration config)
    {
        var d = new TrafficLimits();
        return new TrafficLimits
        {
            PerMinute = Read(config, d.PerMinute, "ANVIL_RATELIMIT_PER_MINUTE"),
            Burst = Read(config, d.Burst, "ANVIL_RATELIMIT_BURST"),
            // The seed's names: as environment variables "__" becomes ":" in IConfiguration.
            ApiAuthedPerHour = Read(config, d.ApiAuthedPerHour, "ANVIL_RATELIMIT_API_AUTHED_PER_HOUR",
                "SHITHUB_RATELIMIT__API__AUTHED_PER_HOUR", "SHITHUB_RATELIMIT:API:AUTHED_PER_HOUR"),
            ApiAnonPerHour = Read(config, d.ApiAnonPerHour, "ANVIL_RATELIMIT_API_ANON_PER_HOUR",
                "SHITHUB_RATELIMIT__API__ANON_PER_HOUR", "SHITHUB_RATELIMIT:API:ANON_PER_HOUR"),
            SignInFailures = Read(config, d.SignInFailures, "ANVIL_RATELIMIT_SIGNIN_FAILURES_PER_15_MIN"),
            SignUpsPerHour = Read(config, d.SignUpsPerHour, "ANVIL_RATELIMIT_SIGNUPS_PER_HOUR"),
            PasswordResetsPerHour = Read(config, d.PasswordResetsPerHour, "ANVIL_RATELIMIT_PASSWORD_RESETS_PER_HOUR"),
            PagesPerMinute = Read(config, d.PagesPerMinute, "ANVIL_RATELIMIT_PAGES_PER_MINUTE"),
            GitMaxConcurrency = Read(config, d.GitMaxConcurrency, "ANVIL_GIT_MAX_CONCURRENCY"),
            WebSocketsPerIp = Read(config, d.WebSocketsPerIp, "ANVIL_WS_MAX_PER_IP"),
        };
    }

    /// <summary>The first of <paramref name="names"/> that holds a non-negative integer, else the default.</summary>
    private static int Read(IConfiguration config, int fallback, params string[] names)
    {
        foreach (var name in names)
        {
            if (int.TryParse(config[name], out var value) && value >= 0)
            {
                return value;
            }
        }
        return fallback;
    }
}

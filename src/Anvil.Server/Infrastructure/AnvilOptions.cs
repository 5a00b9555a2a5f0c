using System.Net;
using System.Security.Cryptography;
using Anvil.Server.RateLimiting;

namespace Anvil.Server.Infrastructure;

/// <summary>
/// Everything Anvil reads from its environment, resolved once at start-up. Names are the
/// environment variables of SPEC.md; tests pass the same names through in-memory configuration.
/// </summary>
public sealed class AnvilOptions
{
    public required string DataDir { get; init; }
    public string? DatabaseUrl { get; init; }
    public bool UsePostgres => !string.IsNullOrEmpty(DatabaseUrl);
    public required byte[] Secret { get; init; }
    public string? RedisUrl { get; init; }
    public string? PublicUrl { get; init; }
    /// <summary>Who may create an account through sign-up (ANVIL_SIGNUP).</summary>
    public Auth.SignupPolicy Signup { get; init; } = Auth.SignupPolicy.Open;
    public string InstanceName { get; init; } = "anvil";
    public string StorageLocalPath { get; init; } = "";
    /// <summary>The bucket blobs go to when <c>STORAGE_TYPE=s3</c>; null: local files under <see cref="StorageLocalPath"/>.</summary>
    public Storage.S3Settings? S3 { get; init; }
    public long MaxPushBytes { get; init; } = 1L << 30;
    /// <summary>Largest artifact (zip) a job may upload (<c>ANVIL_MAX_ARTIFACT_BYTES</c>).</summary>
    public long MaxArtifactBytes { get; init; } = 500L << 20;
    /// <summary>How long an artifact's zip is kept (<c>ANVIL_ARTIFACT_RETENTION_DAYS</c>); then it expires, as on GitHub.</summary>
    public TimeSpan ArtifactRetention { get; init; } = TimeSpan.FromDays(90);
    public TrafficLimits Limits { get; init; } = new();
    /// <summary>Proxies whose <c>X-Forwarded-For</c> is believed (<c>ANVIL_TRUST_PROXY</c>).</summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];
    /// <summary>Hosts (names or IPs) outgoing webhooks may reach even though they resolve to private addresses.</summary>
    public IReadOnlySet<string> WebhookAllowHosts { get; init; } = new HashSet<string>();
    /// <summary>First retry delay of a failed delivery; each later retry doubles it.</summary>
    public TimeSpan WebhookRetryBase { get; init; } = TimeSpan.FromMinutes(1);
    public int WebhookMaxAttempts { get; init; } = 9;
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public string? DiscordWebhookUrl { get; init; }
    /// <summary>Shared secret of the Discord bot and inbound integrations (<c>WEBHOOK_SECRET</c>).</summary>
    public string? WebhookSecret { get; init; }
    public string? PublicWebhookUrl { get; init; }
    public TimeSpan DiscordLinkTokenLifetime { get; init; } = TimeSpan.FromHours(24);
    /// <summary>How long a runner may stay silent during a job before the job is taken back and requeued.</summary>
    public TimeSpan RunnerLease { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>How often lost and timed-out jobs are looked for.</summary>
    public TimeSpan ActionsSweepInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Outgoing mail (<c>EMAIL_PROVIDER</c>, <c>SMTP_*</c>); log only by default.</summary>
    public Anvil.Server.Email.EmailSettings Mail { get; init; } = Anvil.Server.Email.EmailSettings.LogOnly;
    /// <summary>How often repositories changed since the last run get a <c>git gc</c>; null: never.</summary>
    public TimeSpan? MaintenanceInterval { get; init; } = TimeSpan.FromDays(1);
    /// <summary>The bearer token <c>/metrics</c> asks for (<c>ANVIL_METRICS_TOKEN</c>); null: only loopback clients may scrape.</summary>
    public string? MetricsToken { get; init; }
    /// <summary>Memory for anonymous answers of the hot read routes (<c>ANVIL_RESPONSE_CACHE_MB</c>); 0: no cache.</summary>
    public long ResponseCacheBytes { get; init; } = 64L << 20;
    /// <summary>
    /// How long a committed event belongs to the request that raised it before the outbox worker may dispatch it instead
    /// (<c>ANVIL_OUTBOX_LEASE_SECONDS</c>): the request's process may have died between its commit and the dispatch.
    /// </summary>
    public TimeSpan OutboxLease { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How often the outbox worker looks for events nobody dispatched (<c>ANVIL_OUTBOX_SWEEP_SECONDS</c>).</summary>
    public TimeSpan OutboxSweepInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>
    /// Tests only (honoured with <c>ANVIL_TEST_HOOKS=1</c>): the event type whose commit kills the process before its
    /// dispatch (<c>ANVIL_TEST_CRASH_AFTER_COMMIT</c>), as a crash at the worst moment would.
    /// </summary>
    public string? TestCrashAfterCommit { get; init; }

    public string RepositoriesDir => Path.Combine(DataDir, "repositories");
    public string SqlitePath => Path.Combine(DataDir, "anvil.db");

    public static AnvilOptions FromConfiguration(IConfiguration config)
    {
        var dataDir = Path.GetFullPath(config["ANVIL_DATA_DIR"] is { Length: > 0 } d ? d : "./data");
        Directory.CreateDirectory(dataDir);
        var secretText = FirstNonEmpty(config["BETTER_AUTH_SECRET"], config["ANVIL_SECRET"]);
        var storage = FirstNonEmpty(config["STORAGE_LOCAL_PATH"]) ?? Path.Combine(dataDir, "storage");
        return new AnvilOptions
        {
            DataDir = dataDir,
            DatabaseUrl = FirstNonEmpty(config["DATABASE_URL"]),
            Secret = secretText is not null ? System.Text.Encoding.UTF8.GetBytes(secretText) : LoadOrCreateSecret(dataDir),
            RedisUrl = FirstNonEmpty(config["REDIS_URL"]),
            PublicUrl = FirstNonEmpty(config["ANVIL_PUBLIC_URL"])?.TrimEnd('/'),
            Signup = FirstNonEmpty(config["ANVIL_SIGNUP"])?.ToLowerInvariant() switch
            {
                null or "open" => Auth.SignupPolicy.Open,
                "invite" => Auth.SignupPolicy.Invite,
                "closed" => Auth.SignupPolicy.Closed,
                var other => throw new InvalidOperationException($"ANVIL_SIGNUP must be open, invite or closed, not '{other}'"),
            },
            InstanceName = FirstNonEmpty(config["ANVIL_INSTANCE_NAME"]) ?? "anvil",
            StorageLocalPath = Path.GetFullPath(storage),
            S3 = S3FromConfiguration(config),
            MaxPushBytes = long.TryParse(config["ANVIL_MAX_PUSH_BYTES"], out var mp) && mp > 0 ? mp : 1L << 30,
            MaxArtifactBytes = long.TryParse(config["ANVIL_MAX_ARTIFACT_BYTES"], out var mab) && mab > 0 ? mab : 500L << 20,
            ArtifactRetention = TimeSpan.FromDays(PositiveDouble(config["ANVIL_ARTIFACT_RETENTION_DAYS"]) ?? 90),
            Limits = TrafficLimits.FromConfiguration(config),
            TrustedProxies = ClientIpResolver.ParseTrustedProxies(config["ANVIL_TRUST_PROXY"]),
            WebhookAllowHosts = (config["ANVIL_WEBHOOK_ALLOW_HOSTS"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(h => h.Trim('[', ']').ToLowerInvariant()).ToHashSet(),
            WebhookRetryBase = TimeSpan.FromSeconds(PositiveDouble(config["ANVIL_WEBHOOK_RETRY_BASE_SECONDS"]) ?? 60),
            WebhookMaxAttempts = int.TryParse(config["ANVIL_WEBHOOK_MAX_ATTEMPTS"], out var ma) && ma > 0 ? ma : 9,
            WebhookTimeout = TimeSpan.FromSeconds(PositiveDouble(config["ANVIL_WEBHOOK_TIMEOUT_SECONDS"]) ?? 10),
            DiscordWebhookUrl = FirstNonEmpty(config["DISCORD_WEBHOOK_URL"]),
            WebhookSecret = FirstNonEmpty(config["WEBHOOK_SECRET"]),
            PublicWebhookUrl = FirstNonEmpty(config["PUBLIC_WEBHOOK_URL"]),
            DiscordLinkTokenLifetime = TimeSpan.FromSeconds(PositiveDouble(config["ANVIL_DISCORD_LINK_TTL_SECONDS"]) ?? 24 * 3600),
            RunnerLease = TimeSpan.FromSeconds(PositiveDouble(config["ANVIL_RUNNER_LEASE_SECONDS"]) ?? 120),
            ActionsSweepInterval = TimeSpan.FromSeconds(PositiveDouble(config["ANVIL_ACTIONS_SWEEP_SECONDS"]) ?? 5),
            Mail = Anvil.Server.Email.EmailSettings.FromConfiguration(config),
            MaintenanceInterval = config["ANVIL_MAINTENANCE_INTERVAL_SECONDS"] is { Length: > 0 } mi && mi.Trim() == "0"
                ? null
                : TimeSpan.FromSeconds(PositiveDouble(config["ANVIL_MAINTENANCE_INTERVAL_SECONDS"]) ?? 24 * 3600),
            MetricsToken = FirstNonEmpty(config["ANVIL_METRICS_TOKEN"])?.Trim(),
            ResponseCacheBytes = long.TryParse(config["ANVIL_RESPONSE_CACHE_MB"], out var rc) && rc >= 0 ? rc << 20 : 64L << 20,
            OutboxLease = TimeSpan.FromSeconds(PositiveDouble(config["ANVIL_OUTBOX_LEASE_SECONDS"]) ?? 60),
            OutboxSweepInterval = TimeSpan.FromSeconds(PositiveDouble(config["ANVIL_OUTBOX_SWEEP_SECONDS"]) ?? 5),
            TestCrashAfterCommit = config["ANVIL_TEST_HOOKS"] == "1" ? FirstNonEmpty(config["ANVIL_TEST_CRASH_AFTER_COMMIT"]) : null,
        };
    }

    private static Storage.S3Settings? S3FromConfiguration(IConfiguration config)
    {
        switch ((FirstNonEmpty(config["STORAGE_TYPE"]) ?? "local").Trim().ToLowerInvariant())
        {
            case "local":
                return null;
            case "s3":
                var endpoint = FirstNonEmpty(config["S3_ENDPOINT"])?.Trim();
                // Self-hosted S3-compatible servers are usually addressed by path; AWS itself by virtual host.
                var pathStyle = FirstNonEmpty(config["S3_FORCE_PATH_STYLE"]) is { } p
                    ? bool.TryParse(p, out var b) ? b : p.Trim() == "1"
                    : endpoint is not null;
                return new Storage.S3Settings(
                    FirstNonEmpty(config["S3_BUCKET_NAME"], config["S3_BUCKET"])?.Trim() ?? throw new InvalidOperationException("STORAGE_TYPE=s3 needs S3_BUCKET_NAME"),
                    endpoint, FirstNonEmpty(config["S3_REGION"])?.Trim() ?? "us-east-1",
                    FirstNonEmpty(config["S3_ACCESS_KEY_ID"], config["S3_ACCESS_KEY"]), FirstNonEmpty(config["S3_SECRET_ACCESS_KEY"], config["S3_SECRET_KEY"]), pathStyle);
            case var other:
                throw new InvalidOperationException($"STORAGE_TYPE must be 'local' or 's3', not '{other}'");
        }
    }

    private static double? PositiveDouble(string? value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && d > 0 ? d : null;

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    // A generated secret must survive restarts, or every signed token dies with the process.
    private static byte[] LoadOrCreateSecret(string dataDir)
    {
        var path = Path.Combine(dataDir, "secret.key");
        if (File.Exists(path))
        {
            return Convert.FromHexString(File.ReadAllText(path).Trim());
        }
        var secret = RandomNumberGenerator.GetBytes(32);
        var tmp = path + "." + Guid.NewGuid().ToString("N");
        File.WriteAllText(tmp, Convert.ToHexString(secret));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        try
        {
            File.Move(tmp, path, overwrite: false);
        }
        catch (IOException)
        {
            // Another process created it first; theirs wins so every node agrees.
            File.Delete(tmp);
            return Convert.FromHexString(File.ReadAllText(path).Trim());
        }
        return secret;
    }
}

using System.Net;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;

namespace Anvil.Server.RateLimiting;

/// <summary>A named limit: at most <see cref="Limit"/> hits per <see cref="Window"/>. A limit of 0 is off.</summary>
public sealed record RateRule(string Name, int Limit, TimeSpan Window)
{
    public bool Enabled => Limit > 0;
}

/// <summary>Where one client stands against one rule after (or, for a check, as if) counting this request.</summary>
public sealed record RateLimitStatus(RateRule Rule, long Used, DateTimeOffset ResetAt)
{
    public long Remaining => Math.Max(0, Rule.Limit - Used);
    public bool Exceeded => Used > Rule.Limit;
}

/// <summary>
/// Which limits apply to a request and what key each is counted under. This is the one place
/// that knows the rules of SPEC.md "Rate limits"; the middlewares only ask it.
/// </summary>
public sealed class RateLimiter(IRateLimitCounter counter, AnvilOptions options, TimeProvider time)
{
    private readonly TrafficLimits _limits = options.Limits;

    /// <summary>Counts a request against its surface's limits (nothing for exempt surfaces).</summary>
    public async Task<List<RateLimitStatus>> ChargeRequestAsync(ApiSurface surface, Caller caller, IPAddress ip)
    {
        var statuses = new List<RateLimitStatus?>();
        if (surface == ApiSurface.V1)
        {
            var (rule, client) = V1Bucket(caller, ip);
            statuses.Add(await HitAsync(rule, client));
        }
        else if (surface == ApiSurface.Sigmagit)
        {
            var client = caller.UserId is { } userId ? $"user:{userId}" : $"ip:{ip}";
            statuses.Add(await HitAsync(new RateRule("sg-minute", _limits.PerMinute, TimeSpan.FromMinutes(1)), client));
            statuses.Add(await HitAsync(new RateRule("sg-burst", _limits.Burst, TrafficLimits.BurstWindow), client));
        }
        else if (surface == ApiSurface.Web)
        {
            var client = caller.UserId is { } userId ? $"user:{userId}" : $"ip:{ip}";
            statuses.Add(await HitAsync(new RateRule("web-pages", _limits.PagesPerMinute, TimeSpan.FromMinutes(1)), client));
        }
        return statuses.OfType<RateLimitStatus>().ToList();
    }

    /// <summary>
    /// Where the caller stands against the v1 hourly budget, without counting a hit (what <c>GET /rate_limit</c> reports);
    /// null when that limit is off or the counter store is down.
    /// </summary>
    public async Task<RateLimitStatus?> PeekV1Async(Caller caller, IPAddress ip)
    {
        var (rule, client) = V1Bucket(caller, ip);
        if (!rule.Enabled || await counter.PeekAsync(Key(rule, client)) is not { } count)
        {
            return null;
        }
        // No window open yet: the next hit opens a full one.
        return new RateLimitStatus(rule, count.Count, count.Count == 0 ? time.GetUtcNow() + rule.Window : count.ResetAt);
    }

    // PATs are keyed by token: each of a user's tokens has the full budget, as on GitHub.
    private (RateRule Rule, string Client) V1Bucket(Caller caller, IPAddress ip) => caller switch
    {
        { AccessTokenId: { } tokenId } => (new RateRule("v1-authed", _limits.ApiAuthedPerHour, TimeSpan.FromHours(1)), $"token:{tokenId}"),
        { UserId: { } userId } => (new RateRule("v1-authed", _limits.ApiAuthedPerHour, TimeSpan.FromHours(1)), $"user:{userId}"),
        _ => (new RateRule("v1-anon", _limits.ApiAnonPerHour, TimeSpan.FromHours(1)), $"ip:{ip}"),
    };

    /// <summary>Counts a sign-up attempt from <paramref name="ip"/>.</summary>
    public Task<RateLimitStatus?> ChargeSignUpAsync(IPAddress ip) => HitAsync(SignUpRule, $"ip:{ip}");

    /// <summary>Whether <paramref name="ip"/> may try to sign in: only failures count, so this looks without counting.</summary>
    public async Task<RateLimitStatus?> CheckSignInAsync(IPAddress ip)
    {
        if (!SignInFailureRule.Enabled || await counter.PeekAsync(Key(SignInFailureRule, $"ip:{ip}")) is not { } failures)
        {
            return null;
        }
        // Judged as if this attempt were the next failure: refused once the failures reach the limit.
        return new RateLimitStatus(SignInFailureRule, failures.Count + 1, failures.ResetAt);
    }

    public Task RecordFailedSignInAsync(IPAddress ip) => HitAsync(SignInFailureRule, $"ip:{ip}");

    /// <summary>Counts a password-reset request from <paramref name="ip"/>.</summary>
    public Task<RateLimitStatus?> ChargePasswordResetAsync(IPAddress ip) => HitAsync(PasswordResetRule, $"ip:{ip}");

    /// <summary>Counts a reset mail to one account, whoever asked for it.</summary>
    public Task<RateLimitStatus?> ChargePasswordResetMailAsync(long userId) => HitAsync(PasswordResetRule, $"user:{userId}");

    private RateRule PasswordResetRule => new("password-reset", _limits.PasswordResetsPerHour, TimeSpan.FromHours(1));
    private RateRule SignUpRule => new("sign-up", _limits.SignUpsPerHour, TimeSpan.FromHours(1));
    private RateRule SignInFailureRule => new("sign-in-failures", _limits.SignInFailures, TrafficLimits.SignInFailureWindow);

    /// <summary>Counts one hit; null when the rule is off or the counter store is down (fail open).</summary>
    private async Task<RateLimitStatus?> HitAsync(RateRule rule, string client) =>
        rule.Enabled && await counter.HitAsync(Key(rule, client), rule.Window) is { } count
            ? new RateLimitStatus(rule, count.Count, count.ResetAt)
            : null;

    private static string Key(RateRule rule, string client) => rule.Name + ":" + client;
}

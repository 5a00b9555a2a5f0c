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
public sealed class RateLimiter(IRateLimitCounter counter, AnvilOptions options)
{
    private readonly TrafficLimits _limits = options.Limits;

    /// <summary>Counts a request against its surface's limits (nothing for exempt surfaces).</summary>
    public async Task<List<RateLimitStatus>> ChargeRequestAsync(ApiSurface surface, Caller caller, IPAddress ip)
    {
        var statuses = new List<RateLimitStatus>();
        if (surface == ApiSurface.V1)
        {
            // PATs are keyed by token: a user's tokens each get the full budget, as on GitHub.
            var (rule, key) = caller switch
            {
                { AccessTokenId: { } tokenId } => (new RateRule("v1-authed", _limits.ApiAuthedPerHour, TimeSpan.FromHours(1)), $"token:{tokenId}"),
                { UserId: { } userId } => (new RateRule("v1-authed", _limits.ApiAuthedPerHour, TimeSpan.FromHours(1)), $"user:{userId}"),
                _ => (new RateRule("v1-anon", _limits.ApiAnonPerHour, TimeSpan.FromHours(1)), $"ip:{ip}"),
            };
            await AddHitAsync(statuses, rule, key);
        }
        else if (surface == ApiSurface.Sigmagit)
        {
            var client = caller.UserId is { } userId ? $"user:{userId}" : $"ip:{ip}";
            await AddHitAsync(statuses, new RateRule("sg-minute", _limits.PerMinute, TimeSpan.FromMinutes(1)), client);
            await AddHitAsync(statuses, new RateRule("sg-burst", _limits.Burst, TrafficLimits.BurstWindow), client);
        }
        return statuses;
    }

    /// <summary>Counts a sign-up attempt from <paramref name="ip"/>.</summary>
    public async Task<RateLimitStatus?> ChargeSignUpAsync(IPAddress ip)
    {
        var statuses = new List<RateLimitStatus>();
        await AddHitAsync(statuses, SignUpRule, $"ip:{ip}");
        return statuses.SingleOrDefault();
    }

    /// <summary>Whether <paramref name="ip"/> may try to sign in: only failures count, so this looks without counting.</summary>
    public async Task<RateLimitStatus?> CheckSignInAsync(IPAddress ip)
    {
        if (!SignInFailureRule.Enabled || await counter.PeekAsync(SignInFailureRule.Name + ":ip:" + ip) is not { } failures)
        {
            return null;
        }
        // Reported as if this attempt were the next failure: refused once the failures reach the limit.
        return new RateLimitStatus(SignInFailureRule, failures.Count + 1, failures.Count > 0 ? failures.ResetAt : failures.ResetAt + SignInFailureRule.Window);
    }

    public async Task RecordFailedSignInAsync(IPAddress ip)
    {
        if (SignInFailureRule.Enabled)
        {
            await counter.HitAsync(SignInFailureRule.Name + ":ip:" + ip, SignInFailureRule.Window);
        }
    }

    private RateRule SignUpRule => new("sign-up", _limits.SignUpsPerHour, TimeSpan.FromHours(1));
    private RateRule SignInFailureRule => new("sign-in-failures", _limits.SignInFailures, TrafficLimits.SignInFailureWindow);

    private async Task AddHitAsync(List<RateLimitStatus> statuses, RateRule rule, string client)
    {
        if (rule.Enabled && await counter.HitAsync(rule.Name + ":" + client, rule.Window) is { } count)
        {
            statuses.Add(new RateLimitStatus(rule, count.Count, count.ResetAt));
        }
    }
}

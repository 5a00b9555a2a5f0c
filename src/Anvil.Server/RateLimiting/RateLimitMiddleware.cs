using System.Globalization;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;

namespace Anvil.Server.RateLimiting;

/// <summary>Endpoint metadata for the sign-in, sign-up and password-reset routes, which have stricter per-IP limits.</summary>
public sealed class AuthAttempt
{
    public static readonly AuthAttempt SignIn = new();
    public static readonly AuthAttempt SignUp = new();
    public static readonly AuthAttempt PasswordReset = new();

    private AuthAttempt()
    {
    }
}

/// <summary>What the limiters decided for this request; turned into headers when the response starts.</summary>
public sealed class RateLimitState(ApiSurface surface)
{
    public ApiSurface Surface { get; } = surface;
    /// <summary>Whether this request has been counted yet.</summary>
    public bool Charged { get; private set; }
    public List<RateLimitStatus> Statuses { get; } = [];

    public void Record(IEnumerable<RateLimitStatus> statuses)
    {
        Charged = true;
        Statuses.AddRange(statuses);
    }

    /// <summary>The status the headers describe: a limit this request broke (the longest wait), else the nearest to running out.</summary>
    public RateLimitStatus? Binding =>
        Statuses.Where(s => s.Exceeded).MaxBy(s => s.ResetAt) ?? Statuses.MinBy(s => s.Remaining);
}

/// <summary>
/// Runs before the conventions and authentication middlewares so that every response of a
/// limited surface carries the rate-limit headers, including failures raised before the
/// limiter itself ran. Such a request (a bad token, an oversized body) is counted against
/// the client IP when its response starts: a bad credential never earns a fresh bucket.
/// Paths outside <c>/api</c> and <c>/auth</c> (health, git transport, WebSocket) are exempt.
/// </summary>
public sealed class RateLimitHeadersMiddleware(RequestDelegate next, RateLimiter limiter, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext ctx)
    {
        var isPage = ctx.GetEndpoint()?.Metadata.GetMetadata<Web.WebPage>() is not null;
        // Runners poll all day and are authenticated by their own tokens: the per-IP anonymous budget is not theirs.
        if (!(isPage || Surfaces.IsApi(ctx)) || ctx.GetEndpoint()?.Metadata.GetMetadata<Actions.RunnerCredentials>() is not null)
        {
            await next(ctx);
            return;
        }
        var state = new RateLimitState(isPage ? ApiSurface.Web : Surfaces.Of(ctx));
        ctx.Features.Set(state);
        ctx.Response.OnStarting(async () =>
        {
            if (!state.Charged)
            {
                state.Record(await limiter.ChargeRequestAsync(state.Surface, new Caller(), ctx.ClientIp()));
            }
            WriteHeaders(ctx.Response, state, time.GetUtcNow());
        });
        await next(ctx);
    }

    private static void WriteHeaders(HttpResponse response, RateLimitState state, DateTimeOffset now)
    {
        if (state.Binding is not { } status)
        {
            return; // every applicable limit is off, or the counter store is down (fail open)
        }
        var secondsLeft = (long)Math.Ceiling(Math.Max(0, (status.ResetAt - now).TotalSeconds));
        var h = response.Headers;
        if (state.Surface == ApiSurface.Web)
        {
            // A page carries no API budget headers (as on GitHub); a refused one says when to come back.
        }
        else if (state.Surface == ApiSurface.V1)
        {
            h["X-RateLimit-Limit"] = Str(status.Rule.Limit);
            h["X-RateLimit-Remaining"] = Str(status.Remaining);
            h["X-RateLimit-Reset"] = Str((long)Math.Ceiling(status.ResetAt.ToUnixTimeMilliseconds() / 1000.0));
        }
        else
        {
            h["RateLimit-Limit"] = Str(status.Rule.Limit);
            h["RateLimit-Remaining"] = Str(status.Remaining);
            h["RateLimit-Reset"] = Str(secondsLeft);
        }
        if (status.Exceeded)
        {
            h.RetryAfter = Str(Math.Max(1, secondsLeft));
        }
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Runs after authentication, when the caller is known: counts the request against the caller's
/// bucket (token, user or IP) and refuses it with 429 once a limit is exceeded. Sign-ups,
/// password-reset requests and failed sign-ins are also counted per IP.
/// </summary>
public sealed class RateLimitMiddleware(RequestDelegate next, RateLimiter limiter)
{
    public async Task InvokeAsync(HttpContext ctx, Caller caller)
    {
        if (ctx.Features.Get<RateLimitState>() is not { } state)
        {
            await next(ctx);
            return;
        }
        var ip = ctx.ClientIp();
        if (ctx.GetEndpoint()?.Metadata.GetMetadata<UncountedRequest>() is not null && state.Surface == ApiSurface.V1)
        {
            // Asking how much budget is left costs none of it (GitHub's GET /rate_limit).
            state.Record(await limiter.PeekV1Async(caller, ip) is { } standing ? [standing] : []);
            await next(ctx);
            return;
        }
        state.Record(await limiter.ChargeRequestAsync(state.Surface, caller, ip));
        if (state.Statuses.Any(s => s.Exceeded))
        {
            throw new AnvilException(FailureKind.TooManyRequests, "rate limit exceeded");
        }

        var attempt = ctx.GetEndpoint()?.Metadata.GetMetadata<AuthAttempt>();
        if (attempt == AuthAttempt.SignUp && await limiter.ChargeSignUpAsync(ip) is { Exceeded: true } signUps)
        {
            state.Record([signUps]);
            throw new AnvilException(FailureKind.TooManyRequests, "too many sign-ups from this address, try again later");
        }
        if (attempt == AuthAttempt.PasswordReset && await limiter.ChargePasswordResetAsync(ip) is { Exceeded: true } resets)
        {
            state.Record([resets]);
            throw new AnvilException(FailureKind.TooManyRequests, "too many password reset requests from this address, try again later");
        }
        if (attempt == AuthAttempt.SignIn && await limiter.CheckSignInAsync(ip) is { Exceeded: true } failures)
        {
            state.Record([failures]);
            throw new AnvilException(FailureKind.TooManyRequests, "too many failed sign-in attempts, try again later");
        }
        try
        {
            await next(ctx);
        }
        catch (AnvilException e) when (attempt == AuthAttempt.SignIn && e.Kind == FailureKind.Unauthorized)
        {
            await limiter.RecordFailedSignInAsync(ip);
            throw;
        }
    }
}

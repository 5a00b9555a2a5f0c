using System.Globalization;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;

namespace Anvil.Server.RateLimiting;

/// <summary>
/// Endpoint metadata for the sign-in, sign-up and password-reset routes (the API's and the pages' forms), whose posts have
/// stricter per-IP limits.
/// </summary>
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

    /// <summary>
    /// The sign-in, sign-up or password reset a page's form may not make now, its address being over the limit: the page says so on the
    /// form, where an API request is refused with 429.
    /// </summary>
    public AuthAttempt? RefusedAttempt { get; private set; }

    /// <summary>Set by a page's sign-in form that refused the password: counted as the API's 401 is.</summary>
    public bool SignInFailed { get; set; }

    public void Refuse(AuthAttempt attempt) => RefusedAttempt = attempt;

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

        // A page's form answers GET too; only its posts are attempts.
        var attempt = HttpMethods.IsPost(ctx.Request.Method) ? ctx.GetEndpoint()?.Metadata.GetMetadata<AuthAttempt>() : null;
        if (attempt is not null && await ChargeAsync(attempt, ip) is { Exceeded: true } refused)
        {
            state.Record([refused]);
            if (state.Surface != ApiSurface.Web)
            {
                throw new AnvilException(FailureKind.TooManyRequests,
                    attempt == AuthAttempt.SignUp ? "too many sign-ups from this address, try again later"
                    : attempt == AuthAttempt.PasswordReset ? "too many password reset requests from this address, try again later"
                    : "too many failed sign-in attempts, try again later");
            }
            state.Refuse(attempt);
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
        if (attempt == AuthAttempt.SignIn && state.SignInFailed)
        {
            await limiter.RecordFailedSignInAsync(ip);
        }
    }

    /// <summary>Sign-ups and password resets count every attempt; sign-ins only look at the failures counted so far.</summary>
    private Task<RateLimitStatus?> ChargeAsync(AuthAttempt attempt, System.Net.IPAddress ip) =>
        attempt == AuthAttempt.SignUp ? limiter.ChargeSignUpAsync(ip)
        : attempt == AuthAttempt.PasswordReset ? limiter.ChargePasswordResetAsync(ip)
        : limiter.CheckSignInAsync(ip);
}

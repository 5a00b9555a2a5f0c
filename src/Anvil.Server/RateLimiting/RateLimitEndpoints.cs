using Anvil.Server.Auth;
using Anvil.Server.Infrastructure.Http;

namespace Anvil.Server.RateLimiting;

/// <summary>Endpoint metadata: the request is not counted against the caller's budget (its headers still report it).</summary>
public sealed class UncountedRequest
{
    public static readonly UncountedRequest Instance = new();

    private UncountedRequest()
    {
    }
}

/// <summary>GitHub's <c>GET /rate_limit</c>: the caller's v1 budget, read without spending any of it.</summary>
public static class RateLimitEndpoints
{
    /// <param name="Reset">Unix seconds when the window ends.</param>
    public sealed record Budget(long Limit, long Used, long Remaining, long Reset, string Resource);

    /// <param name="Rate">GitHub's deprecated copy of <c>resources.core</c>, still read by older clients.</param>
    public sealed record Report(Dictionary<string, Budget> Resources, Budget Rate);

    public static void MapRateLimitEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/rate_limit", async (HttpContext ctx, Caller caller, RateLimiter limiter, TimeProvider time) =>
        {
            var standing = await limiter.PeekV1Async(caller, ctx.ClientIp());
            Budget For(string resource) => standing is { } s
                ? new Budget(s.Rule.Limit, s.Used, s.Remaining, s.ResetAt.ToUnixTimeSeconds(), resource)
                // The limit is off (or its store is down, and requests are not limited): an unspendable budget.
                : new Budget(int.MaxValue, 0, int.MaxValue, time.GetUtcNow().AddHours(1).ToUnixTimeSeconds(), resource);
            // One hourly budget covers every v1 request, search included: each resource reports it.
            var core = For("core");
            return ApiJson.Json(ctx, new Report(new Dictionary<string, Budget> { ["core"] = core, ["search"] = For("search") }, core));
        }).WithMetadata(UncountedRequest.Instance);
    }
}

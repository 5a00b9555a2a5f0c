using System.Globalization;
using Anvil.Server.Auth;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Primitives;

namespace Anvil.Server.Infrastructure.Caching;

/// <summary>
/// Anonymous reads of the hot browsing routes (a repository, its issues, tree, files, history, search) answered
/// from memory: the same bytes every visitor without credentials would get, filed under the
/// <see cref="ChangeClock"/> reading, so any committed change is seen by the very next request. Callers with
/// credentials always get a fresh answer — theirs can depend on who they are.
/// </summary>
public static class AnonymousReadCache
{
    /// <summary>Longest an entry lives; bounds what a node that missed another node's change message could serve.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);

    /// <summary>A larger answer (a big file, a long diff) is not worth the memory it would hold.</summary>
    private const long LargestEntryBytes = 1 << 20;

    public static IServiceCollection AddAnonymousReadCache(this IServiceCollection services, AnvilOptions options)
    {
        services.AddSingleton<ChangeClock>();
        // The clock ticks whatever the response cache: RecentReads read it on every request.
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, ChangeClockInterceptor>();
        services.AddSingleton<RecentReads>();
        if (options.ResponseCacheBytes > 0)
        {
            services.AddOutputCache(o =>
            {
                o.SizeLimit = options.ResponseCacheBytes;
                o.MaximumBodySize = LargestEntryBytes;
                o.DefaultExpirationTimeSpan = Expiry;
            });
        }
        return services;
    }

    /// <summary>After authentication, so the policy knows who is asking.</summary>
    public static void UseAnonymousReadCache(this WebApplication app)
    {
        if (app.Services.GetRequiredService<AnvilOptions>().ResponseCacheBytes > 0)
        {
            app.UseOutputCache();
        }
    }

    /// <summary>Marks the GET routes of <paramref name="builder"/> whose anonymous answers may be served from memory.</summary>
    public static TBuilder CacheAnonymousReads<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.CacheOutput(Policy.Instance);

    private sealed class Policy : IOutputCachePolicy
    {
        public static readonly Policy Instance = new();

        ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken ct)
        {
            var http = context.HttpContext;
            var cacheable = (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                && StringValues.IsNullOrEmpty(http.Request.Headers.Authorization)
                && !http.RequestServices.GetRequiredService<Caller>().IsAuthenticated;
            context.EnableOutputCaching = cacheable;
            context.AllowCacheLookup = cacheable;
            context.AllowCacheStorage = cacheable;
            context.AllowLocking = cacheable; // a burst of misses for one entry computes it once
            if (cacheable)
            {
                var vary = context.CacheVaryByRules;
                vary.QueryKeys = "*";
                vary.HeaderNames = "Accept";
                vary.VaryByValues["changes"] = http.RequestServices.GetRequiredService<ChangeClock>().Reading.ToString(CultureInfo.InvariantCulture);
            }
            return ValueTask.CompletedTask;
        }

        ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken ct) => ValueTask.CompletedTask;

        ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken ct)
        {
            // Only whole successes are kept: a failure is cheap to answer again.
            var response = context.HttpContext.Response;
            if (response.StatusCode != StatusCodes.Status200OK || !StringValues.IsNullOrEmpty(response.Headers.SetCookie))
            {
                context.AllowCacheStorage = false;
            }
            return ValueTask.CompletedTask;
        }
    }
}

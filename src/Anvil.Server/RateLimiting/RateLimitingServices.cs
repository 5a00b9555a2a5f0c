using Anvil.Server.Infrastructure;

namespace Anvil.Server.RateLimiting;

public static class RateLimitingServices
{
    /// <summary>The limiters; the counter store they use comes from <see cref="Cluster.ClusterServices.AddCluster"/>.</summary>
    public static IServiceCollection AddRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ClientIpResolver(sp.GetRequiredService<AnvilOptions>().TrustedProxies));
        services.AddSingleton<RateLimiter>();
        services.AddSingleton(sp => new GitConcurrencyLimiter(sp.GetRequiredService<AnvilOptions>().Limits.GitMaxConcurrency));
        services.AddSingleton(sp => new WebSocketConnectionLimiter(sp.GetRequiredService<AnvilOptions>().Limits.WebSocketsPerIp));
        return services;
    }
}

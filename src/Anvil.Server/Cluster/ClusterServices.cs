using Anvil.Server.Infrastructure;
using Anvil.Server.RateLimiting;

namespace Anvil.Server.Cluster;

public static class ClusterServices
{
    /// <summary>
    /// With <c>REDIS_URL</c>: one Redis connection, shared rate-limit counters and the Redis bus.
    /// Without: the same services in-process, for a single node.
    /// </summary>
    public static IServiceCollection AddCluster(this IServiceCollection services, AnvilOptions options)
    {
        services.AddSingleton<InProcessClusterBus>();
        if (string.IsNullOrEmpty(options.RedisUrl))
        {
            services.AddSingleton<IClusterBus>(sp => sp.GetRequiredService<InProcessClusterBus>());
            services.AddSingleton<IRateLimitCounter, InProcessRateLimitCounter>();
        }
        else
        {
            AddRedis(services);
        }
        return services;
    }

    // Apart so that a single node never loads StackExchange.Redis: the JIT loads the assemblies of every type a method names.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddRedis(IServiceCollection services)
    {
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<RedisClusterBus>();
        services.AddSingleton<IClusterBus>(sp => sp.GetRequiredService<RedisClusterBus>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisClusterBus>());
        services.AddSingleton<IRateLimitCounter, RedisRateLimitCounter>();
    }
}

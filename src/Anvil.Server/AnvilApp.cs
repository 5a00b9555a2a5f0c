using Anvil.Server.Auth;
using Anvil.Server.Checks;
using Anvil.Server.Cluster;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Infrastructure.Storage;
using Anvil.Server.Meta;
using Anvil.Server.Notifications;
using Anvil.Server.Operations;
using Anvil.Server.Repositories;
using Anvil.Server.RateLimiting;
using Anvil.Server.Search;
using Anvil.Server.Users;
using Microsoft.AspNetCore.Identity;

namespace Anvil.Server;

/// <summary>
/// The composition root, shared by <c>Program</c>, the admin CLI and the tests (which start a
/// real Kestrel on a loopback port with their own configuration).
/// </summary>
public static class AnvilApp
{
    public const string DefaultUrl = "http://localhost:3001";

    public static WebApplication Build(string[] args, IDictionary<string, string?>? configOverrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        if (configOverrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(configOverrides);
        }
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = BodyLimit.Default; // routes raise it through BodyLimit metadata
        });
        builder.AddAnvilObservability();
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var options = AnvilOptions.FromConfiguration(builder.Configuration);
        AddAnvilServices(builder.Services, options);

        var app = builder.Build();
        app.UseRouting();
        app.UseAnvilMetrics();
        app.UseMiddleware<RateLimitHeadersMiddleware>(); // outermost: its headers reach every response, errors included
        app.UseMiddleware<ConventionsMiddleware>();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.UseMiddleware<RateLimitMiddleware>(); // after authentication: buckets are per caller
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        MapEndpoints(app);
        return app;
    }

    public static void AddAnvilServices(IServiceCollection services, AnvilOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddAnvilDatabase(options);
        services.AddSingleton<IBlobStore, LocalBlobStore>();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddCluster(options);
        services.AddRateLimiting();
        services.AddScoped<Caller>();
        services.AddScoped<SessionService>();
        services.AddScoped<AccessTokenService>();
        services.AddScoped<AccountService>();
        services.AddScoped<UserService>();
        services.AddHttpContextAccessor();
        services.AddScoped<Infrastructure.Events.DomainEvents>();
        services.AddSingleton(new Anvil.Git.RepositoryStore(options.RepositoriesDir));
        services.AddSingleton(new Anvil.Git.SmartHttpService(Path.Combine(options.DataDir, "hooks")));
        services.AddScoped<RepositoryAccess>();
        services.AddScoped<RepositoryService>();
        services.AddScoped<RepositoryViews>();
        services.AddScoped<NotificationService>();
        services.AddSingleton<SearchIndexInterceptor.IIndexer, RepositorySearchIndexer>();
        services.AddSingleton<SearchIndexInterceptor.IIndexer, UserSearchIndexer>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, SearchIndexInterceptor>();
        services.AddScoped<SearchService>();
        services.AddScoped<CheckService>();
        services.AddSingleton<NotificationHub>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationHub>());
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapObservabilityEndpoints();
        app.MapMetaEndpoints();
        app.MapAuthEndpoints();
        app.MapUserEndpoints();
        app.MapRepositoryEndpoints();
        app.MapRepositoryV1Endpoints();
        app.MapGitHttpEndpoints();
        app.MapNotificationEndpoints();
        app.MapSearchEndpoints();
        app.MapCheckEndpoints();
    }

    /// <summary>Migrates the database, then serves until stopped.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken ct = default)
    {
        await DatabaseSetup.MigrateAsync(app.Services, ct);
        await app.StartAsync(ct);
    }
}

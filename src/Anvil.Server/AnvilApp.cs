using Anvil.Server.Actions;
using Anvil.Server.Auth;
using Anvil.Server.Checks;
using Anvil.Server.Browsing;
using Anvil.Server.Cluster;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Caching;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Infrastructure.Storage;
using Anvil.Server.Issues;
using Anvil.Server.Meta;
using Anvil.Server.Notifications;
using Anvil.Server.Operations;
using Anvil.Server.PullRequests;
using Anvil.Server.Repositories;
using Anvil.Server.RateLimiting;
using Anvil.Server.Search;
using Anvil.Server.Users;
using Anvil.Server.Web;
using Anvil.Server.Webhooks;
using Anvil.Server.Discord;
using Anvil.Server.GitData;
using Anvil.Server.Email;
using Anvil.Web;
using Microsoft.AspNetCore.DataProtection;
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
        // No reloading of appsettings files: watching for them means watching the content root recursively, and
        // the default data directory (./data) lies inside it, so every git object a push writes woke the watcher.
        // The slim builder: the same configuration sources and console logging, without what Anvil never uses but the full
        // builder loads at every start (IIS integration, HTTP/3 over QUIC, hosting-startup scans; ~2–3 MiB of an idle
        // server, issue 21). What it leaves out that Anvil does use is put back below: HTTPS from Kestrel's configuration
        // (HttpsTests) and the regex route constraint (the .diff/.patch routes).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false", .. args] });
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
            k.ConfigureEndpointDefaults(listen => listen.UseEnvelopeForRejections()); // what Kestrel refuses before routing
        });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Services.AddRouting(o => o.SetParameterPolicy<Microsoft.AspNetCore.Routing.Constraints.RegexInlineRouteConstraint>("regex"));
        builder.AddAnvilObservability();

        var options = AnvilOptions.FromConfiguration(builder.Configuration);
        AddAnvilServices(builder.Services, options);

        var app = builder.Build();
        app.UseRouting();
        app.UseAnvilMetrics();
        app.UseMiddleware<Logging.RequestLogMiddleware>(); // sees every answer, the envelope's included
        app.UseMiddleware<RateLimitHeadersMiddleware>(); // outermost but for the log: its headers reach every response, errors included
        app.UseMiddleware<ConventionsMiddleware>();
        app.UseMiddleware<Discord.DiscordBotMiddleware>();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) }); // before authentication: a handshake is checked as one
        app.UseMiddleware<AuthenticationMiddleware>();
        app.UseMiddleware<RateLimitMiddleware>(); // after authentication: buckets are per caller
        app.UseAnvilWeb(); // the web pages' antiforgery; API routes carry no antiforgery metadata and are untouched
        app.UseAnonymousReadCache(); // after rate limiting: an answer from memory still counts against the budget
        app.UseMiddleware<Repositories.RepositoryRedirectMiddleware>(); // innermost: it rewrites the matched route's path
        MapEndpoints(app);
        return app;
    }

    public static void AddAnvilServices(IServiceCollection services, AnvilOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddAnvilDatabase(options);
        services.AddBlobStorage(options);
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddCluster(options);
        services.AddAnonymousReadCache(options);
        services.AddRateLimiting();
        services.AddScoped<Caller>();
        services.AddSingleton<CredentialCache>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, CredentialChangeInterceptor>();
        services.AddScoped<SessionService>();
        services.AddScoped<AccessTokenService>();
        services.AddScoped<AccountService>();
        services.AddScoped<InvitationService>();
        services.AddScoped<UserAdministration>();
        services.AddEmail(options.Mail);
        services.AddScoped<AccountEmails>();
        services.AddScoped<UserService>();
        services.AddHttpContextAccessor();
        services.AddSingleton<PublicAddress>();
        services.AddScoped<Infrastructure.Events.DomainEvents>();
        services.AddHostedService<Infrastructure.Events.OutboxWorker>();
        services.AddSingleton(sp => new RepositoryStore(options.RepositoriesDir, sp.GetRequiredService<Anvil.Git.Reading.CatFilePool>()));
        services.AddSingleton(new SmartHttpService(Path.Combine(options.DataDir, "hooks")));
        services.AddScoped<RepositoryAccess>();
        services.AddScoped<RepositoryContext>();
        services.AddScoped<RepositoryService>();
        services.AddSingleton<RepositoryLanguages>();
        services.AddScoped<RepositoryViews>();
        services.AddScoped<NotificationService>();
        services.AddSingleton<SearchIndexInterceptor.IIndexer, RepositorySearchIndexer>();
        services.AddSingleton<SearchIndexInterceptor.IIndexer, UserSearchIndexer>();
        services.AddSingleton<SearchIndexInterceptor.IIndexer, IssueSearchIndexer>();
        services.AddSingleton<SearchIndexInterceptor.IIndexer, IssueCommentSearchIndexer>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, SearchIndexInterceptor>();
        services.AddScoped<SearchService>();
        services.AddScoped<CheckService>();
        services.AddSingleton<CommitRefs>();
        services.AddScoped<CommitStatusService>();
        services.AddScoped<GitDataService>();
        services.AddScoped<ContentWriteService>();
        services.AddActions();
        services.AddSingleton<NotificationHub>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationHub>());
        services.AddWebhooks();
        services.AddScoped<Discord.DiscordBot>();
        services.AddScoped<Discord.DiscordLinkService>();
        services.AddSingleton<Anvil.Git.Reading.CatFilePool>(_ => new Anvil.Git.Reading.CatFilePool()); // built by the container, so disposed with the app
        services.AddSingleton(sp => new Anvil.Git.Reading.GitReader(sp.GetRequiredService<Anvil.Git.Reading.CatFilePool>()));
        services.AddSingleton<Browsing.BrowsingCache>();
        services.AddScoped<Browsing.BrowsingService>();
        services.AddSingleton<Browsing.ArchiveLinks>();
        services.AddSingleton<IssueNumberGate>();
        services.AddScoped<IssueService>();
        services.AddScoped<LabelService>();
        services.AddScoped<IssueSearchResults>();
        services.AddScoped<CallerIssues>();
        services.AddScoped<ISearchResultPresenter>(sp => sp.GetRequiredService<IssueSearchResults>());
        services.AddScoped<RepositoryMaintenance>();
        services.AddHostedService<RepositoryMaintenanceWorker>();
        services.AddPullRequests();
        services.AddDomainEventHandlers();
        // Antiforgery tokens are sealed with these keys: kept with the data so they survive restarts and are shared by nodes.
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDir, "keys"))).SetApplicationName("Anvil");
        services.AddWebPages();
        // The key ring is read (or its first key written) when a page first seals or opens a token, not at start-up:
        // the hosted service that pre-loads it pulled the XML stack and the key store into every idle server, which
        // may never serve a form. The first form page pays the read once instead. Removed here, after the pages,
        // because their antiforgery registers data protection (and that service) again.
        foreach (var preload in services.Where(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService").ToList())
        {
            services.Remove(preload);
        }
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapObservabilityEndpoints();
        app.MapMetaEndpoints();
        app.MapRateLimitEndpoints();
        app.MapAuthEndpoints();
        app.MapUserEndpoints();
        app.MapRepositoryEndpoints();
        app.MapRepositoryV1Endpoints();
        app.MapRepositoryFactsV1Endpoints();
        app.MapGitHttpEndpoints();
        app.MapNotificationEndpoints();
        app.MapSearchEndpoints();
        app.MapCheckEndpoints();
        app.MapCommitStatusEndpoints();
        app.MapGitDataEndpoints();
        app.MapContentWriteEndpoints();
        app.MapArchiveEndpoints();
        app.MapActionsEndpoints();
        app.MapWorkflowBadgeEndpoints();
        app.MapWebhookEndpoints();
        app.MapDiscordEndpoints();
        app.MapBrowsingEndpoints();
        app.MapBrowsingV1Endpoints();
        app.MapIssueEndpoints();
        app.MapIssueV1Endpoints();
        app.MapPullRequestEndpoints();
        app.MapPullRequestV1Endpoints();
        app.MapChangeTextEndpoints();
        app.MapWebPages(); // last: its "/{owner}/{repo}/…" pages yield to every literal route above
    }

    /// <summary>Migrates the database, then serves until stopped.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken ct = default)
    {
        await DatabaseSetup.MigrateAsync(app.Services, ct);
        await app.StartAsync(ct);
        await Logging.LogStartupAsync(app, ct);
        // Start-up (migrations, model building, route tables) leaves garbage the GC would keep its memory for until
        // load arrives; compacting once hands it back, so an idle server stays small.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>How long after start-up the background workers' first passes are taken to be over.</summary>
    internal static readonly TimeSpan StartupBurst = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Compacts once more when start-up's background burst is over. The workers (outbox, Actions sweep, webhooks…)
    /// start with the host and their first passes compile their queries after <see cref="StartAsync"/>'s collection;
    /// what those compilations leave behind survives into the older generations, which an idle server never collects,
    /// so it stayed resident (~10 MiB, measured for issue 21). One blocking collection, once, 2 s after start.
    /// The server process calls it; test hosts sharing one process do not need it.
    /// </summary>
    public static void CompactAfterStartupBurst(WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(StartupBurst, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }, CancellationToken.None);
    }
}

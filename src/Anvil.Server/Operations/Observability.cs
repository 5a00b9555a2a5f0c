using System.Net;
using System.Security.Cryptography;
using System.Text;
using Prometheus;
using Scalar.AspNetCore;

namespace Anvil.Server.Operations;

/// <summary>Metrics, logs and API docs: how operators and integrators see a running Anvil.</summary>
public static class Observability
{
    /// <summary>Git transport operations by service and outcome.</summary>
    public static readonly Counter GitOperations = Metrics.CreateCounter(
        "anvil_git_operations_total", "Git operations run: smart HTTP services and maintenance (gc, fsck).", "service", "outcome");

    /// <summary>How long git operations take, by the same service names.</summary>
    public static readonly Histogram GitOperationDuration = Metrics.CreateHistogram(
        "anvil_git_operation_duration_seconds", "Duration of git operations.",
        new HistogramConfiguration { LabelNames = ["service"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });

    /// <summary>Webhook deliveries not yet delivered nor given up, read from the database at each scrape.</summary>
    public static readonly Gauge WebhookQueueDepth = Metrics.CreateGauge(
        "anvil_webhook_deliveries_pending", "Webhook deliveries waiting to be sent (queue depth).");

    /// <summary>Actions jobs queued and waiting for a runner, read from the database at each scrape.</summary>
    public static readonly Gauge ActionsJobQueueDepth = Metrics.CreateGauge(
        "anvil_actions_jobs_queued", "Actions jobs queued and waiting for a runner (queue depth).");

    /// <summary>Times one git operation into <see cref="GitOperationDuration"/> until disposed.</summary>
    public static IDisposable TimeGitOperation(string service) => GitOperationDuration.WithLabels(service).NewTimer();

    /// <summary>
    /// Metrics tell the world about traffic and queues: with <c>ANVIL_METRICS_TOKEN</c> set a scrape needs it as its
    /// bearer token (401 otherwise); unset, only a client on this machine may scrape (404 for the rest). The client's
    /// address is the one rate limiting uses, so a remote client behind a trusted proxy is not taken for the proxy.
    /// </summary>
    private static void RequireScrapeAccess(HttpContext ctx, Infrastructure.AnvilOptions options)
    {
        if (options.MetricsToken is { } token)
        {
            var presented = Auth.AuthenticationMiddleware.BearerCredential(ctx.Request) ?? "";
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(token)))
            {
                throw Infrastructure.AnvilException.Unauthorized("metrics need Authorization: Bearer with ANVIL_METRICS_TOKEN");
            }
            return;
        }
        if (!IPAddress.IsLoopback(RateLimiting.ClientIpExtensions.ClientIp(ctx)))
        {
            throw Infrastructure.AnvilException.NotFound();
        }
    }

    public static void AddAnvilObservability(this WebApplicationBuilder builder)
    {
        builder.AddAnvilLogging();
        builder.Services.AddOpenApi("v1", o =>
        {
            o.AddSurfaceSchemas();
            o.AddOperationDescriptions();
        });
        // In-flight pushes and merges get time to finish before the process exits.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(
            int.TryParse(builder.Configuration["ANVIL_SHUTDOWN_SECONDS"], out var s) && s > 0 ? s : 60));
    }

    public static void UseAnvilMetrics(this WebApplication app) => app.UseHttpMetrics(o => o.ReduceStatusCodeCardinality());

    public static void MapObservabilityEndpoints(this WebApplication app)
    {
        var scrape = ((IEndpointRouteBuilder)app).CreateApplicationBuilder();
        scrape.Use(async (ctx, next) =>
        {
            RequireScrapeAccess(ctx, ctx.RequestServices.GetRequiredService<Infrastructure.AnvilOptions>());
            // Gauges of durable queues live in the database: refresh them when scraped, from this app's own database.
            WebhookQueueDepth.Set(await ctx.RequestServices.GetRequiredService<Webhooks.WebhookQueue>().PendingCountAsync(ctx.RequestAborted));
            ActionsJobQueueDepth.Set(await ctx.RequestServices.GetRequiredService<Actions.RunnerService>().QueuedJobCountAsync(ctx.RequestAborted));
            await next(ctx);
        });
        scrape.UseMetricServer(_ => { }, url: null);
        app.Map("/metrics", scrape.Build()).WithMetadata(new Auth.OwnCredentials()).WithDisplayName("Prometheus metrics");
        app.MapOpenApi("/openapi/{documentName}.json");
        // Only what works on a closed network and needs no account elsewhere: no AI agent, MCP, telemetry, web fonts,
        // hosted proxy or SDK-generation buttons.
        app.MapScalarApiReference("/docs", o => o.WithTitle("Anvil API").WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableAgent().DisableMcp().DisableTelemetry().DisableDefaultFonts().HideClientButton().HideDeveloperTools());
    }
}

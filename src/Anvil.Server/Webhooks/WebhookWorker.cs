using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Webhooks;

/// <summary>
/// Sends due deliveries. Rows are claimed with a conditional UPDATE that sets a lease, so any
/// number of server instances can run this worker against one database without sending the same
/// attempt twice; a lease left by a crashed instance expires and the row is picked up again.
/// Pending rows are simply rows, so a restart resumes them.
/// </summary>
public sealed class WebhookWorker(IServiceScopeFactory scopes, WebhookSender sender, WebhookSignal signal, AnvilOptions options,
    TimeProvider clock, ILogger<WebhookWorker> log) : BackgroundService
{
    private const int BatchSize = 16;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);
    private readonly Guid _instance = Guid.NewGuid();

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
    // Long enough to cover the request timeout plus bookkeeping; a live worker never loses its row.
    private TimeSpan Lease => options.WebhookTimeout + TimeSpan.FromSeconds(30);

    /// <summary>Delay before attempt <paramref name="nextAttempt"/> (2 = first retry): the base, doubled per retry.</summary>
    public static TimeSpan RetryDelay(TimeSpan retryBase, int nextAttempt) =>
        TimeSpan.FromTicks(retryBase.Ticks * (1L << Math.Clamp(nextAttempt - 2, 0, 20)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var claimed = await ClaimDueAsync(stoppingToken);
                await Task.WhenAll(claimed.Select(id => ProcessAsync(id, stoppingToken)));
                wait = claimed.Count == BatchSize ? TimeSpan.Zero : await UntilNextDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "webhook worker pass failed");
                wait = IdlePoll;
            }
            if (wait > TimeSpan.Zero)
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
        }
    }

    private async Task<TimeSpan> UntilNextDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
        var next = await db.Set<WebhookDelivery>().Where(d => d.State == DeliveryState.Pending)
            .Select(d => (DateTime?)(d.LeaseUntil != null && d.LeaseUntil > d.NextAttemptAt ? d.LeaseUntil : d.NextAttemptAt))
            .OrderBy(t => t).FirstOrDefaultAsync(ct);
        if (next is null)
        {
            return IdlePoll;
        }
        var wait = next.Value - Now;
        return wait < TimeSpan.Zero ? TimeSpan.FromMilliseconds(50) : wait < IdlePoll ? wait : IdlePoll;
    }

    private async Task<List<long>> ClaimDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
        var now = Now;
        var candidates = await db.Set<WebhookDelivery>()
            .Where(d => d.State == DeliveryState.Pending && d.NextAttemptAt <= now && (d.LeaseUntil == null || d.LeaseUntil < now))
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Select(d => d.Id).Take(BatchSize).ToListAsync(ct);
        var claimed = new List<long>();
        var leaseUntil = now + Lease;
        foreach (var id in candidates)
        {
            // The same condition again, atomically: of several instances racing for a row, exactly one updates it.
            var won = await db.Set<WebhookDelivery>()
                .Where(d => d.Id == id && d.State == DeliveryState.Pending && (d.LeaseUntil == null || d.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, _instance).SetProperty(d => d.LeaseUntil, leaseUntil), ct);
            if (won == 1)
            {
                claimed.Add(id);
            }
        }
        return claimed;
    }

    private async Task ProcessAsync(long deliveryId, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
            var delivery = await db.Set<WebhookDelivery>().FirstOrDefaultAsync(d => d.Id == deliveryId && d.LeaseOwner == _instance, ct);
            if (delivery is null)
            {
                return;
            }
            var hook = delivery.WebhookId is { } hookId ? await db.Set<Webhook>().FirstOrDefaultAsync(h => h.Id == hookId, ct) : null;
            var outgoing = Outgoing(delivery, hook);
            var number = delivery.AttemptCount + 1;
            var started = Now;
            var result = outgoing is null
                ? new AttemptResult(null, "the target is no longer configured", true, new Dictionary<string, string>(), new Dictionary<string, string>(), null, 0)
                : await sender.SendAsync(outgoing, ct);

            db.Add(new WebhookAttempt
            {
                DeliveryId = delivery.Id,
                Number = number,
                Url = outgoing?.Url ?? "",
                StartedAt = started,
                DurationMs = result.DurationMs,
                StatusCode = result.StatusCode,
                Error = Truncate(result.Error, 1000),
                RequestHeaders = WebhookSender.HeadersJson(result.RequestHeaders),
                ResponseHeaders = WebhookSender.HeadersJson(result.ResponseHeaders),
                ResponseBody = result.ResponseBody,
            });
            delivery.AttemptCount = number;
            delivery.LastStatusCode = result.StatusCode;
            delivery.LastDurationMs = result.DurationMs;
            delivery.LastStatus = Truncate(result.Succeeded ? "OK" : result.Error ?? $"Invalid HTTP Response: {result.StatusCode}", 1000);
            delivery.LeaseOwner = null;
            delivery.LeaseUntil = null;
            if (result.Succeeded)
            {
                delivery.State = DeliveryState.Delivered;
                delivery.DeliveredAt = Now;
            }
            // A refused address will not become acceptable by waiting; everything else may recover.
            else if (result.Refused || number >= options.WebhookMaxAttempts)
            {
                delivery.State = DeliveryState.Failed;
            }
            else
            {
                delivery.NextAttemptAt = Now + RetryDelay(options.WebhookRetryBase, number + 1);
            }
            if (hook is not null)
            {
                hook.LastResponseCode = result.StatusCode;
                hook.LastResponseStatus = result.Succeeded ? "active" : "failed";
                hook.LastResponseMessage = Truncate(delivery.LastStatus, 1000);
            }
            await db.SaveChangesAsync(CancellationToken.None);
            log.LogInformation("webhook delivery {Delivery} ({Event}) attempt {Attempt} to {Host}: {Outcome} in {DurationMs} ms",
                delivery.Id, delivery.Event, number, Uri.TryCreate(outgoing?.Url, UriKind.Absolute, out var target) ? target.Host : "-",
                delivery.State == DeliveryState.Delivered ? $"delivered ({result.StatusCode})"
                    : delivery.State == DeliveryState.Failed ? $"given up ({delivery.LastStatus})" : $"failed, will retry ({delivery.LastStatus})",
                result.DurationMs);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down mid-send: hand the row back so the next start (or another node) retries it at once.
            await ReleaseAsync(deliveryId);
        }
        catch (Exception e)
        {
            log.LogError(e, "webhook delivery {Id} failed to process", deliveryId);
        }
    }

    private async Task ReleaseAsync(long deliveryId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AnvilDbContext>().Set<WebhookDelivery>()
                .Where(d => d.Id == deliveryId && d.LeaseOwner == _instance)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, (Guid?)null).SetProperty(d => d.LeaseUntil, (DateTime?)null));
        }
        catch (Exception e)
        {
            log.LogWarning(e, "could not release webhook delivery {Id}; its lease will expire", deliveryId);
        }
    }

    private OutgoingWebhook? Outgoing(WebhookDelivery d, Webhook? hook) => d.Target switch
    {
        DeliveryTarget.RepositoryHook when hook is not null =>
            new OutgoingWebhook(hook.Url, d.Event, d.Guid, hook.Id, d.Payload, hook.ContentType, hook.Secret, hook.InsecureSsl),
        DeliveryTarget.Discord when options.DiscordWebhookUrl is { } url =>
            new OutgoingWebhook(url, d.Event, d.Guid, null, d.Payload, "json", null, false),
        _ => null,
    };

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}

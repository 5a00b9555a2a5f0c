using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Anvil.Server.Discord;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Webhooks;

/// <summary>Wakes this process's delivery worker as soon as something is enqueued.</summary>
public sealed class WebhookSignal : WorkerSignal;

/// <summary>
/// The fan-out from "this happened in a repository" to delivery rows: one per subscribed active
/// hook, plus one for the Discord channel when the repository is public. Adding an event means
/// building its payload and calling <see cref="DispatchAsync"/>; nothing else changes.
/// </summary>
public sealed class WebhookQueue(AnvilDbContext db, WebhookSignal signal, AnvilOptions options, TimeProvider clock, DomainEvents events)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task DispatchAsync(Repository repo, string eventName, JsonObject payload, CancellationToken ct)
    {
        var action = payload["action"]?.GetValue<string>();
        var text = payload.ToJsonString(Surfaces.V1Json);
        var effect = events.NextEffectKey();
        var deliveries = new List<WebhookDelivery>();
        foreach (var hook in (await ActiveHooksAsync(repo, ct)).Where(h => h.Wants(eventName)))
        {
            deliveries.Add(NewDelivery(DeliveryTarget.RepositoryHook, hook.Id, repo.Id, eventName, action, text, effect is null ? null : $"{effect}:hook{hook.Id}"));
        }
        if (AnnouncesOnDiscord(repo) && DiscordEmbeds.ForEvent(eventName, payload) is { } message)
        {
            deliveries.Add(NewDelivery(DeliveryTarget.Discord, null, repo.Id, eventName, action, message.ToJsonString(), effect is null ? null : $"{effect}:discord"));
        }
        if (events.Replaying)
        {
            // Dispatched again after a crash: what the first dispatch enqueued is there already.
            var keys = deliveries.Select(d => d.EffectKey).ToList();
            var done = (await db.Set<WebhookDelivery>().Where(d => keys.Contains(d.EffectKey)).Select(d => d.EffectKey).ToListAsync(ct)).ToHashSet();
            deliveries.RemoveAll(d => done.Contains(d.EffectKey));
        }
        db.AddRange(deliveries);
        await SaveAndSignalAsync(ct);
    }

    /// <summary>
    /// Whether anything may receive one of <paramref name="eventNames"/> from <paramref name="repo"/>: producers
    /// whose payloads cost git work (a push's commits and files) skip it when nobody listens.
    /// </summary>
    public async Task<bool> HasListenersAsync(Repository repo, IReadOnlyCollection<string> eventNames, CancellationToken ct) =>
        AnnouncesOnDiscord(repo) || (await ActiveHooksAsync(repo, ct)).Any(h => eventNames.Any(h.Wants));

    private Task<List<Webhook>> ActiveHooksAsync(Repository repo, CancellationToken ct) =>
        db.Set<Webhook>().AsNoTracking().Where(h => h.RepositoryId == repo.Id && h.Active).OrderBy(h => h.Id).ToListAsync(ct);

    // The instance's Discord channel is shared by everyone: only public repositories are announced there.
    private bool AnnouncesOnDiscord(Repository repo) => options.DiscordWebhookUrl is not null && !repo.IsPrivate;

    /// <summary>Deliveries waiting for their first or next attempt: the queue's depth.</summary>
    public Task<int> PendingCountAsync(CancellationToken ct) =>
        db.Set<WebhookDelivery>().CountAsync(d => d.State == DeliveryState.Pending, ct);

    /// <summary>Enqueues one delivery to one hook (pings, redeliveries).</summary>
    public async Task<WebhookDelivery> EnqueueAsync(Webhook hook, string eventName, string payload, Guid? guid, CancellationToken ct)
    {
        var delivery = NewDelivery(DeliveryTarget.RepositoryHook, hook.Id, hook.RepositoryId, eventName, ActionOf(payload), payload);
        if (guid is { } g)
        {
            delivery.Guid = g;
            delivery.Redelivery = true;
        }
        db.Add(delivery);
        await SaveAndSignalAsync(ct);
        return delivery;
    }

    /// <summary>Enqueues a message for the Discord channel; fails when the integration is not configured.</summary>
    public async Task<WebhookDelivery> EnqueueDiscordAsync(long? repositoryId, string eventName, JsonObject message, CancellationToken ct)
    {
        if (options.DiscordWebhookUrl is null)
        {
            throw new AnvilException(FailureKind.Unavailable, "Discord integration is not configured (DISCORD_WEBHOOK_URL)");
        }
        var delivery = NewDelivery(DeliveryTarget.Discord, null, repositoryId, eventName, null, message.ToJsonString());
        db.Add(delivery);
        await SaveAndSignalAsync(ct);
        return delivery;
    }

    private WebhookDelivery NewDelivery(DeliveryTarget target, long? hookId, long? repoId, string eventName, string? action, string payload,
        string? effectKey = null) => new()
    {
        EffectKey = effectKey,
        Guid = Guid.NewGuid(),
        Target = target,
        WebhookId = hookId,
        RepositoryId = repoId,
        Event = eventName,
        Action = action,
        Payload = payload,
        State = DeliveryState.Pending,
        NextAttemptAt = Now,
        CreatedAt = Now,
    };

    private async Task SaveAndSignalAsync(CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        signal.Notify();
    }

    private static string? ActionOf(string payload)
    {
        try
        {
            return JsonNode.Parse(payload) is JsonObject o && o["action"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Webhooks;

/// <summary>A repository webhook: where to send which events, and how.</summary>
public sealed class Webhook
{
    public long Id { get; set; }
    public long RepositoryId { get; set; }
    public required string Url { get; set; }
    /// <summary><c>json</c> or <c>form</c>.</summary>
    public required string ContentType { get; set; }
    /// <summary>
    /// The HMAC key. Stored as given because signing needs it; it is never returned by any route
    /// (views show <c>********</c>).
    /// </summary>
    public string? Secret { get; set; }
    public bool InsecureSsl { get; set; }
    /// <summary>Space-separated event names, or <c>*</c>.</summary>
    public required string Events { get; set; }
    public bool Active { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int? LastResponseCode { get; set; }
    public string? LastResponseStatus { get; set; }
    public string? LastResponseMessage { get; set; }

    public IReadOnlyList<string> EventList => Events.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public bool Wants(string eventName) => EventList.Any(e => e == "*" || e == eventName);
}

public enum DeliveryTarget
{
    /// <summary>A repository webhook (<see cref="WebhookDelivery.WebhookId"/> says which).</summary>
    RepositoryHook = 0,
    /// <summary>The instance's Discord channel (<c>DISCORD_WEBHOOK_URL</c>).</summary>
    Discord = 1,
}

public enum DeliveryState
{
    Pending = 0,
    Delivered = 1,
    Failed = 2,
}

/// <summary>
/// One event to send to one target: a durable row the worker claims, attempts and reschedules
/// until it is delivered or out of attempts. The payload is frozen at enqueue time.
/// </summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    /// <summary>The <c>X-GitHub-Delivery</c> id; a redelivery keeps its original's.</summary>
    public Guid Guid { get; set; }
    public DeliveryTarget Target { get; set; }
    public long? WebhookId { get; set; }
    public long? RepositoryId { get; set; }
    public required string Event { get; set; }
    public string? Action { get; set; }
    public required string Payload { get; set; }
    public bool Redelivery { get; set; }
    public DeliveryState State { get; set; }
    public int AttemptCount { get; set; }
    public DateTime NextAttemptAt { get; set; }
    /// <summary>Who holds the row while sending, and until when; an expired lease lets another worker take it over.</summary>
    public Guid? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastStatus { get; set; }
    public long? LastDurationMs { get; set; }
    /// <summary>
    /// Which dispatch of which outbox event enqueued it (<see cref="Infrastructure.Events.DomainEvents.NextEffectKey"/>);
    /// unique, so an event dispatched again after a crash cannot enqueue it twice.
    /// </summary>
    public string? EffectKey { get; set; }
}

/// <summary>One try at sending a delivery, with what went over the wire.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    public int Number { get; set; }
    public required string Url { get; set; }
    public DateTime StartedAt { get; set; }
    public long DurationMs { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    /// <summary>JSON object of header name → value.</summary>
    public required string RequestHeaders { get; set; }
    public required string ResponseHeaders { get; set; }
    /// <summary>At most <see cref="WebhookSender.MaxResponseBodyChars"/> characters of the response body.</summary>
    public string? ResponseBody { get; set; }
}

internal sealed class WebhookConfiguration :
    IEntityTypeConfiguration<Webhook>, IEntityTypeConfiguration<WebhookDelivery>, IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<Webhook> e)
    {
        e.HasIndex(h => h.RepositoryId);
        e.Property(h => h.Url).HasMaxLength(2048);
        e.Property(h => h.ContentType).HasMaxLength(10);
        e.Property(h => h.Secret).HasMaxLength(1024);
        e.Property(h => h.Events).HasMaxLength(1024);
        e.Property(h => h.LastResponseStatus).HasMaxLength(20);
        e.Property(h => h.LastResponseMessage).HasMaxLength(1000);
        e.Ignore(h => h.EventList);
        e.HasOne<Repository>().WithMany().HasForeignKey(h => h.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<WebhookDelivery> e)
    {
        // The worker's question: which pending rows are due?
        e.HasIndex(d => new { d.State, d.NextAttemptAt });
        e.HasIndex(d => new { d.WebhookId, d.Id });
        e.Property(d => d.Event).HasMaxLength(50);
        e.Property(d => d.Action).HasMaxLength(50);
        e.Property(d => d.LastStatus).HasMaxLength(1000);
        e.Property(d => d.EffectKey).HasMaxLength(200);
        e.HasIndex(d => d.EffectKey).IsUnique();
        e.HasOne<Webhook>().WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Repository>().WithMany().HasForeignKey(d => d.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<WebhookAttempt> e)
    {
        e.HasIndex(a => new { a.DeliveryId, a.Number }).IsUnique();
        e.Property(a => a.Url).HasMaxLength(2048);
        e.Property(a => a.Error).HasMaxLength(1000);
        e.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}

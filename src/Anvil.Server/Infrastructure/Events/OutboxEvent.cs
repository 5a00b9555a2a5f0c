using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Infrastructure.Events;

/// <summary>
/// A domain event as committed with the change that raised it: the outbox. Whoever raised it dispatches it right after
/// the commit; if that process died first, <see cref="OutboxWorker"/> dispatches it once its lease runs out.
/// </summary>
public sealed class OutboxEvent
{
    public long Id { get; set; }
    /// <summary>The event's type (full name, an Anvil type).</summary>
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Until then the event is its raiser's to dispatch; the worker leaves it alone.</summary>
    public DateTime ClaimedUntil { get; set; }
    public DateTime? DispatchedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}

internal sealed class OutboxEventConfiguration : IEntityTypeConfiguration<OutboxEvent>
{
    public void Configure(EntityTypeBuilder<OutboxEvent> e)
    {
        e.ToTable("OutboxEvents");
        // The worker's "not dispatched, lease over" look stays small however many dispatched rows wait for pruning.
        e.HasIndex(o => new { o.DispatchedAt, o.ClaimedUntil });
        e.Property(o => o.Type).HasMaxLength(200);
        e.Property(o => o.LastError).HasMaxLength(1000);
    }
}

/// <summary>How events are written to and read back from the outbox.</summary>
public static class OutboxSerializer
{
    // Events carry entities (a repository with its owner, an issue with its author…): cycles are cut, and secrets that
    // ride along on an entity (a user's password hash) never reach the outbox. Read back, a missing member is left at
    // its default rather than failing the whole event.
    private static readonly JsonSerializerOptions Options = new()
    {
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { LeaveOutSecrets } },
    };

    private static readonly HashSet<string> Secrets = ["PasswordHash", "TokenHash", "SecretHash"];

    private static void LeaveOutSecrets(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        foreach (var property in info.Properties.ToList())
        {
            property.IsRequired = false;
            if (Secrets.Contains(property.Name))
            {
                info.Properties.Remove(property);
            }
        }
    }

    public static string Serialize(object evt) => JsonSerializer.Serialize(evt, evt.GetType(), Options);

    public static string TypeName(Type type) => type.FullName ?? type.Name;

    /// <summary>The event, or null when its type is not one of Anvil's (renamed since, say).</summary>
    public static IDomainEvent? Deserialize(string typeName, string payload) =>
        typeof(OutboxSerializer).Assembly.GetType(typeName) is { } type && type.IsAssignableTo(typeof(IDomainEvent))
            ? (IDomainEvent?)JsonSerializer.Deserialize(payload, type, Options) : null;
}

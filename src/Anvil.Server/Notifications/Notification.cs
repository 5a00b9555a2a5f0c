using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Notifications;

/// <summary>Why a user is told about something (GitHub's notification reasons).</summary>
public static class NotificationReasons
{
    public const string Mention = "mention";
    public const string Comment = "comment";
    public const string Assign = "assign";
    public const string Author = "author";
    public const string Review = "review_requested";
    public const string StateChange = "state_change";
    public const string Subscribed = "subscribed";
    /// <summary>Something of the user's went because their access to a private repository ended.</summary>
    public const string AccessRemoved = "access_removed";

    /// <summary>
    /// GitHub's <c>participating</c>: the user is directly involved (mentioned, the author, commenting, assigned, asked to
    /// review, or a thread they are in changed state); not what they only watch or what happened to their access.
    /// </summary>
    public static readonly IReadOnlyList<string> Participating = [Mention, Comment, Assign, Author, Review, StateChange];
}

/// <summary>
/// Which of a user's notifications a list shows: unread only, <see cref="NotificationReasons.Participating"/> only, and
/// those updated at or after <paramref name="Since"/> and before <paramref name="Before"/> (GitHub's filters).
/// </summary>
public sealed record NotificationFilter(bool UnreadOnly, bool ParticipatingOnly = false, DateTime? Since = null, DateTime? Before = null);

/// <summary>One thing a user should know about: someone commented, assigned, mentioned, reviewed, merged…</summary>
public sealed class Notification
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public long? ActorId { get; set; }
    public User? Actor { get; set; }
    /// <summary>Null only for news about a repository that is gone (a fork deleted when its owner lost access).</summary>
    public long? RepositoryId { get; set; }
    public Repository? Repository { get; set; }
    /// <summary><c>Issue</c>, <c>PullRequest</c> (GitHub's subject types) or <c>Repository</c>.</summary>
    public required string SubjectType { get; set; }
    public int SubjectNumber { get; set; }
    public required string SubjectTitle { get; set; }
    public required string Reason { get; set; }
    /// <summary>What happened, e.g. "commented", "merged", "assigned you".</summary>
    public required string Action { get; set; }
    public bool Unread { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
    /// <summary>Which dispatch of which outbox event created it; unique, so a dispatch again after a crash tells no one twice.</summary>
    public string? EffectKey { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> e)
    {
        // The inbox is "my notifications, newest first", optionally only unread.
        e.HasIndex(n => new { n.UserId, n.Unread, n.Id });
        e.HasIndex(n => new { n.UserId, n.Id });
        e.Property(n => n.SubjectType).HasMaxLength(20);
        e.Property(n => n.SubjectTitle).HasMaxLength(256);
        e.Property(n => n.Reason).HasMaxLength(32);
        e.Property(n => n.Action).HasMaxLength(64);
        e.Property(n => n.EffectKey).HasMaxLength(200);
        e.HasIndex(n => n.EffectKey).IsUnique();
        e.HasOne<User>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(n => n.Actor).WithMany().HasForeignKey(n => n.ActorId).OnDelete(DeleteBehavior.SetNull);
        e.HasOne(n => n.Repository).WithMany().HasForeignKey(n => n.RepositoryId).OnDelete(DeleteBehavior.Cascade);
    }
}

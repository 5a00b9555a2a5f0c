using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Anvil.Server.Discord;

/// <summary>A Discord account linked to an Anvil user. One Discord account per user and one user per Discord account.</summary>
public sealed class DiscordLink
{
    public long Id { get; set; }
    public required string DiscordId { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public bool Verified { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A single-use link token the bot asked for on behalf of <see cref="DiscordId"/>; only its SHA-256 is stored.</summary>
public sealed class DiscordLinkToken
{
    public long Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public required string DiscordId { get; set; }
    /// <summary>When the bot named the account (<c>sigmagitEmail</c>): only the user with this email may spend the token.</summary>
    public string? NormalizedEmail { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
    /// <summary>The user who spent it.</summary>
    public long? UsedByUserId { get; set; }
}

internal sealed class DiscordConfiguration : IEntityTypeConfiguration<DiscordLink>, IEntityTypeConfiguration<DiscordLinkToken>
{
    public void Configure(EntityTypeBuilder<DiscordLink> e)
    {
        e.HasIndex(l => l.DiscordId).IsUnique();
        e.HasIndex(l => l.UserId).IsUnique();
        e.Property(l => l.DiscordId).HasMaxLength(DiscordLinkService.MaxDiscordIdLength);
        e.HasOne(l => l.User).WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<DiscordLinkToken> e)
    {
        e.HasIndex(t => t.TokenHash).IsUnique();
        e.HasIndex(t => t.UsedByUserId);
        e.Property(t => t.DiscordId).HasMaxLength(DiscordLinkService.MaxDiscordIdLength);
        e.Property(t => t.NormalizedEmail).HasMaxLength(DiscordLinkService.MaxEmailLength);
        e.HasOne<User>().WithMany().HasForeignKey(t => t.UsedByUserId).OnDelete(DeleteBehavior.Cascade);
    }
}

using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Auth;

/// <summary>Who may create an account through sign-up: anyone, holders of an invitation, or nobody (ANVIL_SIGNUP).</summary>
public enum SignupPolicy
{
    Open,
    Invite,
    Closed,
}

/// <summary>A single-use link an administrator hands out to let one person sign up when sign-up is by invitation.</summary>
public sealed class Invitation
{
    public long Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public long? CreatedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
    public long? UsedById { get; set; }
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<Invitation> e)
    {
        e.HasIndex(i => i.TokenHash).IsUnique();
        e.HasOne<Users.User>().WithMany().HasForeignKey(i => i.CreatedById).OnDelete(DeleteBehavior.SetNull);
        e.HasOne<Users.User>().WithMany().HasForeignKey(i => i.UsedById).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed record NewInvitation(string Token, string Url, DateTime ExpiresAt);

public sealed class InvitationService(AnvilDbContext db, TimeProvider clock)
{
    public const string Prefix = "anvinv_";
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(7);

    /// <summary>A new invitation; <paramref name="baseUrl"/> is where the sign-up page is (the link opens it).</summary>
    public async Task<NewInvitation> CreateAsync(long? createdById, int? expiresInDays, string baseUrl, CancellationToken ct)
    {
        if (expiresInDays is < 1 or > 365)
        {
            throw AnvilException.BadRequest("expiresInDays must be between 1 and 365");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var token = Prefix + System.Security.Cryptography.RandomNumberGenerator.GetHexString(32, lowercase: true);
        var invitation = new Invitation
        {
            TokenHash = Secrets.Digest(token), CreatedById = createdById, CreatedAt = now,
            ExpiresAt = now + (expiresInDays is { } d ? TimeSpan.FromDays(d) : DefaultLifetime),
        };
        db.Add(invitation);
        await db.SaveChangesAsync(ct);
        return new NewInvitation(token, $"{baseUrl.TrimEnd('/')}/join?invitation={token}", invitation.ExpiresAt);
    }

    /// <summary>Marks the invitation used by <paramref name="userId"/>, once: false when unknown, expired or already used.</summary>
    public async Task<bool> TryConsumeAsync(string? token, long userId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return false;
        }
        var hash = Secrets.Digest(token);
        var now = clock.GetUtcNow().UtcDateTime;
        // Compare-and-swap: of two sign-ups racing for one invitation, one wins.
        return await db.Set<Invitation>()
            .Where(i => i.TokenHash == hash && i.UsedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, now).SetProperty(i => i.UsedById, userId), ct) == 1;
    }
}

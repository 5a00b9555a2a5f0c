using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Discord;

public sealed record LinkStatus(bool Linked, bool Verified, User? User);

/// <summary>
/// Linking a Discord account to a user: the signed-in user asks for a token, the bot hands it to
/// the Discord user, and verifying it (once, before it expires) creates the link. Verify, unlink and
/// status are for the bot (integration secret) or for the user themselves, never for anyone else.
/// </summary>
public sealed class DiscordLinkService(AnvilDbContext db, Caller caller, DiscordBot bot, AnvilOptions options, Infrastructure.Events.DomainEvents events,
    TimeProvider clock)
{
    public const int MaxDiscordIdLength = 64;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>A 64-hex-digit single-use token for the calling user and <paramref name="discordId"/>.</summary>
    public async Task<string> GenerateAsync(string? discordId, string? sigmagitEmail, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var id = ValidDiscordId(discordId);
        if (!string.IsNullOrWhiteSpace(sigmagitEmail) && !string.Equals(sigmagitEmail.Trim(), user.Email, StringComparison.OrdinalIgnoreCase))
        {
            throw AnvilException.Invalid("sigmagitEmail does not match the signed-in account");
        }
        var token = Secrets.NewSessionToken();
        db.Add(new DiscordLinkToken
        {
            TokenHash = Secrets.Digest(token),
            DiscordId = id,
            UserId = user.Id,
            CreatedAt = Now,
            ExpiresAt = Now + options.DiscordLinkTokenLifetime,
        });
        await db.SaveChangesAsync(ct);
        return token;
    }

    public async Task<User> VerifyAsync(string? token, string? sigmagitUserId, CancellationToken ct)
    {
        RequireBotOrUser();
        if (string.IsNullOrEmpty(token) || string.IsNullOrEmpty(sigmagitUserId))
        {
            throw AnvilException.BadRequest("token and sigmagitUserId are required");
        }
        var invalid = AnvilException.Invalid("link token is invalid, expired or already used");
        if (token.Length != 64 || !long.TryParse(sigmagitUserId, out var userId))
        {
            throw invalid;
        }
        var hash = Secrets.Digest(token);
        var now = Now;
        var found = await db.Set<DiscordLinkToken>().AsNoTracking()
            .FirstOrDefaultAsync(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now, ct);
        // A signed-in user may only complete their own link.
        if (found is null || found.UserId != userId || (!bot.IsBot && caller.UserId != found.UserId))
        {
            throw invalid;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Spending the token is a conditional update: of two concurrent verifications, one wins.
        var spent = await db.Set<DiscordLinkToken>().Where(t => t.Id == found.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        if (spent != 1)
        {
            throw invalid;
        }
        await db.Set<DiscordLink>().Where(l => l.DiscordId == found.DiscordId || l.UserId == found.UserId).ExecuteDeleteAsync(ct);
        db.Add(new DiscordLink { DiscordId = found.DiscordId, UserId = found.UserId, Verified = true, CreatedAt = now });
        await db.SaveChangesAsync(ct);
        await events.CommitAsync(tx, ct);
        return await db.Users.FirstAsync(u => u.Id == found.UserId, ct);
    }

    /// <summary>Removes the link; a signed-in user can only remove their own. Returns whether a link was removed.</summary>
    public async Task<bool> UnlinkAsync(string? discordId, CancellationToken ct)
    {
        RequireBotOrUser();
        var id = ValidDiscordId(discordId);
        var query = db.Set<DiscordLink>().Where(l => l.DiscordId == id);
        if (!bot.IsBot)
        {
            var userId = caller.UserId;
            query = query.Where(l => l.UserId == userId);
        }
        return await query.ExecuteDeleteAsync(ct) > 0;
    }

    /// <summary>The link of <paramref name="discordId"/>; a signed-in user sees only their own (others read as unlinked).</summary>
    public async Task<LinkStatus> StatusAsync(string discordId, CancellationToken ct)
    {
        RequireBotOrUser();
        var id = ValidDiscordId(discordId);
        var link = await db.Set<DiscordLink>().Include(l => l.User).FirstOrDefaultAsync(l => l.DiscordId == id, ct);
        if (link is null || (!bot.IsBot && link.UserId != caller.UserId))
        {
            return new LinkStatus(false, false, null);
        }
        return new LinkStatus(true, link.Verified, link.User);
    }

    private void RequireBotOrUser()
    {
        if (bot.IsBot)
        {
            return;
        }
        caller.RequireUser();
        if (caller.Method != AuthMethod.Session)
        {
            throw AnvilException.Forbidden("Discord linking needs a signed-in session or the integration secret");
        }
    }

    private static string ValidDiscordId(string? discordId)
    {
        if (string.IsNullOrWhiteSpace(discordId))
        {
            throw AnvilException.BadRequest("discordId is required");
        }
        var id = discordId.Trim();
        return id.Length <= MaxDiscordIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? id
            : throw AnvilException.Invalid("discordId is not a valid Discord id");
    }
}

using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Discord;

public sealed record LinkStatus(bool Linked, bool Verified, User? User);

/// <summary>
/// Linking a Discord account to an Anvil user, proven from both sides: the Discord bot (holding <c>WEBHOOK_SECRET</c>) asks
/// for a token for the Discord user it speaks for and hands it to them in Discord; that person, signed in to Anvil, spends it
/// for their own account. Neither side alone can link anything: a signed-in user cannot name a Discord id, the bot cannot
/// name an Anvil account. A link is replaced or removed only by its own Anvil user or by the bot for its own Discord user.
/// </summary>
public sealed class DiscordLinkService(AnvilDbContext db, Caller caller, DiscordBot bot, AnvilOptions options, Infrastructure.Events.DomainEvents events,
    TimeProvider clock)
{
    public const int MaxDiscordIdLength = 64;
    public const int MaxEmailLength = 320;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// The bot's call: a 64-hex-digit single-use token for <paramref name="discordId"/>. With <paramref name="sigmagitEmail"/>
    /// only the account with that email may spend it (whether such an account exists is not told).
    /// </summary>
    public async Task<string> GenerateAsync(string? discordId, string? sigmagitEmail, CancellationToken ct)
    {
        if (!bot.IsBot)
        {
            // The token says "this Discord user wants a link"; only the bot, which speaks for Discord users, can say that.
            caller.RequireUser();
            throw AnvilException.Forbidden("link tokens are issued to the Discord bot (WEBHOOK_SECRET) for its own Discord user; sign in and verify the token it gives you");
        }
        var id = ValidDiscordId(discordId);
        string? email = null;
        if (!string.IsNullOrWhiteSpace(sigmagitEmail))
        {
            email = NameRules.Normalize(sigmagitEmail);
            if (email.Length > MaxEmailLength || !email.Contains('@'))
            {
                throw AnvilException.Invalid("sigmagitEmail is not an email address");
            }
        }
        var token = Secrets.NewSessionToken();
        db.Add(new DiscordLinkToken
        {
            TokenHash = Secrets.Digest(token),
            DiscordId = id,
            NormalizedEmail = email,
            CreatedAt = Now,
            ExpiresAt = Now + options.DiscordLinkTokenLifetime,
        });
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>The signed-in user's call: spends <paramref name="token"/> to link its Discord user to their own account.</summary>
    public async Task<User> VerifyAsync(string? token, string? sigmagitUserId, CancellationToken ct)
    {
        if (bot.IsBot && !caller.IsAuthenticated)
        {
            throw AnvilException.Forbidden("verifying is the signed-in user's: hand the token to the Discord user, who verifies it on Anvil");
        }
        var user = RequireSessionUser();
        if (string.IsNullOrEmpty(token) || string.IsNullOrEmpty(sigmagitUserId))
        {
            throw AnvilException.BadRequest("token and sigmagitUserId are required");
        }
        if (!long.TryParse(sigmagitUserId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var userId)
            || userId != user.Id)
        {
            throw AnvilException.Forbidden("sigmagitUserId must be the signed-in user's id: a link token links only your own account");
        }
        var invalid = AnvilException.Invalid("link token is invalid, expired or already used");
        if (token.Length != 64)
        {
            throw invalid;
        }
        var hash = Secrets.Digest(token);
        var now = Now;
        var found = await db.Set<DiscordLinkToken>().AsNoTracking()
            .FirstOrDefaultAsync(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now, ct);
        if (found is null || (found.NormalizedEmail is { } email && email != user.NormalizedEmail))
        {
            throw invalid;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Spending the token is a conditional update: of two concurrent verifications, one wins.
        var spent = await db.Set<DiscordLinkToken>().Where(t => t.Id == found.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now).SetProperty(t => t.UsedByUserId, user.Id), ct);
        if (spent != 1)
        {
            throw invalid;
        }
        // Replaced: the Discord user's old link (the bot asked for this token on their behalf) and this user's own old link.
        await db.Set<DiscordLink>().Where(l => l.DiscordId == found.DiscordId || l.UserId == user.Id).ExecuteDeleteAsync(ct);
        db.Add(new DiscordLink { DiscordId = found.DiscordId, UserId = user.Id, Verified = true, CreatedAt = now });
        await db.SaveChangesAsync(ct);
        await events.CommitAsync(tx, ct);
        return await db.Users.FirstAsync(u => u.Id == user.Id, ct);
    }

    /// <summary>
    /// Removes the link of <paramref name="discordId"/>: the bot may remove its Discord user's link, a signed-in user only their
    /// own. Returns whether a link was removed.
    /// </summary>
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

    /// <summary>The signed-in user's own link, if any (their settings page shows it); a session, as linking needs.</summary>
    public async Task<DiscordLink?> OwnLinkAsync(CancellationToken ct)
    {
        var user = RequireSessionUser();
        return await db.Set<DiscordLink>().AsNoTracking().FirstOrDefaultAsync(l => l.UserId == user.Id, ct);
    }

    /// <summary>Whether the instance talks to a Discord bot at all (<c>WEBHOOK_SECRET</c> is set).</summary>
    public bool BotConfigured => options.WebhookSecret is not null;

    private void RequireBotOrUser()
    {
        if (!bot.IsBot)
        {
            RequireSessionUser();
        }
    }

    /// <summary>Linking is done in person: a signed-in session, not a token an integration might hold.</summary>
    private User RequireSessionUser()
    {
        var user = caller.RequireUser();
        if (caller.Method != AuthMethod.Session)
        {
            throw AnvilException.Forbidden("Discord linking needs a signed-in session or the integration secret");
        }
        return user;
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

using System.Text.Json.Nodes;
using Anvil.Server.Auth;
using Anvil.Server.Discord;
using Anvil.Server.Infrastructure;
using Anvil.Server.Users;
using Anvil.Web.Ports;

namespace Anvil.Server.Web;

/// <summary>The notification and Discord settings pages, over <see cref="UserService"/>'s preferences and <see cref="DiscordLinkService"/>.</summary>
public sealed class WebAccountLinks(Caller caller, UserService users, DiscordLinkService discord) : IWebAccountLinks
{
    private User Me => WebAccounts.SessionUserOf(caller);

    public Task<NotificationSettings> NotificationsAsync(CancellationToken ct)
    {
        var u = Me;
        var email = UserService.ReadPreferences(u)["emailNotifications"] is not JsonValue v || !v.TryGetValue<bool>(out var on) || on;
        return Task.FromResult(new NotificationSettings(email, u.Email, u.EmailVerified));
    }

    public async Task<FormResult> SetEmailNotificationsAsync(bool enabled, CancellationToken ct)
    {
        await users.UpdatePreferencesAsync(Me.Id, new JsonObject { ["emailNotifications"] = enabled }, ct);
        return FormResult.Done;
    }

    public async Task<DiscordLinkView> DiscordAsync(CancellationToken ct)
    {
        var link = await discord.OwnLinkAsync(ct); // which asks for a signed-in session, as linking does
        return new DiscordLinkView(discord.BotConfigured, link?.DiscordId, link?.Verified ?? false, link?.CreatedAt);
    }

    public async Task<FormResult> LinkDiscordAsync(string? token, CancellationToken ct)
    {
        var me = Me;
        if (string.IsNullOrWhiteSpace(token))
        {
            return new FormResult("Paste the link token the Discord bot sent you.");
        }
        try
        {
            await discord.VerifyAsync(token.Trim(), me.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            return FormResult.Done;
        }
        catch (AnvilException e) when (e.IsInputRefusal())
        {
            return new FormResult(WebAccounts.Sentence(e.Message));
        }
    }

    public async Task UnlinkDiscordAsync(CancellationToken ct)
    {
        if (await discord.OwnLinkAsync(ct) is { } link)
        {
            await discord.UnlinkAsync(link.DiscordId, ct);
        }
    }
}

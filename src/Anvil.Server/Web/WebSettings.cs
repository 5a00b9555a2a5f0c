using System.Text.Json.Nodes;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Users;
using Anvil.Web.Ports;

namespace Anvil.Server.Web;

/// <summary>The settings pages over the same user, account and session services as <c>/api/settings/…</c>.</summary>
public sealed class WebSettings(Caller caller, UserService users, AccountService accounts, SessionService sessions) : IWebSettings
{
    private User Me => WebAccounts.SessionUserOf(caller);

    public Task<ProfileSettings> ProfileAsync(CancellationToken ct)
    {
        var u = Me;
        var theme = UserService.ReadPreferences(u)["theme"] is JsonValue v && v.TryGetValue<string>(out var t) ? t : "system";
        return Task.FromResult(new ProfileSettings(u.Name, u.Bio, u.Location, u.Website, u.Company, u.Pronouns, u.Email, u.EmailVerified,
            UserViews.AvatarUrl(u, ""), u.AvatarKey is not null, theme));
    }

    public Task<FormResult> UpdateProfileAsync(string? name, string? bio, string? location, string? website, string? company, string? pronouns,
        CancellationToken ct) =>
        Attempt(() => users.UpdateProfileAsync(Me.Id, new ProfileUpdate(name ?? "", null, bio ?? "", location ?? "", website ?? "", company ?? "", pronouns ?? ""), ct));

    public async Task<FormResult> SetAvatarAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            return new FormResult("Choose an image to upload.");
        }
        await using var content = file.OpenReadStream();
        return await Attempt(() => users.SetAvatarAsync(Me.Id, content, file.Length, ct));
    }

    public Task RemoveAvatarAsync(CancellationToken ct) => users.RemoveAvatarAsync(Me.Id, ct);

    public Task<FormResult> SetThemeAsync(string? theme, CancellationToken ct) =>
        Attempt(() => users.UpdatePreferencesAsync(Me.Id, new JsonObject { ["theme"] = theme }, ct));

    public async Task<IReadOnlyList<SessionRow>> SessionsAsync(HttpContext http, CancellationToken ct)
    {
        var current = CurrentSessionHash(http);
        return (await sessions.ListAsync(Me.Id, ct))
            .Select(s => new SessionRow(s.Id, s.UserAgent, s.CreatedAt, s.ExpiresAt, current is not null && s.TokenHash.AsSpan().SequenceEqual(current)))
            .ToList();
    }

    public async Task<FormResult> ChangePasswordAsync(HttpContext http, string? current, string? replacement, string? confirmation)
    {
        if (!string.Equals(replacement, confirmation, StringComparison.Ordinal))
        {
            return new FormResult("The new password and its confirmation do not match.");
        }
        return await Attempt(() => accounts.ChangePasswordAsync(Me.Id, current, replacement,
            http.Request.Cookies[AuthenticationMiddleware.SessionCookie], http.RequestAborted));
    }

    public async Task SignOutEverywhereAsync(HttpContext http)
    {
        await sessions.EndAllAsync(Me.Id, null, http.RequestAborted);
        await AuthEndpoints.EndCookieSessionAsync(http, sessions);
    }

    private static byte[]? CurrentSessionHash(HttpContext http) =>
        http.Request.Cookies[AuthenticationMiddleware.SessionCookie] is { Length: > 0 } token ? Secrets.Digest(token) : null;

    private static async Task<FormResult> Attempt(Func<Task> change)
    {
        try
        {
            await change();
            return FormResult.Done;
        }
        catch (AnvilException e) when (e.IsInputRefusal())
        {
            return new FormResult(WebAccounts.Sentence(e.Message));
        }
    }
}

using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.RateLimiting;
using Anvil.Server.Users;
using Anvil.Web.Ports;

namespace Anvil.Server.Web;

/// <summary>
/// Signing in and out from the pages: the same account and session services, cookie and per-address limits as
/// <c>/auth/sign-in</c> and <c>/auth/sign-up</c>. The sign-in, sign-up and password-reset pages carry the routes'
/// <see cref="AuthAttempt"/> metadata, so <see cref="RateLimitMiddleware"/> counts their posts; here the form only tells its verdict.
/// </summary>
public sealed class WebAccounts(Caller caller, AccountService accounts, SessionService sessions, AccountEmails emails,
    AccessTokenService tokens) : IWebAccounts
{
    public Viewer? Current => caller.User is { } u && caller.Method == AuthMethod.Session ? ViewerOf(u) : null;

    private static Viewer ViewerOf(User u)
    {
        // "system" (or no choice) leaves the stylesheet to follow the browser.
        var theme = UserService.ReadPreferences(u)["theme"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var t) ? t : null;
        return new Viewer(u.Username, u.Name, UserViews.AvatarUrl(u, ""), theme is "light" or "dark" ? theme : null, u.EmailVerified);
    }

    public async Task<FormResult> SignInAsync(HttpContext http, string? login, string? password)
    {
        if (string.IsNullOrWhiteSpace(login) || string.IsNullOrEmpty(password))
        {
            return new FormResult("Enter your username or email address and your password.");
        }
        var limits = http.Features.Get<RateLimitState>();
        if (limits?.RefusedAttempt == AuthAttempt.SignIn)
        {
            return new FormResult("Too many failed sign-in attempts. Try again later.");
        }
        User? user;
        try
        {
            user = await accounts.CheckPasswordAsync(login, password, http.RequestAborted);
        }
        catch (AnvilException e) when (e.Kind == FailureKind.Forbidden)
        {
            return new FormResult(Sentence(e.Message)); // a disabled account, told to whoever knows its password
        }
        if (user is null)
        {
            if (limits is not null)
            {
                limits.SignInFailed = true;
            }
            return new FormResult("Incorrect username or password.");
        }
        await AuthEndpoints.StartSessionAsync(http, sessions, user);
        return FormResult.Done;
    }

    public async Task<FormResult> SignUpAsync(HttpContext http, string? email, string? username, string? password, string? invitation)
    {
        if (http.Features.Get<RateLimitState>()?.RefusedAttempt == AuthAttempt.SignUp)
        {
            return new FormResult("Too many sign-ups from this address. Try again later.");
        }
        User user;
        try
        {
            user = await accounts.SignUpAsync(new SignUpRequest(email, username, password, null, invitation), http.RequestAborted);
        }
        // Forbidden: sign-up is closed, or by invitation and this one is missing or spent; the form says which.
        catch (AnvilException e) when (e.IsInputRefusal() || e.Kind == FailureKind.Forbidden)
        {
            return new FormResult(Sentence(e.Message));
        }
        await emails.SendVerificationAsync(user, http.PublicBaseUrl(), http.RequestAborted);
        await AuthEndpoints.StartSessionAsync(http, sessions, user);
        return FormResult.Done;
    }

    public async Task SignOutAsync(HttpContext http) => await AuthEndpoints.EndCookieSessionAsync(http, sessions);

    public async Task<FormResult> RequestPasswordResetAsync(HttpContext http, string? email)
    {
        if (http.Features.Get<RateLimitState>()?.RefusedAttempt == AuthAttempt.PasswordReset)
        {
            return new FormResult("Too many password reset requests from this address. Try again later.");
        }
        if (string.IsNullOrWhiteSpace(email))
        {
            return new FormResult("Enter the email address of your account.");
        }
        await emails.RequestPasswordResetAsync(email, http.PublicBaseUrl(), http.RequestAborted);
        return FormResult.Done;
    }

    public async Task<FormResult> ResetPasswordAsync(HttpContext http, string? token, string? password)
    {
        if (http.Features.Get<RateLimitState>()?.RefusedAttempt == AuthAttempt.PasswordReset)
        {
            return new FormResult("Too many password reset attempts from this address. Try again later.");
        }
        try
        {
            await emails.ResetPasswordAsync(token, password, http.RequestAborted);
            return FormResult.Done;
        }
        catch (AnvilException e) when (e.IsInputRefusal() || e.Kind is FailureKind.NotFound or FailureKind.Gone)
        {
            return new FormResult(Sentence(e.Message));
        }
    }

    public async Task<FormResult> VerifyEmailAsync(string? token, CancellationToken ct)
    {
        try
        {
            await emails.VerifyEmailAsync(token, ct);
            return FormResult.Done;
        }
        catch (AnvilException e) when (e.Kind is FailureKind.BadRequest)
        {
            return new FormResult("This verification link is invalid, already used or expired.");
        }
    }

    public async Task<FormResult> SendVerificationAsync(HttpContext http)
    {
        var user = SessionUser;
        if (user.EmailVerified)
        {
            return new FormResult("Your email address is already verified.");
        }
        await emails.SendVerificationAsync(user, http.PublicBaseUrl(), http.RequestAborted);
        return FormResult.Done;
    }

    public IReadOnlyList<string> TokenScopes => Scopes.All;

    private User SessionUser => SessionUserOf(caller);

    /// <summary>
    /// The viewer of a page that manages their account (tokens, settings): only a browser's session, never a token,
    /// may do so, as on the API.
    /// </summary>
    internal static User SessionUserOf(Caller caller) =>
        caller.User is { } u && caller.Method == AuthMethod.Session ? u : throw AnvilException.Unauthorized();

    public async Task<IReadOnlyList<TokenRow>> TokensAsync(CancellationToken ct) =>
        (await tokens.ListAsync(SessionUser.Id, ct))
        .Select(t => new TokenRow(t.Id, t.Name, Scopes.All.Where(Scopes.Parse(t.Scopes).Contains).ToList(), t.CreatedAt, t.ExpiresAt, t.LastUsedAt))
        .ToList();

    public async Task<CreatedToken> CreateTokenAsync(string? name, IReadOnlyCollection<string> scopes, int? expiresInDays, CancellationToken ct)
    {
        try
        {
            var created = await tokens.CreateAsync(SessionUser.Id, name, scopes, expiresInDays, ct);
            return new CreatedToken(created.Plaintext, null);
        }
        catch (AnvilException e) when (e.IsInputRefusal())
        {
            return new CreatedToken(null, Sentence(e.Message));
        }
    }

    public Task RevokeTokenAsync(long id, CancellationToken ct) => tokens.RevokeAsync(SessionUser.Id, id, ct);

    /// <summary>A service's message ("username is already taken") as a sentence on a page.</summary>
    internal static string Sentence(string message) =>
        message.Length == 0 ? message : char.ToUpperInvariant(message[0]) + message[1..] + (message.EndsWith('.') ? "" : ".");
}

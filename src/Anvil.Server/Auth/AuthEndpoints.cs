using System.ComponentModel.DataAnnotations;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.RateLimiting;
using Anvil.Server.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Anvil.Server.Auth;

public static class AuthEndpoints
{
    public sealed record SignInRequest(string? Email, string? Username, [property: Required] string? Password);
    public sealed record ForgotPasswordRequest([property: Required] string? Email);
    public sealed record ResetPasswordRequest([property: Required] string? Token, string? Password, string? NewPassword);
    public sealed record CreateTokenRequest(string? Name, List<string>? Scopes, int? ExpiresInDays);

    /// <summary>A signed-in user and their session token (also set as the session cookie).</summary>
    public sealed record SignedIn(UserViews.Me User, string Token);

    public sealed record EmailVerifiedView(bool Success, bool EmailVerified);

    /// <summary>Done, with a message for a person to read.</summary>
    public sealed record Acknowledged(bool Success, string Message);

    /// <summary>sigmagit's <c>get-session</c>: both null when the caller has no session.</summary>
    public sealed record SessionView(UserViews.Me? User, SessionRef? Session);

    public sealed record SessionRef(string UserId);

    /// <summary>A new personal access token: the only time <see cref="Token"/> is shown.</summary>
    public sealed record CreatedToken(string Id, string Name, IEnumerable<string> Scopes, string Token, DateTime? ExpiresAt, DateTime CreatedAt);

    public sealed record TokenSummary(string Id, string Name, IEnumerable<string> Scopes, DateTime? ExpiresAt, DateTime CreatedAt, DateTime? LastUsedAt);

    public sealed record TokenList(IEnumerable<TokenSummary> Tokens);

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var (signUp, signIn, signOut) in new[]
                 {
                     ("/auth/sign-up", "/auth/sign-in", "/auth/sign-out"),
                     // The paths sigmagit's web client (better-auth) calls.
                     ("/api/auth/sign-up/email", "/api/auth/sign-in/email", "/api/auth/sign-out"),
                 })
        {
            app.MapPost(signUp, SignUp).WithMetadata(AuthAttempt.SignUp);
            app.MapPost(signIn, SignIn).WithMetadata(AuthAttempt.SignIn);
            app.MapPost(signOut, SignOut);
        }
        app.MapGet("/api/auth/get-session", GetSession);
        app.MapGet("/api/auth/verify-email", VerifyEmail);
        app.MapPost("/api/auth/send-verification-email", SendVerificationEmail).RequireSession();
        app.MapPost("/api/auth/forgot-password", ForgotPassword).WithMetadata(AuthAttempt.PasswordReset);
        app.MapPost("/api/auth/reset-password", ResetPassword).WithMetadata(AuthAttempt.PasswordReset);

        var tokens = app.MapGroup("/api/users/me/tokens").RequireSession();
        tokens.MapPost("", CreateToken);
        tokens.MapGet("", ListTokens);
        tokens.MapDelete("/{id}", RevokeToken);
    }

    private static async Task<JsonCreated<SignedIn>> SignUp(HttpContext ctx, JsonBody<SignUpRequest> input, AccountService accounts, SessionService sessions, AccountEmails emails)
    {
        var req = await input.ReadAsync();
        var user = await accounts.SignUpAsync(req, ctx.RequestAborted);
        await emails.SendVerificationAsync(user, ctx.PublicBaseUrl(), ctx.RequestAborted);
        var token = await StartSessionAsync(ctx, sessions, user);
        return ApiJson.Created(ctx, new SignedIn(user.ToMe(ctx.PublicBaseUrl()), token));
    }

    private static async Task<JsonOk<SignedIn>> SignIn(HttpContext ctx, JsonBody<SignInRequest> input, AccountService accounts, SessionService sessions)
    {
        var req = await input.ReadAsync();
        var login = string.IsNullOrWhiteSpace(req.Email) ? req.Username : req.Email;
        if (string.IsNullOrWhiteSpace(login) || string.IsNullOrEmpty(req.Password))
        {
            throw AnvilException.BadRequest("email or username, and password, are required");
        }
        var user = await accounts.CheckPasswordAsync(login, req.Password, ctx.RequestAborted)
            ?? throw AnvilException.Unauthorized("invalid email/username or password");
        var token = await StartSessionAsync(ctx, sessions, user);
        return ApiJson.Json(ctx, new SignedIn(user.ToMe(ctx.PublicBaseUrl()), token));
    }

    private static async Task<JsonOk<ApiJson.Done>> SignOut(HttpContext ctx, SessionService sessions)
    {
        await EndCookieSessionAsync(ctx, sessions);
        return ApiJson.Success(ctx);
    }

    /// <summary>Ends the request's session (bearer session token, else the cookie) and clears the cookie. The web pages sign out here too.</summary>
    internal static async Task EndCookieSessionAsync(HttpContext ctx, SessionService sessions)
    {
        var token = AuthenticationMiddleware.BearerCredential(ctx.Request);
        if (token is null || token.StartsWith(Secrets.AccessTokenPrefix, StringComparison.Ordinal))
        {
            token = ctx.Request.Cookies[AuthenticationMiddleware.SessionCookie];
        }
        if (!string.IsNullOrEmpty(token))
        {
            await sessions.EndAsync(token, ctx.RequestAborted);
        }
        ctx.Response.Cookies.Delete(AuthenticationMiddleware.SessionCookie, CookieOptions(ctx, null));
    }

    private static JsonOk<SessionView> GetSession(HttpContext ctx, Caller caller) =>
        ApiJson.Json(ctx, caller.User is { } u && caller.Method == AuthMethod.Session
            ? new SessionView(u.ToMe(ctx.PublicBaseUrl()), new SessionRef(u.Id.ToString()))
            : new SessionView(null, null));

    private static async Task<JsonOk<EmailVerifiedView>> VerifyEmail(HttpContext ctx, AccountEmails emails)
    {
        await emails.VerifyEmailAsync(ctx.Request.Query["token"], ctx.RequestAborted);
        return ApiJson.Json(ctx, new EmailVerifiedView(true, true));
    }

    private static async Task<JsonOk<ApiJson.Done>> SendVerificationEmail(HttpContext ctx, Caller caller, AccountEmails emails)
    {
        var user = caller.RequireUser();
        if (user.EmailVerified)
        {
            throw AnvilException.BadRequest("email is already verified");
        }
        await emails.SendVerificationAsync(user, ctx.PublicBaseUrl(), ctx.RequestAborted);
        return ApiJson.Success(ctx);
    }

    /// <summary>Answers the same whether or not the account exists, so it cannot be used to find accounts.</summary>
    private static async Task<JsonOk<Acknowledged>> ForgotPassword(HttpContext ctx, JsonBody<ForgotPasswordRequest> input, AccountEmails emails)
    {
        var req = await input.ReadAsync();
        if (string.IsNullOrWhiteSpace(req.Email))
        {
            throw AnvilException.BadRequest("email is required");
        }
        await emails.RequestPasswordResetAsync(req.Email, ctx.PublicBaseUrl(), ctx.RequestAborted);
        return ApiJson.Json(ctx, new Acknowledged(true, "If an account uses that email, a reset link has been sent to it."));
    }

    private static async Task<JsonOk<ApiJson.Done>> ResetPassword(HttpContext ctx, JsonBody<ResetPasswordRequest> input, AccountEmails emails)
    {
        var req = await input.ReadAsync();
        // newPassword: the name sigmagit's web client (better-auth) sends.
        await emails.ResetPasswordAsync(req.Token, req.Password ?? req.NewPassword, ctx.RequestAborted);
        return ApiJson.Success(ctx);
    }

    /// <summary>Starts a session and sets its cookie; the web sign-in form uses this too.</summary>
    internal static async Task<string> StartSessionAsync(HttpContext ctx, SessionService sessions, User user)
    {
        var (token, session) = await sessions.StartAsync(user.Id, ctx.Request.Headers.UserAgent, ctx.RequestAborted);
        ctx.Response.Cookies.Append(AuthenticationMiddleware.SessionCookie, token, CookieOptions(ctx, session.ExpiresAt));
        return token;
    }

    private static CookieOptions CookieOptions(HttpContext ctx, DateTime? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        // Behind a TLS-terminating proxy the request arrives as plain HTTP; ANVIL_PUBLIC_URL says what browsers see.
        Secure = ctx.Request.IsHttps
            || ctx.RequestServices.GetRequiredService<AnvilOptions>().PublicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true,
        Path = "/",
        Expires = expires,
    };

    private static async Task<JsonCreated<CreatedToken>> CreateToken(HttpContext ctx, JsonBody<CreateTokenRequest> input, Caller caller,
        AccessTokenService tokens)
    {
        var req = await input.ReadAsync();
        var created = await tokens.CreateAsync(caller.RequireUser().Id, req.Name, req.Scopes, req.ExpiresInDays, ctx.RequestAborted);
        var t = created.Token;
        return ApiJson.Created(ctx, new CreatedToken(t.Id.ToString(), t.Name, Scopes.Parse(t.Scopes).Order(), created.Plaintext, t.ExpiresAt, t.CreatedAt));
    }

    private static async Task<JsonOk<TokenList>> ListTokens(HttpContext ctx, Caller caller, AccessTokenService tokens)
    {
        var list = await tokens.ListAsync(caller.RequireUser().Id, ctx.RequestAborted);
        return ApiJson.Json(ctx, new TokenList(list.Select(t =>
            new TokenSummary(t.Id.ToString(), t.Name, Scopes.Parse(t.Scopes).Order(), t.ExpiresAt, t.CreatedAt, t.LastUsedAt))));
    }

    private static async Task<NoContent> RevokeToken(HttpContext ctx, string id, Caller caller, AccessTokenService tokens)
    {
        if (!long.TryParse(id, out var tokenId))
        {
            throw AnvilException.NotFound("token not found");
        }
        await tokens.RevokeAsync(caller.RequireUser().Id, tokenId, ctx.RequestAborted);
        return TypedResults.NoContent();
    }
}

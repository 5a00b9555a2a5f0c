using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.RateLimiting;
using Anvil.Server.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Anvil.Server.Auth;

public static class AuthEndpoints
{
    public sealed record SignInRequest(string? Email, string? Username, string? Password);
    public sealed record ForgotPasswordRequest(string? Email);
    public sealed record ResetPasswordRequest(string? Token, string? Password);
    public sealed record CreateTokenRequest(string? Name, List<string>? Scopes, int? ExpiresInDays);

    /// <summary>A signed-in user and their session token (also set as the session cookie).</summary>
    public sealed record SignedIn(UserViews.Me User, string Token);

    public sealed record EmailVerified(bool Verified);

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
        // Each request may send a mail, so it is charged like a sign-up: the per-IP hourly cap stops mail floods.
        app.MapPost("/api/auth/forgot-password", ForgotPassword).WithMetadata(AuthAttempt.SignUp);
        app.MapPost("/api/auth/reset-password", ResetPassword);

        var tokens = app.MapGroup("/api/users/me/tokens").RequireSession();
        tokens.MapPost("", CreateToken);
        tokens.MapGet("", ListTokens);
        tokens.MapDelete("/{id}", RevokeToken);
    }

    private static async Task<JsonCreated<SignedIn>> SignUp(HttpContext ctx, JsonBody<SignUpRequest> body, AccountService accounts,
        SessionService sessions, EmailLinks links)
    {
        var req = await body.ReadAsync();
        var user = await accounts.SignUpAsync(req, ct: ctx.RequestAborted);
        links.SendVerification(user, ctx.PublicBaseUrl());
        var token = await StartSessionAsync(ctx, sessions, user);
        return ApiJson.Created(ctx, new SignedIn(user.ToMe(ctx.PublicBaseUrl()), token));
    }

    private static async Task<JsonOk<EmailVerified>> VerifyEmail(HttpContext ctx, EmailLinks links, string? token)
    {
        await links.VerifyAsync(token, ctx.RequestAborted);
        return ApiJson.Json(ctx, new EmailVerified(true));
    }

    private static async Task<JsonOk<ApiJson.Notice>> ForgotPassword(HttpContext ctx, JsonBody<ForgotPasswordRequest> body, EmailLinks links)
    {
        var req = await body.ReadAsync();
        await links.ForgotPasswordAsync(req.Email, ctx.PublicBaseUrl(), ctx.RequestAborted);
        // The same answer whether or not the address has an account: the form must not reveal who is registered.
        return ApiJson.Json(ctx, new ApiJson.Notice("if an account uses that address, a reset link is on its way"));
    }

    private static async Task<JsonOk<ApiJson.Notice>> ResetPassword(HttpContext ctx, JsonBody<ResetPasswordRequest> body, EmailLinks links)
    {
        var req = await body.ReadAsync();
        await links.ResetPasswordAsync(req.Token, req.Password, ctx.RequestAborted);
        return ApiJson.Json(ctx, new ApiJson.Notice("password changed; sign in again"));
    }

    private static async Task<JsonOk<SignedIn>> SignIn(HttpContext ctx, JsonBody<SignInRequest> body, AccountService accounts, SessionService sessions)
    {
        var req = await body.ReadAsync();
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
        return ApiJson.Success(ctx);
    }

    private static JsonOk<SessionView> GetSession(HttpContext ctx, Caller caller) =>
        ApiJson.Json(ctx, caller.User is { } u && caller.Method == AuthMethod.Session
            ? new SessionView(u.ToMe(ctx.PublicBaseUrl()), new SessionRef(u.Id.ToString()))
            : new SessionView(null, null));

    private static async Task<string> StartSessionAsync(HttpContext ctx, SessionService sessions, User user)
    {
        var (token, session) = await sessions.StartAsync(user.Id, ctx.Request.Headers.UserAgent, ctx.RequestAborted);
        ctx.Response.Cookies.Append(AuthenticationMiddleware.SessionCookie, token, CookieOptions(ctx, session.ExpiresAt));
        return token;
    }

    private static CookieOptions CookieOptions(HttpContext ctx, DateTime? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = ctx.Request.IsHttps,
        Path = "/",
        Expires = expires,
    };

    private static async Task<JsonCreated<CreatedToken>> CreateToken(HttpContext ctx, JsonBody<CreateTokenRequest> body, Caller caller,
        AccessTokenService tokens)
    {
        var req = await body.ReadAsync();
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

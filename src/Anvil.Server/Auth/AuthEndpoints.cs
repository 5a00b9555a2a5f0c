using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.RateLimiting;
using Anvil.Server.Users;

namespace Anvil.Server.Auth;

public static class AuthEndpoints
{
    public sealed record SignInRequest(string? Email, string? Username, string? Password);
    public sealed record ForgotPasswordRequest(string? Email);
    public sealed record ResetPasswordRequest(string? Token, string? Password, string? NewPassword);
    public sealed record CreateTokenRequest(string? Name, List<string>? Scopes, int? ExpiresInDays);

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

    private static async Task<IResult> SignUp(HttpContext ctx, AccountService accounts, SessionService sessions, AccountEmails emails)
    {
        var req = await ctx.Request.ReadBodyAsync<SignUpRequest>();
        var user = await accounts.SignUpAsync(req, ct: ctx.RequestAborted);
        await emails.SendVerificationAsync(user, ctx.PublicBaseUrl(), ctx.RequestAborted);
        var token = await StartSessionAsync(ctx, sessions, user);
        return ApiJson.Json(ctx, new { user = user.ToMe(ctx.PublicBaseUrl()), token }, StatusCodes.Status201Created);
    }

    private static async Task<IResult> SignIn(HttpContext ctx, AccountService accounts, SessionService sessions)
    {
        var req = await ctx.Request.ReadBodyAsync<SignInRequest>();
        var login = string.IsNullOrWhiteSpace(req.Email) ? req.Username : req.Email;
        if (string.IsNullOrWhiteSpace(login) || string.IsNullOrEmpty(req.Password))
        {
            throw AnvilException.BadRequest("email or username, and password, are required");
        }
        var user = await accounts.CheckPasswordAsync(login, req.Password, ctx.RequestAborted)
            ?? throw AnvilException.Unauthorized("invalid email/username or password");
        var token = await StartSessionAsync(ctx, sessions, user);
        return ApiJson.Json(ctx, new { user = user.ToMe(ctx.PublicBaseUrl()), token });
    }

    private static async Task<IResult> SignOut(HttpContext ctx, SessionService sessions)
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
        return ApiJson.Json(ctx, new { success = true });
    }

    private static IResult GetSession(HttpContext ctx, Caller caller) =>
        ApiJson.Json(ctx, caller.User is { } u && caller.Method == AuthMethod.Session
            ? new { user = u.ToMe(ctx.PublicBaseUrl()), session = new { userId = u.Id.ToString() } }
            : new { user = (UserViews.Me?)null, session = (object?)null });

    private static async Task<IResult> VerifyEmail(HttpContext ctx, AccountEmails emails)
    {
        await emails.VerifyEmailAsync(ctx.Request.Query["token"], ctx.RequestAborted);
        return ApiJson.Json(ctx, new { success = true, emailVerified = true });
    }

    private static async Task<IResult> SendVerificationEmail(HttpContext ctx, Caller caller, AccountEmails emails)
    {
        var user = caller.RequireUser();
        if (user.EmailVerified)
        {
            throw AnvilException.BadRequest("email is already verified");
        }
        await emails.SendVerificationAsync(user, ctx.PublicBaseUrl(), ctx.RequestAborted);
        return ApiJson.Json(ctx, new { success = true });
    }

    /// <summary>Answers the same whether or not the account exists, so it cannot be used to find accounts.</summary>
    private static async Task<IResult> ForgotPassword(HttpContext ctx, AccountEmails emails)
    {
        var req = await ctx.Request.ReadBodyAsync<ForgotPasswordRequest>();
        if (string.IsNullOrWhiteSpace(req.Email))
        {
            throw AnvilException.BadRequest("email is required");
        }
        await emails.RequestPasswordResetAsync(req.Email, ctx.PublicBaseUrl(), ctx.RequestAborted);
        return ApiJson.Json(ctx, new { success = true, message = "If an account uses that email, a reset link has been sent to it." });
    }

    private static async Task<IResult> ResetPassword(HttpContext ctx, AccountEmails emails)
    {
        var req = await ctx.Request.ReadBodyAsync<ResetPasswordRequest>();
        // newPassword: the name sigmagit's web client (better-auth) sends.
        await emails.ResetPasswordAsync(req.Token, req.Password ?? req.NewPassword, ctx.RequestAborted);
        return ApiJson.Json(ctx, new { success = true });
    }

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

    private static async Task<IResult> CreateToken(HttpContext ctx, Caller caller, AccessTokenService tokens)
    {
        var req = await ctx.Request.ReadBodyAsync<CreateTokenRequest>();
        var created = await tokens.CreateAsync(caller.RequireUser().Id, req.Name, req.Scopes, req.ExpiresInDays, ctx.RequestAborted);
        var t = created.Token;
        return ApiJson.Json(ctx, new
        {
            id = t.Id.ToString(),
            name = t.Name,
            scopes = Scopes.Parse(t.Scopes).Order(),
            token = created.Plaintext,
            expiresAt = t.ExpiresAt,
            createdAt = t.CreatedAt,
        }, StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListTokens(HttpContext ctx, Caller caller, AccessTokenService tokens)
    {
        var list = await tokens.ListAsync(caller.RequireUser().Id, ctx.RequestAborted);
        return ApiJson.Json(ctx, new
        {
            tokens = list.Select(t => new
            {
                id = t.Id.ToString(),
                name = t.Name,
                scopes = Scopes.Parse(t.Scopes).Order(),
                expiresAt = t.ExpiresAt,
                createdAt = t.CreatedAt,
                lastUsedAt = t.LastUsedAt,
            }),
        });
    }

    private static async Task<IResult> RevokeToken(HttpContext ctx, string id, Caller caller, AccessTokenService tokens)
    {
        if (!long.TryParse(id, out var tokenId))
        {
            throw AnvilException.NotFound("token not found");
        }
        await tokens.RevokeAsync(caller.RequireUser().Id, tokenId, ctx.RequestAborted);
        return Results.NoContent();
    }
}

using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;

namespace Anvil.Server.Auth;

/// <summary>
/// Establishes the <see cref="Caller"/>: a bearer credential (PAT or session token) wins, then
/// the session cookie. A presented but invalid bearer credential is a 401, never a silent
/// downgrade to anonymous. Git Basic auth is the git transport's business, not handled here.
/// </summary>
public sealed class AuthenticationMiddleware(RequestDelegate next, AnvilOptions options)
{
    public const string SessionCookie = "anvil_session";

    // The session and token services are resolved only when a credential is presented: each leases a database
    // context, which an anonymous answer from the response cache never needs.
    public async Task InvokeAsync(HttpContext ctx, Caller caller)
    {
        var ct = ctx.RequestAborted;
        if (ctx.GetEndpoint()?.Metadata.GetMetadata<OwnCredentials>() is not null)
        {
            // Runner and job tokens, the metrics token: the route checks them itself; they never make the caller a user.
            await next(ctx);
            return;
        }
        var credential = BearerCredential(ctx.Request) ?? WebSocketTokenCredential(ctx);
        if (credential is not null)
        {
            if (credential.StartsWith(Secrets.AccessTokenPrefix, StringComparison.Ordinal))
            {
                var found = await ctx.RequestServices.GetRequiredService<AccessTokenService>().AuthenticateAsync(credential, ct) ?? throw AnvilException.Unauthorized("invalid token");
                caller.SignedInByToken(found.User, found.Token);
                var scopesHeader = Scopes.Header(caller.TokenScopes!);
                ctx.Response.OnStarting(() =>
                {
                    ctx.Response.Headers["X-OAuth-Scopes"] = scopesHeader;
                    return Task.CompletedTask;
                });
            }
            else
            {
                var user = await ctx.RequestServices.GetRequiredService<SessionService>().ResolveAsync(credential, ct) ?? throw AnvilException.Unauthorized("invalid token");
                caller.SignedInBySession(user);
            }
        }
        else if (ctx.Request.Cookies.TryGetValue(SessionCookie, out var cookie) && cookie.Length is > 0 and <= 128)
        {
            // A stale cookie just means "signed out": public pages must keep working.
            if (await ctx.RequestServices.GetRequiredService<SessionService>().ResolveAsync(cookie, ct) is { } user)
            {
                CookieCredentialPolicy.Check(ctx, options);
                caller.SignedInBySession(user);
            }
        }
        await next(ctx);
    }

    /// <summary>
    /// <c>?token=</c> on a WebSocket handshake: browsers cannot set headers on one, so the query carries the bearer
    /// credential, and it is checked exactly as the header's would be (a PAT's scopes included).
    /// </summary>
    private static string? WebSocketTokenCredential(HttpContext ctx)
    {
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            return null;
        }
        var token = ctx.Request.Query["token"].ToString();
        return token.Length == 0 ? null : token.Length <= 256 ? token : "invalid";
    }

    /// <summary>The credential of <c>Authorization: Bearer …</c> or <c>token …</c>; null when absent or another scheme.</summary>
    public static string? BearerCredential(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        foreach (var scheme in (ReadOnlySpan<string>)["Bearer ", "token "])
        {
            if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                var value = header[scheme.Length..].Trim();
                return value.Length is > 0 and <= 256 ? value : "invalid";
            }
        }
        return null;
    }
}

/// <summary>Endpoint metadata: the route checks a credential of its own, so authentication leaves the caller anonymous.</summary>
public class OwnCredentials;

/// <summary>Route-level requirements: a signed-in caller, and for PATs the scope the route declares.</summary>
public static class EndpointAuthorization
{
    /// <summary>The caller must be signed in and, if using a PAT, hold <paramref name="scope"/>.</summary>
    public static TBuilder RequireUser<TBuilder>(this TBuilder builder, string? scope = null) where TBuilder : IEndpointConventionBuilder
    {
        var required = new SignInRequired(scope, SessionOnly: false);
        return builder.WithMetadata(required).AddEndpointFilter(async (ctx, next) =>
        {
            required.Check(ctx.HttpContext.RequestServices.GetRequiredService<Caller>());
            return await next(ctx);
        });
    }

    /// <summary>Anonymous callers pass (the route decides what they see); a PAT must hold <paramref name="scope"/>.</summary>
    public static TBuilder RequireScopeIfToken<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            ctx.HttpContext.RequestServices.GetRequiredService<Caller>().RequireScope(scope);
            return await next(ctx);
        });

    /// <summary>Only a session may call this route (token management: a token cannot mint tokens).</summary>
    public static TBuilder RequireSession<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SignInRequired(null, SessionOnly: true)).AddEndpointFilter(async (ctx, next) =>
        {
            var caller = ctx.HttpContext.RequestServices.GetRequiredService<Caller>();
            caller.RequireUser();
            if (caller.Method != AuthMethod.Session)
            {
                throw AnvilException.Forbidden("this action needs a signed-in session, not an access token");
            }
            return await next(ctx);
        });
}

/// <summary>Endpoint metadata: the route needs a signed-in caller (with <see cref="Scope"/> when a PAT), as its OpenAPI entry says.</summary>
public sealed record SignInRequired(string? Scope, bool SessionOnly)
{
    /// <summary>The caller is signed in and, if using a PAT, holds <see cref="Scope"/>.</summary>
    public void Check(Caller caller)
    {
        caller.RequireUser();
        if (Scope is not null)
        {
            caller.RequireScope(Scope);
        }
    }
}

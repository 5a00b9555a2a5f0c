using System.Text;
using Anvil.Git;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Anvil.Server.Repositories;

/// <summary>
/// Git smart HTTP: <c>/{owner}/{repo}(.git)/info/refs</c>, <c>git-upload-pack</c>, <c>git-receive-pack</c>.
/// Access goes through <see cref="RepositoryAccess"/> like every other route; git is streamed both ways.
/// </summary>
public static class GitHttpEndpoints
{
    public static void MapGitHttpEndpoints(this IEndpointRouteBuilder app)
    {
        var unlimited = new BodyLimit(null); // pushes have their own cap (receive.maxInputSize)
        app.MapGet("/{owner}/{repo}/info/refs", (HttpContext ctx, string owner, string repo) =>
        {
            if (!GitService.TryParse(ctx.Request.Query["service"], out var service))
            {
                throw AnvilException.BadRequest("only the smart HTTP protocol is supported (service=git-upload-pack or git-receive-pack)");
            }
            return ServeAsync(ctx, owner, repo, service, advertise: true);
        }).WithMetadata(unlimited);
        app.MapPost("/{owner}/{repo}/git-upload-pack", (HttpContext ctx, string owner, string repo) =>
            ServeAsync(ctx, owner, repo, GitService.UploadPack, advertise: false)).WithMetadata(unlimited);
        app.MapPost("/{owner}/{repo}/git-receive-pack", (HttpContext ctx, string owner, string repo) =>
            ServeAsync(ctx, owner, repo, GitService.ReceivePack, advertise: false)).WithMetadata(unlimited);
    }

    private static async Task ServeAsync(HttpContext ctx, string owner, string repoName, GitService service, bool advertise)
    {
        var sp = ctx.RequestServices;
        var caller = sp.GetRequiredService<Caller>();
        var name = repoName.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? repoName[..^4] : repoName;
        var needed = service == GitService.ReceivePack ? RepositoryPermission.Write : RepositoryPermission.Read;
        RepositoryGrant grant;
        if (service == GitService.UploadPack && await Actions.CheckoutAccess.GrantAsync(ctx, owner, name, ctx.RequestAborted) is { } checkout)
        {
            grant = checkout; // an Actions runner fetching its job's commit
        }
        else
        {
            await AuthenticateBasicAsync(ctx, caller);
            try
            {
                grant = await sp.GetRequiredService<RepositoryAccess>().RequireAsync(owner, name, needed, ctx.RequestAborted);
            }
            catch (AnvilException e) when (ctx.Request.Headers.Authorization.Count == 0 && e.Kind is FailureKind.NotFound or FailureKind.Unauthorized)
            {
                // No explicit credentials (anonymous, or only a session cookie): ask for them, so git prompts or sends
                // the ones it was given instead of reporting "not found". Missing and private repositories answer alike.
                throw Challenge(ctx, "authentication required");
            }
        }

        using var slot = sp.GetRequiredService<RateLimiting.GitConcurrencyLimiter>().Enter(ctx.Response);
        var repo = grant.Repository;
        var store = sp.GetRequiredService<RepositoryStore>();
        var smartHttp = sp.GetRequiredService<SmartHttpService>();
        var options = sp.GetRequiredService<AnvilOptions>();
        var gitDir = store.Open(repo).GitDir;
        var serviceOptions = new ServiceOptions { MaxPushSizeBytes = options.MaxPushBytes };
        var protocol = ctx.Request.Headers["Git-Protocol"].ToString() is { Length: > 0 } p ? p : null;
        if (protocol is not null && !GitProtocolHeader.IsValid(protocol))
        {
            throw AnvilException.BadRequest("invalid Git-Protocol header");
        }

        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        ctx.Response.Headers.CacheControl = "no-cache, max-age=0, must-revalidate";
        ctx.Response.Headers.Pragma = "no-cache";
        if (advertise)
        {
            ctx.Response.ContentType = service.AdvertisementContentType;
            await smartHttp.AdvertiseRefsAsync(gitDir, service, protocol, ctx.Response.Body, serviceOptions, ctx.RequestAborted);
            return;
        }

        if (!string.Equals(ctx.Request.ContentType, service.RequestContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw AnvilException.BadRequest($"Content-Type must be {service.RequestContentType}");
        }
        var gzip = ctx.Request.Headers.ContentEncoding.ToString() switch
        {
            "" or "identity" => false,
            "gzip" or "x-gzip" => true,
            _ => throw AnvilException.BadRequest("unsupported Content-Encoding"),
        };
        ctx.Response.ContentType = service.ResultContentType;
        GitServiceResult result;
        try
        {
            using var timer = Operations.Observability.TimeGitOperation(service.Name);
            result = await smartHttp.RunServiceAsync(gitDir, service, ctx.Request.Body, gzip, protocol, ctx.Response.Body, serviceOptions, ctx.RequestAborted);
        }
        catch (InvalidDataException)
        {
            throw AnvilException.BadRequest("request body is not valid gzip");
        }
        Operations.Observability.GitOperations.WithLabels(service.Name, result.ExitCode == 0 ? "ok" : "failed").Inc();
        if (service == GitService.ReceivePack && result.RefChanges.Count > 0)
        {
            // The push is done and reported to the client; recording it must not depend on the client staying.
            await sp.GetRequiredService<RepositoryService>().OnPushedAsync(repo, caller.RequireUser(), result.RefChanges, CancellationToken.None);
        }
    }

    /// <summary>
    /// HTTP Basic for git clients: a password, or a personal access token as the password. Explicit credentials win:
    /// a session cookie sent alongside (authentication has already signed the caller in by it) is set aside.
    /// </summary>
    private static async Task AuthenticateBasicAsync(HttpContext ctx, Caller caller)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        string username, secret;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':');
            (username, secret) = colon < 0 ? (decoded, "") : (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            throw Challenge(ctx, "malformed Basic credentials");
        }
        var sp = ctx.RequestServices;
        if (secret.StartsWith(Secrets.AccessTokenPrefix, StringComparison.Ordinal))
        {
            var found = await sp.GetRequiredService<AccessTokenService>().AuthenticateAsync(secret, ctx.RequestAborted)
                ?? throw Challenge(ctx, "invalid credentials");
            caller.SignedInByToken(found.User, found.Token);
            return;
        }
        var user = await sp.GetRequiredService<AccountService>().CheckPasswordAsync(username, secret, ctx.RequestAborted)
            ?? throw Challenge(ctx, "invalid credentials");
        caller.SignedInByPassword(user);
    }

    private static AnvilException Challenge(HttpContext ctx, string message)
    {
        var realm = ctx.RequestServices.GetRequiredService<AnvilOptions>().InstanceName;
        ctx.Response.Headers.WWWAuthenticate = $"Basic realm=\"{realm}\"";
        return AnvilException.Unauthorized(message);
    }
}

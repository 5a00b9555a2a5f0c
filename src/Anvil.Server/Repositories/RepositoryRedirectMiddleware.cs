using System.Text.Json;
using Anvil.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Anvil.Server.Repositories;

/// <summary>
/// Turns <see cref="RepositoryMovedException"/> into GitHub's answer for a renamed repository: the same request under the
/// new <c>owner/name</c>, rest of the path and query string kept — 301 for reads (git follows it for <c>info/refs</c> and
/// sends its later requests to the new place), 307 for other methods so the method and body are repeated. Only the route's
/// own <c>{owner}/{name}</c> (or git's <c>{owner}/{repo}</c>) segments are rewritten; a repository named anywhere else (a
/// request body, say) is simply not found.
/// </summary>
public sealed class RepositoryRedirectMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext ctx)
    {
        try
        {
            await next(ctx);
        }
        catch (RepositoryMovedException moved) when (!ctx.Response.HasStarted)
        {
            var location = NewLocation(ctx, moved) ?? throw RepositoryAccess.NotFound();
            var read = HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method);
            ctx.Response.Clear();
            ctx.Response.StatusCode = read ? StatusCodes.Status301MovedPermanently : StatusCodes.Status307TemporaryRedirect;
            ctx.Response.Headers.Location = location;
            // The old name may be taken by another repository tomorrow: nobody may keep this answer.
            ctx.Response.Headers.CacheControl = "no-store";
            ctx.Response.ContentType = "application/json; charset=utf-8";
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                message = read ? "Moved Permanently" : "Temporary Redirect",
                url = ctx.PublicBaseUrl() + location,
            }));
        }
    }

    /// <summary>The request's raw target with the owner and name segments replaced; null when the route names neither.</summary>
    private static string? NewLocation(HttpContext ctx, RepositoryMovedException moved)
    {
        if (ctx.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return null;
        }
        var pattern = endpoint.RoutePattern.PathSegments;
        var ownerAt = -1;
        for (var i = 0; i + 1 < pattern.Count; i++)
        {
            // The pages name them {Owner}/{Repo}, the API {owner}/{name}.
            if (string.Equals(ParameterName(pattern[i]), "owner", StringComparison.OrdinalIgnoreCase)
                && ParameterName(pattern[i + 1])?.ToLowerInvariant() is "name" or "repo")
            {
                ownerAt = i;
                break;
            }
        }
        if (ownerAt < 0)
        {
            return null;
        }
        var raw = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget is { } target && target.StartsWith('/')
            ? target
            : (ctx.Request.PathBase + ctx.Request.Path).ToUriComponent() + ctx.Request.QueryString; // absolute-form target
        var queryAt = raw.IndexOf('?');
        var (path, query) = queryAt < 0 ? (raw, "") : (raw[..queryAt], raw[queryAt..]);
        // Split the raw path, not the decoded one: every other segment goes back exactly as the client sent it.
        var segments = path.Split('/');
        // segments[0] is the empty string before the leading slash, then the path base's segments, then the pattern's.
        var at = 1 + ownerAt + (ctx.Request.PathBase.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).Length ?? 0);
        if (at + 1 >= segments.Length
            || !string.Equals(Uri.UnescapeDataString(segments[at]), moved.OldOwner, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var nameSegment = Uri.UnescapeDataString(segments[at + 1]);
        // Git's routes take the name with or without ".git"; the redirect keeps whichever the client used.
        string suffix;
        if (string.Equals(nameSegment, moved.OldName, StringComparison.OrdinalIgnoreCase))
        {
            suffix = "";
        }
        else if (string.Equals(nameSegment, moved.OldName + ".git", StringComparison.OrdinalIgnoreCase))
        {
            suffix = nameSegment[^4..];
        }
        else
        {
            return null;
        }
        segments[at] = Uri.EscapeDataString(moved.Repository.Owner.Username);
        segments[at + 1] = Uri.EscapeDataString(moved.Repository.Name) + suffix;
        return string.Join('/', segments) + query;
    }

    private static string? ParameterName(RoutePatternPathSegment segment) =>
        segment.IsSimple && segment.Parts[0] is RoutePatternParameterPart parameter ? parameter.Name : null;
}

using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Anvil.Server.Auth;

/// <summary>
/// What the session cookie alone may vouch for. Browsers attach it to requests other sites make — form posts,
/// no-preflight fetches, WebSocket handshakes — so a request it authenticates must show it comes from the instance's
/// own pages. Explicit credentials (bearer, PAT, git Basic) are never sent by a browser on another site's behalf and
/// are not subject to this.
/// </summary>
public static class CookieCredentialPolicy
{
    /// <summary>Refuses a cookie-authenticated request another site could have made.</summary>
    public static void Check(HttpContext ctx, AnvilOptions options)
    {
        var request = ctx.Request;
        var writes = !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && !HttpMethods.IsOptions(request.Method) && !HttpMethods.IsTrace(request.Method);
        // A WebSocket handshake is a GET that opens a two-way channel, and browsers let any page open one.
        if ((writes || ctx.WebSockets.IsWebSocketRequest) && IsCrossSite(request, options))
        {
            throw AnvilException.Forbidden("cross-origin request refused");
        }
        // A page on another site can send text/plain, form-encoded or untyped bodies without a CORS preflight (and
        // older browsers send no Origin); JSON needs a preflight, which Anvil never grants. A form with no fields still
        // declares its type, so a declared type counts even on an empty body.
        if (writes && Surfaces.IsApi(ctx) && (HasBody(ctx) || !string.IsNullOrEmpty(request.ContentType))
            && !IsJsonOrMultipart(request.ContentType))
        {
            throw new AnvilException(FailureKind.UnsupportedMediaType,
                "a request signed in by cookie must send its body as application/json (or multipart/form-data for uploads)");
        }
    }

    private static bool IsCrossSite(HttpRequest request, AnvilOptions options)
    {
        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return true;
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false; // not a browser, or a same-origin navigation of an old one
        }
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var o))
        {
            return true;
        }
        if (string.Equals(o.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        // Behind a proxy the Host Anvil sees may be an internal one; the configured public address is the instance's own too.
        return !(options.PublicUrl is { } publicUrl && Uri.TryCreate(publicUrl, UriKind.Absolute, out var p)
            && string.Equals(o.Scheme, p.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(o.Authority, p.Authority, StringComparison.OrdinalIgnoreCase));
    }

    private static bool HasBody(HttpContext ctx) =>
        ctx.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? ctx.Request.ContentLength > 0;

    private static bool IsJsonOrMultipart(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type)
        && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)
            || type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase));
}

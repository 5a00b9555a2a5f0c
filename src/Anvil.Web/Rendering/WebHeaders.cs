using Microsoft.AspNetCore.Http;

namespace Anvil.Web.Rendering;

/// <summary>The headers every HTML page carries: no inline script, no framing, nothing sniffed.</summary>
public static class WebHeaders
{
    // Images may come from elsewhere (README badges); scripts, styles and forms only from here.
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; " +
        "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        // Pages differ by viewer and carry antiforgery tokens: not stored (the exact value antiforgery itself sets, so it
        // need not override and warn).
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
    }

    /// <summary>
    /// Whether a failure on this request should be answered with an HTML page: a browser asking for a page
    /// (it says it accepts HTML), anywhere outside the JSON APIs.
    /// </summary>
    public static bool WantsHtml(HttpRequest request) =>
        !request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/auth")
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}

using System.Net;
using Microsoft.AspNetCore.Http;

namespace Anvil.Web.Rendering;

/// <summary>
/// The styled page for a failed browser request. Written as a plain string, not through the component renderer, so it
/// cannot fail itself; a 500 names only the request id.
/// </summary>
public static class ErrorPage
{
    public static async Task WriteAsync(HttpContext http, int status, string? message)
    {
        var (title, text) = status switch
        {
            404 => ("Page not found", "There is nothing here, or you do not have access to it."),
            429 => ("Too many requests", "Slow down a little and try again in a moment."),
            400 when message is null or "bad request" => ("Bad request", "The request could not be accepted. If you sent a form, reload the page and try again."),
            >= 500 => ("Something went wrong", "Anvil could not answer this request. If it keeps happening, give the request id below to whoever runs this server."),
            _ => (ReasonPhrase(status), message ?? ""),
        };
        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = null;
        WebHeaders.Apply(response);
        var page = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Enc(title)} · Anvil</title><link rel="stylesheet" href="{WebAssets.Url("anvil.css")}">
            <link rel="icon" href="{WebAssets.Url("favicon.svg")}" type="image/svg+xml"></head>
            <body><header class="site-header"><a class="logo" href="/">{Logo.Svg}<span>Anvil</span></a></header>
            <main class="container error-page"><p class="error-status">{status}</p><h1>{Enc(title)}</h1><p>{Enc(text)}</p>
            <p class="muted">Request id <code>{Enc(http.TraceIdentifier)}</code></p><p><a href="/">Go to the front page</a></p></main>
            </body></html>
            """;
        await response.WriteAsync(page, http.RequestAborted);
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } r ? r : "Error";

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}

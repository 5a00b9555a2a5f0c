using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Anvil.Web.Rendering;

/// <summary>
/// The stylesheet, script and icon, embedded in this assembly and served from memory under <c>/assets/</c>, gzipped
/// for clients that take it. URLs carry a content hash, so a response may be cached for a year: a changed file is a new URL.
/// </summary>
public static class WebAssets
{
    public const string Folder = "assets";

    /// <param name="Gzipped">The same bytes gzip-compressed once at start-up (null where it would not pay), for clients that accept it.</param>
    private sealed record Asset(byte[] Bytes, byte[]? Gzipped, string ContentType, string Hash);

    private static readonly FrozenDictionary<string, Asset> All = Load();

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        const string prefix = "Anvil.Web.Assets.";
        var assets = new Dictionary<string, Asset>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var bytes = memory.ToArray();
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[name] = new Asset(bytes, type.StartsWith("text/", StringComparison.Ordinal) || type == "image/svg+xml" ? Gzip(bytes) : null,
                type, Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
        }
        return assets.ToFrozenDictionary();
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(memory, System.IO.Compression.CompressionLevel.SmallestSize))
        {
            gzip.Write(bytes);
        }
        return memory.ToArray();
    }

    /// <summary>Whether the request's Accept-Encoding takes gzip (not refused with q=0).</summary>
    private static bool AcceptsGzip(HttpRequest request) =>
        Microsoft.Net.Http.Headers.StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptEncoding.ToArray(), out var encodings)
        && encodings.Any(e => (e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || e.Value == "*") && (e.Quality ?? 1) > 0);

    /// <summary>The versioned URL of an asset.</summary>
    public static string Url(string name) => $"/{Folder}/{name}?v={All[name].Hash}";

    public static async Task ServeAsync(HttpContext http, string name)
    {
        if (!All.TryGetValue(name, out var asset))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var response = http.Response;
        var etag = $"\"{asset.Hash}\"";
        response.Headers.ETag = etag;
        response.Headers.XContentTypeOptions = "nosniff";
        // Only the current version is immutable; an old or missing ?v= must revalidate.
        response.Headers.CacheControl = http.Request.Query["v"] == asset.Hash ? "public, max-age=31536000, immutable" : "public, no-cache";
        if (http.Request.Headers.IfNoneMatch == etag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.ContentType = asset.ContentType;
        // Static files only: they hold no secret, so compressing them over TLS leaks nothing (pages, with their
        // antiforgery tokens, are left to the proxy to decide).
        var body = asset.Bytes;
        if (asset.Gzipped is { } gzipped)
        {
            response.Headers.Vary = "Accept-Encoding";
            if (AcceptsGzip(http.Request))
            {
                response.Headers.ContentEncoding = "gzip";
                body = gzipped;
            }
        }
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await response.Body.WriteAsync(body, http.RequestAborted);
        }
    }
}

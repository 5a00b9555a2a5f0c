using Anvil.Git.Reading;
using Anvil.Server.Users;

namespace Anvil.Server.Browsing;

/// <summary>
/// Serves a file's bytes. The type comes from the content, never from the name, and is only ever an image type,
/// plain text or an opaque download: a repository file must not run as a page on this origin (no text/html, no SVG
/// as an image, a sandboxing CSP and nosniff on top).
/// </summary>
public static class RawContent
{
    /// <param name="textMediaType">
    /// The type to label text with instead of <c>text/plain</c>: the v1 surface echoes GitHub's raw media type, which
    /// clients such as Octokit need to read the body as bytes. Browsers only download such a type.
    /// </param>
    public static async Task WriteAsync(HttpContext ctx, string path, GitBlobStream content, string? textMediaType = null)
    {
        await using var _ = content;
        var head = new byte[(int)Math.Min(content.Size, GitReader.BinaryProbeBytes)];
        var filled = 0;
        while (filled < head.Length)
        {
            var n = await content.ReadAsync(head.AsMemory(filled), ctx.RequestAborted);
            if (n == 0)
            {
                throw new EndOfStreamException($"blob {content.Oid} ended early");
            }
            filled += n;
        }

        var response = ctx.Response;
        var image = ImageSniffer.ContentTypeOf(head);
        var binary = GitReader.LooksBinary(head);
        response.ContentType = image ?? (binary ? "application/octet-stream" : (textMediaType ?? "text/plain") + "; charset=utf-8");
        response.ContentLength = content.Size;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
        response.Headers.ETag = $"\"{content.Oid}\"";
        if (image is null && binary)
        {
            var name = path[(path.LastIndexOf('/') + 1)..];
            var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(name);
            response.Headers.ContentDisposition = disposition.ToString();
        }
        await response.Body.WriteAsync(head, ctx.RequestAborted);
        await content.CopyToAsync(response.Body, ctx.RequestAborted);
    }
}

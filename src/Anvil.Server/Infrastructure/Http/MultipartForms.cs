using Microsoft.Net.Http.Headers;

namespace Anvil.Server.Infrastructure.Http;

/// <summary>The one way a route reads a multipart body: anything that is not a whole, well-formed form is a 400.</summary>
public static class MultipartForms
{
    /// <summary>Whether the request says its body is <c>multipart/form-data</c>.</summary>
    public static bool IsMultipart(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The request's form. A body not declared multipart, without a boundary, malformed or cut short (no closing
    /// boundary) is a 400; an oversized one stays the 413 the body cap raises.
    /// </summary>
    public static async Task<IFormCollection> ReadMultipartFormAsync(this HttpRequest request, string what)
    {
        if (!IsMultipart(request))
        {
            throw AnvilException.BadRequest($"{what} must be uploaded as multipart/form-data");
        }
        try
        {
            return await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException || (e is IOException and not BadHttpRequestException
            && !request.HttpContext.RequestAborted.IsCancellationRequested))
        {
            // The form reader's end-of-stream before the closing boundary is an IOException, like a dropped connection.
            throw AnvilException.BadRequest("malformed multipart body");
        }
    }
}

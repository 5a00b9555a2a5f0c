using System.Text.Json;

namespace Anvil.Server.Infrastructure.Http;

/// <summary>Reads and writes JSON in the caller's surface's shape.</summary>
public static class ApiJson
{
    /// <summary>
    /// Reads the request body as <typeparamref name="T"/>. Every malformed body becomes a 400 with
    /// a message naming the problem; nothing here can surface as a 500.
    /// </summary>
    public static async Task<T> ReadBodyAsync<T>(this HttpRequest request) where T : class =>
        await request.ReadOptionalBodyAsync<T>(null) ?? throw AnvilException.BadRequest("request body is required");

    private static readonly JsonDocumentOptions NoDuplicateKeys = new() { AllowDuplicateProperties = false };

    /// <summary>Like <see cref="ReadBodyAsync{T}"/>, but an empty body reads as <paramref name="empty"/>.</summary>
    public static async Task<T?> ReadOptionalBodyAsync<T>(this HttpRequest request, T? empty) where T : class
    {
        // Bodies are capped (256 KiB by default), so buffering tells "empty" from "malformed" cheaply.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length == 0)
        {
            return empty;
        }
        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        try
        {
            // A key given twice means one thing to one parser and another to the next (first wins, last wins):
            // refused at every depth, whatever the body is read into — free-form objects (JsonObject) included,
            // which the serializer's own duplicate check does not cover.
            using (JsonDocument.Parse(json, NoDuplicateKeys))
            {
            }
            return JsonSerializer.Deserialize<T>(json.Span, Surfaces.JsonFor(request.HttpContext))
                ?? throw AnvilException.BadRequest("request body must be a JSON object");
        }
        catch (JsonException e)
        {
            var at = e.Path is { Length: > 1 } path ? $" at {path}" : "";
            throw AnvilException.MalformedJson(e.Message.Contains("uplicate", StringComparison.Ordinal)
                ? $"malformed JSON{at}: duplicate key in an object" : $"malformed JSON{at}");
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or FormatException)
        {
            throw AnvilException.MalformedJson("malformed JSON");
        }
    }

    /// <summary>200 with <paramref name="value"/> in the surface's shape; the handler's return type tells OpenAPI the body type.</summary>
    public static JsonOk<T> Json<T>(HttpContext ctx, T value) => new(ctx, value);

    /// <summary>The <c>{"success": true}</c> acknowledgement of the sigmagit surface.</summary>
    public sealed record Done(bool Success);

    /// <summary><c>{}</c>: accepted, nothing to tell.</summary>
    public sealed record EmptyObject;

    public static JsonOk<Done> Success(HttpContext ctx) => new(ctx, new Done(true));

    /// <summary>205, no body: done, as GitHub answers marking notifications read.</summary>
    public static ResetContent ResetContent() => new();

    /// <summary>201 with the created resource.</summary>
    public static JsonCreated<T> Created<T>(HttpContext ctx, T value) => new(ctx, value);

    /// <summary>202 with what was queued.</summary>
    public static JsonAccepted<T> Accepted<T>(HttpContext ctx, T value) => new(ctx, value);

    internal static Task WriteAsync<T>(HttpContext ctx, T value, int status) =>
        Results.Json(value, Surfaces.JsonFor(ctx), "application/json; charset=utf-8", status).ExecuteAsync(ctx);

    /// <summary>The error body of <see cref="ErrorBodies"/> for the request's surface, with <paramref name="status"/>.</summary>
    public static async Task WriteErrorAsync(HttpContext ctx, int status, string message, AnvilException? cause = null)
    {
        if (ctx.Response.HasStarted)
        {
            return;
        }
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = ErrorBodies.ContentType;
        await ctx.Response.Body.WriteAsync(ErrorBodies.Build(ErrorBodies.Of(ctx, status, message, cause)));
    }
}

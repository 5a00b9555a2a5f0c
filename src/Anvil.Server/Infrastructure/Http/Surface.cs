using System.Text.Json;
using System.Text.Json.Serialization;

namespace Anvil.Server.Infrastructure.Http;

/// <summary>Which API a request speaks. Decided by path, in this one place.</summary>
public enum ApiSurface
{
    Sigmagit,
    V1,
    Git,
    /// <summary>The HTML pages.</summary>
    Web,
}

public static class Surfaces
{
    public static ApiSurface Of(HttpContext ctx) =>
        ctx.Request.Path.StartsWithSegments("/api/v1") ? ApiSurface.V1 : ApiSurface.Sigmagit;

    /// <summary>Whether a raw request path (as Kestrel read it, perhaps not even starting with '/') is on the v1 surface.</summary>
    public static bool IsV1(string path) =>
        path.StartsWith("/api/v1", StringComparison.OrdinalIgnoreCase) && (path.Length == 7 || path[7] == '/');

    /// <summary>The JSON surface a route path belongs to (for the OpenAPI document); null off the JSON APIs (git, WebSocket).</summary>
    public static ApiSurface? OfPath(PathString path) =>
        path.StartsWithSegments("/api/v1") ? ApiSurface.V1
        : path.StartsWithSegments("/api") || path.StartsWithSegments("/auth") ? ApiSurface.Sigmagit
        : null;

    public static bool IsApi(HttpContext ctx) =>
        ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/auth");

    /// <summary>camelCase JSON of the sigmagit surface.</summary>
    public static readonly JsonSerializerOptions SigmagitJson = Create(JsonNamingPolicy.CamelCase);

    /// <summary>GitHub's snake_case JSON of the v1 surface.</summary>
    public static readonly JsonSerializerOptions V1Json = Create(JsonNamingPolicy.SnakeCaseLower);

    public static JsonSerializerOptions JsonFor(HttpContext ctx) => Of(ctx) == ApiSurface.V1 ? V1Json : SigmagitJson;

    private static JsonSerializerOptions Create(JsonNamingPolicy naming)
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = naming,
            DictionaryKeyPolicy = null,
            NumberHandling = JsonNumberHandling.Strict,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            // {"a":1,"a":2} means two things to two parsers (first wins here, last wins there): refused, not guessed.
            AllowDuplicateProperties = false,
        };
        o.Converters.Add(new Rfc3339DateTimeConverter());
        o.Converters.Add(new JsonStringEnumConverter(naming));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}

/// <summary>RFC 3339 UTC to the second, as GitHub writes it: <c>2026-05-09T16:30:00Z</c>.</summary>
public sealed class Rfc3339DateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().UtcDateTime;

    // "s" is the sortable pattern (yyyy-MM-ddTHH:mm:ss), which .NET formats without parsing a custom pattern; every
    // date of every JSON answer passes through here (a commits page: 60).
    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        Span<byte> utf8 = stackalloc byte[20];
        Utc(value).TryFormat(utf8, out var written, "s", System.Globalization.CultureInfo.InvariantCulture);
        utf8[written] = (byte)'Z';
        writer.WriteStringValue(utf8[..(written + 1)]);
    }

    public static string Format(DateTime value) => Utc(value).ToString("s", System.Globalization.CultureInfo.InvariantCulture) + "Z";

    private static DateTime Utc(DateTime value) =>
        value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime();
}

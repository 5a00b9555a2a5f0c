using System.Globalization;

namespace Anvil.Server.Infrastructure.Http;

/// <summary>Typed query-string values as GitHub's clients send them; a malformed one is a 400 naming the parameter.</summary>
public static class QueryValues
{
    /// <summary>
    /// A boolean: <c>true</c>/<c>false</c> in any case (PyGithub sends Python's <c>True</c>) or <c>1</c>/<c>0</c>; null when absent.
    /// </summary>
    public static bool? Bool(this HttpRequest request, string name)
    {
        var raw = request.Query[name].ToString();
        if (raw.Length == 0)
        {
            return null;
        }
        if (bool.TryParse(raw, out var value))
        {
            return value;
        }
        return raw switch
        {
            "1" => true,
            "0" => false,
            _ => throw AnvilException.BadRequest($"{name} must be true or false"),
        };
    }

    /// <summary>An ISO 8601 timestamp (GitHub's <c>YYYY-MM-DDTHH:MM:SSZ</c>; a date alone means its midnight UTC); null when absent.</summary>
    public static DateTimeOffset? Timestamp(this HttpRequest request, string name)
    {
        var raw = request.Query[name].ToString();
        if (raw.Length == 0)
        {
            return null;
        }
        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw AnvilException.BadRequest($"{name} must be an ISO 8601 timestamp such as 2026-05-09T16:30:00Z");
    }

    /// <summary>GitHub's <c>direction</c>: <c>asc</c> or <c>desc</c>; null when absent.</summary>
    public static bool? Ascending(this HttpRequest request) => request.Query["direction"].ToString().ToLowerInvariant() switch
    {
        "" => null,
        "asc" => true,
        "desc" => false,
        _ => throw AnvilException.Invalid("direction must be asc or desc"),
    };
}

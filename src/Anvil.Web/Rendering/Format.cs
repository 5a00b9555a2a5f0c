using System.Globalization;

namespace Anvil.Web.Rendering;

public static class Format
{
    /// <summary>"3 days ago", as a person reads it; the exact time goes in the element's datetime/title.</summary>
    public static string Ago(DateTimeOffset when, DateTimeOffset? now = null)
    {
        var span = (now ?? DateTimeOffset.UtcNow) - when;
        return span.TotalSeconds switch
        {
            < 60 => "just now",
            < 3600 => Plural((int)span.TotalMinutes, "minute"),
            < 86400 => Plural((int)span.TotalHours, "hour"),
            < 86400 * 30 => Plural((int)span.TotalDays, "day"),
            < 86400 * 365 => Plural((int)(span.TotalDays / 30), "month"),
            _ => Plural((int)(span.TotalDays / 365), "year"),
        };
    }

    public static string Ago(DateTime utc) => Ago(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));

    private static string Plural(int n, string unit) => $"{n} {unit}{(n == 1 ? "" : "s")} ago";

    public static string Iso(DateTimeOffset when) => when.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Iso(DateTime utc) => Iso(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));

    public static string Date(DateTime utc) => utc.ToString("MMM d, yyyy", CultureInfo.InvariantCulture);

    public static string Bytes(long n) => n switch
    {
        < 1024 => $"{n} Bytes",
        < 1024 * 1024 => $"{n / 1024.0:0.#} KB",
        _ => $"{n / (1024.0 * 1024):0.#} MB",
    };

    public static string Short(string oid) => oid.Length > 7 ? oid[..7] : oid;

    /// <summary>Text lines of a file for display; a trailing newline does not make an extra empty line.</summary>
    public static string[] Lines(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        return lines.Length > 1 && lines[^1].Length == 0 ? lines[..^1] : lines;
    }

    /// <summary>"Firefox on Linux" from a User-Agent: enough for a person to tell their sessions apart.</summary>
    public static string Browser(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown client";
        }
        var ua = userAgent;
        // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
        var browser = ua.Contains("Edg/") ? "Edge" : ua.Contains("OPR/") ? "Opera" : ua.Contains("Firefox/") ? "Firefox"
            : ua.Contains("Chrome/") || ua.Contains("Chromium/") ? "Chrome" : ua.Contains("Safari/") ? "Safari"
            : ua.StartsWith("git/", StringComparison.Ordinal) ? "git" : ua.Split('/', ' ')[0];
        var system = ua.Contains("Android") ? "Android" : ua.Contains("iPhone") || ua.Contains("iPad") ? "iOS"
            : ua.Contains("Windows") ? "Windows" : ua.Contains("Mac OS X") ? "macOS" : ua.Contains("Linux") ? "Linux" : null;
        return system is null ? browser : browser + " on " + system;
    }

    /// <summary>"1m 5s", "2h 3m", "12s": how long a run, job or step took.</summary>
    public static string Duration(TimeSpan span)
    {
        var s = (long)Math.Max(0, span.TotalSeconds);
        return s switch
        {
            < 60 => $"{s}s",
            < 3600 => $"{s / 60}m {s % 60}s",
            _ => $"{s / 3600}h {s % 3600 / 60}m",
        };
    }
}

using System.Reflection;
using Anvil.Server.Infrastructure.Http;

namespace Anvil.Server.Meta;

public static class MetaEndpoints
{
    /// <summary>Feature identifiers clients may gate on; append as features land, never remove.</summary>
    public static readonly List<string> Capabilities =
    [
        "pat-auth", "sessions", "avatars", "check-runs", "actions-lifecycle",
        // One per feature the v1 surface serves.
        "repos", "stars", "forks", "collaborators", "issues", "labels", "pulls", "reviews", "merges", "branches", "commits",
        "contents", "search", "notifications", "webhooks", "check-suites", "actions", "artifacts", "runners",
    ];

    public sealed record Health(string Status);

    /// <param name="BuiltAt">RFC 3339 UTC.</param>
    public sealed record Meta(string Version, string Commit, string BuiltAt, List<string> Capabilities);

    public static void MapMetaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (HttpContext ctx) => ApiJson.Json(ctx, new Health("ok")));
        app.MapGet("/api/v1/meta", (HttpContext ctx) =>
            ApiJson.Json(ctx, new Meta(BuildInfo.Version, BuildInfo.Commit, BuildInfo.BuiltAt, Capabilities)));
    }
}

/// <summary>Version stamp: the commit is embedded at build time (see Anvil.Server.csproj).</summary>
public static class BuildInfo
{
    private static readonly Assembly Self = typeof(BuildInfo).Assembly;

    public static string Version { get; } = "v" + (Self.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");
    public static string Commit { get; } = Metadata("SourceCommit") is { Length: > 0 } c ? c : "unknown";
    // The assembly's own timestamp: stamping a time into the build would defeat incremental builds.
    public static string BuiltAt { get; } = Infrastructure.Http.Rfc3339DateTimeConverter.Format(File.GetLastWriteTimeUtc(Self.Location));

    private static string? Metadata(string key) =>
        Self.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}

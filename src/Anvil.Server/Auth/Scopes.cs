namespace Anvil.Server.Auth;

/// <summary>Personal-access-token scopes. Scopes only grant: they never let a token exceed its user.</summary>
public static class Scopes
{
    public const string RepoRead = "repo:read";
    public const string RepoWrite = "repo:write";
    public const string UserRead = "user:read";
    public const string UserWrite = "user:write";
    public const string Notifications = "notifications";
    public const string Webhooks = "webhooks";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [RepoRead, RepoWrite, UserRead, UserWrite, Notifications, Webhooks, Admin];

    /// <summary>The canonical name of a requested scope, resolving aliases; null when unknown.</summary>
    public static string? Canonical(string requested) => requested.Trim().ToLowerInvariant() switch
    {
        "repo" => RepoWrite,
        "user" => UserWrite,
        var s when All.Contains(s) => s,
        _ => null,
    };

    /// <summary>Whether holding <paramref name="held"/> satisfies <paramref name="required"/> (write implies read).</summary>
    public static bool Grants(IReadOnlySet<string> held, string required) =>
        held.Contains(required)
        || (required == RepoRead && held.Contains(RepoWrite))
        || (required == UserRead && held.Contains(UserWrite));

    public static IReadOnlySet<string> Parse(string stored) =>
        stored.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    public static string Format(IEnumerable<string> scopes) => string.Join(' ', scopes);

    /// <summary>The <c>X-OAuth-Scopes</c> form: comma-separated, in canonical order.</summary>
    public static string Header(IReadOnlySet<string> scopes) => string.Join(", ", All.Where(scopes.Contains));
}

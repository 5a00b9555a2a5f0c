using System.Text.RegularExpressions;

namespace Anvil.Server.Users;

/// <summary>What a username, email or password may be. Every surface validates through here.</summary>
public static partial class NameRules
{
    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex("^[A-Za-z0-9_]{1,15}$")]
    private static partial Regex TwitterUsernamePattern();

    [GeneratedRegex(@"^[^@\s""<>]+@[^@\s""<>]+\.[^@\s""<>.]+$")]
    private static partial Regex EmailPattern();

    // Names that would shadow routes or confuse people; compared case-insensitively.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "api", "auth", "ws", "health", "settings", "new", "login", "logout", "signin", "signup", "sign-in", "sign-up",
        "sign-out", "register", "admin", "administrator", "root", "system", "anvil", "explore", "search", "notifications",
        "metrics", "openapi", "docs", "assets", "static", "favicon.ico", "robots.txt", "user", "users", "org", "orgs",
        "organizations", "repos", "repositories", "issues", "pulls", "stars", "dashboard", "help", "about", "support",
        "security", "site", "www", "mail", "git", "ghost", "actions", "runners", "discord", "webhooks", "me",
    };

    static NameRules()
    {
        // The web interface's own top-level pages and asset folder, as it declares them.
        Reserved.UnionWith(Anvil.Web.WebInterface.TopLevelNames);
    }

    /// <summary>GitHub's limit, which every client and column of Anvil's follows.</summary>
    public const int MaxUsernameLength = 39;

    public static string? UsernameProblem(string? username)
    {
        if (string.IsNullOrEmpty(username))
        {
            return "username is required";
        }
        if (username.Length > MaxUsernameLength)
        {
            return $"username must be at most {MaxUsernameLength} characters";
        }
        if (!UsernamePattern().IsMatch(username))
        {
            return "username may only contain letters, digits and single hyphens, and cannot begin or end with a hyphen";
        }
        return Reserved.Contains(username) ? $"username '{username}' is reserved" : null;
    }

    public static string? EmailProblem(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return "email is required";
        }
        return email.Length > 254 || !EmailPattern().IsMatch(email) ? "email is not a valid address" : null;
    }

    public static string? PasswordProblem(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "password is required";
        }
        return password.Length is < 8 or > 128 ? "password must be 8 to 128 characters" : null;
    }

    /// <summary>X's (Twitter's) rule for a handle, without its <c>@</c>: what GitHub's <c>twitter_username</c> holds.</summary>
    public static bool IsTwitterUsername(string handle) => TwitterUsernamePattern().IsMatch(handle);

    public static string Normalize(string s) => s.Trim().ToLowerInvariant();
}

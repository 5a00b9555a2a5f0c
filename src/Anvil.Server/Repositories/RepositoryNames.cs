using System.Text.RegularExpressions;

namespace Anvil.Server.Repositories;

public static partial class RepositoryNames
{
    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex Pattern();

    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "name is required";
        }
        if (!Pattern().IsMatch(name))
        {
            return "repository name must be 1 to 100 characters of letters, digits, '.', '_' and '-'";
        }
        if (name is "." or "..")
        {
            return "repository name cannot be '.' or '..'";
        }
        if (name.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            return "repository name cannot end with '.git'";
        }
        return null;
    }

    public static string Normalize(string name) => name.ToLowerInvariant();
}

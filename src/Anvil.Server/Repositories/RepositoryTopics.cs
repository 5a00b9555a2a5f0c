using System.Text.RegularExpressions;
using Anvil.Server.Infrastructure;

namespace Anvil.Server.Repositories;

/// <summary>GitHub's topic rules: lower-case letters, digits and hyphens, starting with a letter or digit, at most 35 characters, at most 20 per repository.</summary>
public static partial class RepositoryTopics
{
    public const int MaxLength = 35;
    public const int MaxCount = 20;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex Shape();

    /// <summary>The topics as given (duplicates dropped, order kept), or GitHub's 422 naming the first that breaks a rule.</summary>
    public static List<string> Valid(IReadOnlyList<string?> names)
    {
        var topics = new List<string>();
        foreach (var raw in names)
        {
            var name = raw?.Trim() ?? "";
            if (name.Length == 0 || name.Length > MaxLength || !Shape().IsMatch(name))
            {
                throw AnvilException.Invalid("Repository", "names",
                    $"'{raw}' is not a valid topic: topics must start with a lowercase letter or number, consist of {MaxLength} characters or less, and can include hyphens");
            }
            if (!topics.Contains(name))
            {
                topics.Add(name);
            }
        }
        if (topics.Count > MaxCount)
        {
            throw AnvilException.Invalid("Repository", "names", $"a repository can have at most {MaxCount} topics");
        }
        return topics;
    }
}

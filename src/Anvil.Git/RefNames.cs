namespace Anvil.Git;

/// <summary>
/// Names of refs and branches, decided once: git's own rules (<c>git check-ref-format</c>, and <c>--branch</c> for a
/// branch) plus GitHub's refusal of branch names git would take for an object id.
/// </summary>
public static class RefNames
{
    /// <summary>Where branches live: a branch "main" is the ref "refs/heads/main".</summary>
    public const string BranchPrefix = "refs/heads/";

    public const string TagPrefix = "refs/tags/";

    /// <summary>
    /// The longest branch name taken: a ref is a file, and a longer name runs into file-name limits (and the columns that
    /// keep branch names).
    /// </summary>
    public const int MaxBranchLength = 255;

    public static string Branch(string branch) => BranchPrefix + branch;

    public static string Tag(string tag) => TagPrefix + tag;

    /// <summary>The branch <paramref name="refName"/> is, or null when it is not under refs/heads/.</summary>
    public static string? BranchOf(string refName) =>
        refName.StartsWith(BranchPrefix, StringComparison.Ordinal) ? refName[BranchPrefix.Length..] : null;

    /// <summary>The tag <paramref name="refName"/> is, or null when it is not under refs/tags/.</summary>
    public static string? TagOf(string refName) =>
        refName.StartsWith(TagPrefix, StringComparison.Ordinal) ? refName[TagPrefix.Length..] : null;

    /// <summary>
    /// Whether <paramref name="refName"/> is a ref name git accepts, mirroring <c>git check-ref-format</c>: a full name
    /// ("refs/heads/x", not "x") unless <paramref name="allowOneLevel"/> (<c>--allow-onelevel</c>). Done in C# rather than
    /// by running git because the server checks every name it gets.
    /// </summary>
    public static bool IsValid(string? refName, bool allowOneLevel = false)
    {
        if (string.IsNullOrEmpty(refName) || refName == "@" || (!allowOneLevel && !refName.Contains('/')))
        {
            return false;
        }
        if (refName.EndsWith('.') || refName.Contains("..") || refName.Contains("@{"))
        {
            return false;
        }
        foreach (var c in refName)
        {
            if (c < 0x20 || c == 0x7f || c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\')
            {
                return false;
            }
        }
        foreach (var component in refName.Split('/'))
        {
            // Covers a leading or trailing slash and "//" too: they make an empty component.
            if (component.Length == 0 || component.StartsWith('.') || component.EndsWith(".lock", StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Why <paramref name="branch"/> cannot be a branch's name, or null when it can: what <c>git check-ref-format --branch</c>
    /// refuses (no leading '-', not HEAD, a valid refs/heads/ name), "@" (git reads it as HEAD), and, as GitHub refuses
    /// them, 40 hex digits (git would read the name as a commit). "refs/x" is a branch name like any other to git, and
    /// so here (its ref is refs/heads/refs/x).
    /// </summary>
    public static BranchNameProblem? BranchProblem(string? branch)
    {
        if (string.IsNullOrEmpty(branch))
        {
            return BranchNameProblem.Missing;
        }
        if (branch.Length > MaxBranchLength || branch.StartsWith('-') || !IsValid(Branch(branch)))
        {
            return BranchNameProblem.Invalid;
        }
        if (branch is "HEAD" or "@" || IsObjectIdLike(branch))
        {
            return BranchNameProblem.Reserved;
        }
        return null;
    }

    public static bool IsValidBranch(string? branch) => BranchProblem(branch) is null;

    private static bool IsObjectIdLike(string name) => name.Length == 40 && name.All(char.IsAsciiHexDigit);
}

public enum BranchNameProblem
{
    Missing,
    /// <summary>Not a name git takes for a branch, or too long.</summary>
    Invalid,
    /// <summary>A name git takes but would read as something else (HEAD, a commit).</summary>
    Reserved,
}

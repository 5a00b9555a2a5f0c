namespace Anvil.Git.Reading;

/// <summary>User-supplied input that Anvil refuses to hand to git. The server maps this to 400.</summary>
public class GitInputException(string message) : ArgumentException(message);

public sealed class GitPathException(string message) : GitInputException(message);

public sealed class GitRevisionException(string message) : GitInputException(message);

/// <summary>Validation of user input before it reaches git. Every check here exists because git would interpret the input otherwise.</summary>
public static class GitInput
{
    public const int MaxPathLength = 4096;
    public const int MaxRevisionLength = 255;
    public const string EmptyTreeOid = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    public static bool IsFullOid(string? s) => s is { Length: 40 } && IsLowerHex(s);

    public static bool IsAbbreviatedOid(string s) => s.Length is >= 4 and < 40 && IsLowerHex(s);

    /// <summary>Throws unless <paramref name="oid"/> is a full lowercase SHA-1; callers resolve user input first.</summary>
    public static string RequireOid(string oid, string paramName = "oid")
        => IsFullOid(oid) ? oid : throw new GitRevisionException($"{paramName} must be a full 40-character object id");

    /// <summary>
    /// Normalizes a repository-relative path: "" is the root, a trailing '/' is dropped. Rejects anything that is
    /// not a plain path so it can never climb out, be read as pathspec magic by accident, or smuggle control bytes.
    /// </summary>
    public static string NormalizePath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "";
        }
        if (path.Length > MaxPathLength)
        {
            throw new GitPathException("path is too long");
        }
        if (path.EndsWith('/'))
        {
            path = path[..^1];
        }
        if (path.Length == 0)
        {
            return "";
        }
        if (path.StartsWith('/'))
        {
            throw new GitPathException("path must be relative");
        }
        foreach (var c in path)
        {
            if (c == '\\' || char.IsControl(c))
            {
                throw new GitPathException("path contains a forbidden character");
            }
        }
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                throw new GitPathException("path contains an empty, '.' or '..' segment");
            }
        }
        return path;
    }

    /// <summary>
    /// A path a client writes to (a tree entry, a contents change): a normalized path that names something (not the root) and
    /// has no <c>.git</c> segment, which git itself would refuse to check out.
    /// </summary>
    public static string NormalizeWritePath(string? path)
    {
        var p = NormalizePath(path);
        if (p.Length == 0)
        {
            throw new GitPathException("path must name a file or directory");
        }
        if (p.Split('/').Any(s => s.Equals(".git", StringComparison.OrdinalIgnoreCase)))
        {
            throw new GitPathException("path may not contain a .git segment");
        }
        return p;
    }

    /// <summary>
    /// Checks a branch name, tag name, full ref or hex oid from a URL: a name git takes as a ref (<see cref="RefNames.IsValid"/>,
    /// one level allowed), which keeps out revision syntax (~ ^ : @{ ..) that would let a URL walk history or search commit
    /// messages. Stricter than git on purpose where a URL is concerned: no leading '-' (an option), no whitespace at all.
    /// </summary>
    public static void ValidateRevision(string revision)
    {
        if (string.IsNullOrEmpty(revision))
        {
            throw new GitRevisionException("revision is empty");
        }
        if (revision.Length > MaxRevisionLength)
        {
            throw new GitRevisionException("revision is too long");
        }
        if (revision.StartsWith('-'))
        {
            throw new GitRevisionException("revision may not start with '-'");
        }
        if (!RefNames.IsValid(revision, allowOneLevel: true) || revision.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new GitRevisionException("revision is not a valid ref name");
        }
    }

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }
        return true;
    }
}

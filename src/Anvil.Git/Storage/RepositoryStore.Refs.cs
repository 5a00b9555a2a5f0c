namespace Anvil.Git.Storage;

/// <summary>Compare-and-swap ref updates (through <see cref="GitRepository"/>), and the validation of object ids (ref names are <see cref="RefNames"/>').</summary>
public sealed partial class RepositoryStore
{
    /// <summary>The all-zero object id: as an expected old value it means "the ref must not exist".</summary>
    public const string ZeroOid = "0000000000000000000000000000000000000000";

    /// <summary>
    /// Sets <paramref name="refName"/> to <paramref name="newOid"/> only if it currently holds
    /// <paramref name="expectedOldOid"/> (<see cref="ZeroOid"/>: only if it does not exist yet).
    /// Returns false when the ref held something else; throws for any other failure (e.g. unknown object).
    /// </summary>
    internal static async Task<bool> UpdateRefAsync(string gitDir, string refName, string newOid, string expectedOldOid,
        CancellationToken ct = default)
    {
        RequireRefName(refName);
        RequireOid(newOid, nameof(newOid));
        RequireOid(expectedOldOid, nameof(expectedOldOid));
        if (newOid == ZeroOid)
        {
            throw new ArgumentException("use DeleteRefAsync to delete a ref", nameof(newOid));
        }
        return await CompareAndSwapAsync(gitDir, refName, expectedOldOid, ["update-ref", refName, newOid, expectedOldOid], ct);
    }

    /// <summary>
    /// Deletes <paramref name="refName"/> only if it currently holds <paramref name="expectedOldOid"/>.
    /// Returns false when it held something else or did not exist.
    /// </summary>
    internal static async Task<bool> DeleteRefAsync(string gitDir, string refName, string expectedOldOid, CancellationToken ct = default)
    {
        RequireRefName(refName);
        RequireOid(expectedOldOid, nameof(expectedOldOid));
        if (expectedOldOid == ZeroOid)
        {
            throw new ArgumentException("deleting needs the ref's current value", nameof(expectedOldOid));
        }
        return await CompareAndSwapAsync(gitDir, refName, expectedOldOid, ["update-ref", "-d", refName, expectedOldOid], ct);
    }

    /// <summary>
    /// Runs the update; git itself does the locking and the comparison. When it fails, a mismatch is told apart
    /// from other errors by looking at the ref afterwards: if it still holds the expected value, the failure had
    /// another cause and is reported as an exception rather than as a lost race.
    /// </summary>
    private static async Task<bool> CompareAndSwapAsync(string gitDir, string refName, string expectedOldOid,
        IReadOnlyList<string> updateArgs, CancellationToken ct)
    {
        var r = await GitCli.RunAsync(gitDir, updateArgs, ct: ct);
        if (r.Success)
        {
            return true;
        }
        var current = await ReadRefAsync(gitDir, refName, ct);
        if ((current ?? ZeroOid) != expectedOldOid)
        {
            return false;
        }
        throw new GitCommandException($"git update-ref {refName} failed ({r.ExitCode}): {r.Stderr.Trim()}", r.ExitCode, r.Stderr);
    }

    private static async Task<string?> ReadRefAsync(string gitDir, string refName, CancellationToken ct)
    {
        var r = await GitCli.RunAsync(gitDir, ["rev-parse", "--verify", "--quiet", refName], ct: ct);
        return r.Success ? r.StdoutText.Trim() : null;
    }

    /// <summary>A full SHA-1 object id: 40 lowercase hex digits (the form git prints).</summary>
    public static bool IsValidOid(string? oid)
        => oid is { Length: 40 } && oid.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static void RequireRefName(string refName)
    {
        if (!RefNames.IsValid(refName))
        {
            throw new ArgumentException($"invalid ref name '{refName}'", nameof(refName));
        }
    }

    private static void RequireOid(string oid, string paramName)
    {
        if (!IsValidOid(oid))
        {
            throw new ArgumentException($"invalid object id '{oid}'", paramName);
        }
    }
}

namespace Anvil.Git.Storage;

/// <summary>Copying a ref (and the objects it needs) from one repository into another on the same disk.</summary>
public sealed partial class RepositoryStore
{
    /// <summary>
    /// Fetches <paramref name="sourceRef"/> of <paramref name="sourceGitDir"/> into <paramref name="targetGitDir"/> as
    /// <paramref name="targetRef"/> (forced: it follows the source wherever it went), bringing whatever objects are
    /// missing. Used for pull requests from forks: the base repository needs the head's commits to merge them.
    /// Returns the commit the target ref now holds, or null when the source ref does not exist.
    /// </summary>
    internal static async Task<string?> FetchRefAsync(string targetGitDir, string sourceGitDir, string sourceRef, string targetRef,
        CancellationToken ct = default)
    {
        RequireRefName(sourceRef);
        RequireRefName(targetRef);
        if (await ReadRefAsync(sourceGitDir, sourceRef, ct) is null)
        {
            return null;
        }
        var r = await GitCli.RunAsync(targetGitDir,
            ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-gc", "--", Path.GetFullPath(sourceGitDir), $"+{sourceRef}:{targetRef}"], ct: ct);
        if (!r.Success)
        {
            // The source ref may have been deleted between the check and the fetch.
            if (await ReadRefAsync(sourceGitDir, sourceRef, ct) is null)
            {
                return null;
            }
            throw new GitCommandException($"git fetch {sourceRef} failed ({r.ExitCode}): {r.Stderr.Trim()}", r.ExitCode, r.Stderr);
        }
        return await ReadRefAsync(targetGitDir, targetRef, ct);
    }

    /// <summary>The commit <paramref name="refName"/> holds, or null when it does not exist.</summary>
    internal static Task<string?> ResolveRefAsync(string gitDir, string refName, CancellationToken ct = default)
    {
        RequireRefName(refName);
        return ReadRefAsync(gitDir, refName, ct);
    }

    /// <summary>Removes <paramref name="refName"/> whatever it holds; a missing ref is not an error.</summary>
    internal static async Task RemoveRefAsync(string gitDir, string refName, CancellationToken ct = default)
    {
        RequireRefName(refName);
        await GitCli.RunAsync(gitDir, ["update-ref", "-d", refName], ct: ct);
    }
}

namespace Anvil.Git.Reading;

public sealed partial class GitReader
{
    /// <summary>
    /// What a commit changed: against its first parent (so a merge shows what it brought into the branch), or against
    /// the empty tree for a root commit. Null when the commit does not exist.
    /// </summary>
    public async Task<GitDiff?> GetCommitDiffAsync(string gitDir, string oid, DiffLimits? limits = null, CancellationToken ct = default)
    {
        var commit = await GetCommitAsync(gitDir, oid, ct);
        if (commit is null)
        {
            return null;
        }
        return await RunDiffAsync(gitDir, commit.ParentOids.Count > 0 ? commit.ParentOids[0] : GitInput.EmptyTreeOid, oid, limits ?? DiffLimits.Default, ct);
    }

    /// <summary>
    /// The difference between two commits or trees, with rename and copy detection. For a pull request pass the merge base
    /// as <paramref name="fromOid"/>. Null when either object does not exist.
    /// </summary>
    public async Task<GitDiff?> GetDiffAsync(string gitDir, string fromOid, string toOid, DiffLimits? limits = null, CancellationToken ct = default)
    {
        GitInput.RequireOid(fromOid, nameof(fromOid));
        GitInput.RequireOid(toOid, nameof(toOid));
        var headers = await pool.UseAsync(gitDir, (p, c) => p.BatchAsync("info", [fromOid + "^{tree}", toOid + "^{tree}"], static (_, h) => Task.FromResult(h), c), ct);
        if (!headers.All(h => h.Found))
        {
            return null;
        }
        return await RunDiffAsync(gitDir, fromOid, toOid, limits ?? DiffLimits.Default, ct);
    }

    private static async Task<GitDiff> RunDiffAsync(string gitDir, string fromOid, string toOid, DiffLimits limits, CancellationToken ct)
    {
        // diff-tree is plumbing, so repository config cannot change its output format; the flags pin the rest.
        await using var git = RunningGit.Start(gitDir,
        [
            "diff-tree", "-r", "-z", "--raw", "--numstat", "-p", "-M", "-C", "--no-abbrev",
            "--no-color", "--no-ext-diff", "--no-textconv", fromOid, toOid,
        ]);
        var diff = await DiffParser.ParseAsync(git.Output, limits, ct);
        if (!diff.IsTruncated)
        {
            await git.EnsureSuccessAsync(ct);
        }
        return diff;
    }
}

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
        var headers = await _pool.UseAsync(gitDir, (p, c) => p.BatchAsync("info", [fromOid + "^{tree}", toOid + "^{tree}"], static (_, h) => Task.FromResult(h), c), ct);
        if (!headers.All(h => h.Found))
        {
            return null;
        }
        return await RunDiffAsync(gitDir, fromOid, toOid, limits ?? DiffLimits.Default, ct);
    }

    /// <summary>
    /// A diff between two objects never changes, and running git for it is most of what a commit page costs: kept in
    /// the reader's cache (one diff at most an eighth of it).
    /// </summary>
    private async Task<GitDiff> RunDiffAsync(string gitDir, string fromOid, string toOid, DiffLimits limits, CancellationToken ct)
    {
        var extra = fromOid + " " + limits;
        if (TryGetCached<GitDiff>(gitDir, toOid, CacheKind.Diff, out var cached, extra))
        {
            return cached;
        }
        var diff = await RunDiffUncachedAsync(gitDir, fromOid, toOid, limits, ct);
        var weight = DiffWeight(diff);
        if (weight <= _options.CacheCapacityBytes / 8)
        {
            SetCached(gitDir, toOid, CacheKind.Diff, diff, weight, extra);
        }
        return diff;
    }

    private static long DiffWeight(GitDiff diff) =>
        128 + diff.Files.Sum(f => 400L + 2L * (f.Path.Length + (f.OldPath?.Length ?? 0))
            + f.Hunks.Sum(h => 120L + 2L * h.Header.Length + h.Lines.Sum(l => 72L + 2L * l.Content.Length)));

    private static async Task<GitDiff> RunDiffUncachedAsync(string gitDir, string fromOid, string toOid, DiffLimits limits, CancellationToken ct)
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

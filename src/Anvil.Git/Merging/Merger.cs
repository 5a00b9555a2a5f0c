using Anvil.Git.Storage;

namespace Anvil.Git.Merging;

/// <summary>
/// Merge, squash and rebase for pull requests, done entirely with plumbing in the bare repository (no work tree).
/// Nothing here moves a ref: callers get commit ids back and publish them with
/// <see cref="RepositoryStore.UpdateRefAsync"/>, whose compare-and-swap fails cleanly if base moved meanwhile.
/// Base and head may be given as full object ids or full ref names.
/// </summary>
public static class Merger
{
    public static async Task<MergeAnalysis> AnalyzeAsync(string gitDir, string baseRev, string headRev, CancellationToken ct = default)
    {
        var baseOid = await ResolveCommitAsync(gitDir, baseRev, ct);
        var headOid = await ResolveCommitAsync(gitDir, headRev, ct);
        var mergeBase = await MergeBaseAsync(gitDir, baseOid, headOid, ct);
        if (mergeBase is null)
        {
            return new MergeAnalysis(baseOid, headOid, null, MergeStatus.UnrelatedHistories, null, []);
        }
        if (mergeBase == headOid)
        {
            return new MergeAnalysis(baseOid, headOid, mergeBase, MergeStatus.UpToDate, null, []);
        }
        if (mergeBase == baseOid)
        {
            return new MergeAnalysis(baseOid, headOid, mergeBase, MergeStatus.FastForward, await TreeOfAsync(gitDir, headOid, ct), []);
        }
        var merged = await MergeTreesAsync(gitDir, baseOid, headOid, allowUnrelated: false, ct);
        return merged.Conflicts.Count == 0
            ? new MergeAnalysis(baseOid, headOid, mergeBase, MergeStatus.Clean, merged.TreeOid, [])
            : new MergeAnalysis(baseOid, headOid, mergeBase, MergeStatus.Conflicts, null, merged.Conflicts);
    }

    /// <summary>
    /// A merge commit with parents (base, head), also when a fast-forward would be possible (like GitHub's
    /// "Create a merge commit"). Throws <see cref="MergeNotPossibleException"/> unless the analysis allows it.
    /// </summary>
    public static async Task<string> CreateMergeCommitAsync(string gitDir, string baseRev, string headRev, string message,
        GitSignature author, GitSignature committer, CancellationToken ct = default)
    {
        var analysis = await RequireMergeableAsync(gitDir, baseRev, headRev, ct);
        return await ObjectWriter.CommitTreeAsync(gitDir, analysis.TreeOid!, [analysis.BaseOid, analysis.HeadOid],
            message, author, committer, ct);
    }

    /// <summary>One commit on top of base holding the merged result of head's changes.</summary>
    public static async Task<string> CreateSquashCommitAsync(string gitDir, string baseRev, string headRev, string message,
        GitSignature author, GitSignature committer, CancellationToken ct = default)
    {
        var analysis = await RequireMergeableAsync(gitDir, baseRev, headRev, ct);
        return await ObjectWriter.CommitTreeAsync(gitDir, analysis.TreeOid!, [analysis.BaseOid], message, author, committer, ct);
    }

    /// <summary>
    /// Replays each non-merge commit of head that base lacks onto base, oldest first, keeping every commit's
    /// author (name, email, date) and message; <paramref name="committer"/> and the current time become the
    /// committer. Stops at the first commit that conflicts.
    /// </summary>
    /// <remarks>
    /// Replaying commit C (parent P) onto N is a three-way merge with P as the merge base. git 2.39's merge-tree has
    /// no <c>--merge-base</c> option (2.40 added it), so the merge base is arranged instead: a scratch commit with
    /// N's tree and P as its only parent makes P the best common ancestor of the scratch commit and C. The
    /// scratch commit is never referenced and is pruned by gc like any other unreachable object.
    /// </remarks>
    public static async Task<RebaseResult> RebaseAsync(string gitDir, string baseRev, string headRev, GitSignature committer,
        CancellationToken ct = default)
    {
        var baseOid = await ResolveCommitAsync(gitDir, baseRev, ct);
        var headOid = await ResolveCommitAsync(gitDir, headRev, ct);
        var toReplay = Lines((await GitCli.RunCheckedAsync(gitDir,
            ["rev-list", "--reverse", "--topo-order", "--no-merges", headOid, "--not", baseOid], ct: ct)).StdoutText);
        if (toReplay.Count == 0)
        {
            return new RebaseResult(RebaseStatus.UpToDate, baseOid, [], null, []);
        }

        var tip = baseOid;
        var tipTree = await TreeOfAsync(gitDir, tip, ct);
        var created = new List<string>();
        foreach (var oid in toReplay)
        {
            var commit = await CommitObject.ReadAsync(gitDir, oid, ct);
            var parent = commit.Parents.Count > 0 ? commit.Parents[0] : null;
            string tree;
            if (parent == tip)
            {
                tree = commit.TreeOid; // already based on the tip: nothing to merge
            }
            else
            {
                var scratch = await ObjectWriter.CommitTreeAsync(gitDir, tipTree, parent is null ? [] : [parent],
                    "anvil rebase scratch", committer, committer, ct);
                var merged = await MergeTreesAsync(gitDir, scratch, oid, allowUnrelated: parent is null, ct);
                if (merged.Conflicts.Count > 0)
                {
                    return new RebaseResult(RebaseStatus.Conflicts, null, [], oid, merged.Conflicts);
                }
                tree = merged.TreeOid;
                if (tree == tipTree && !await WasEmptyAsync(gitDir, commit, ct))
                {
                    continue; // base already has this change
                }
            }
            tip = await ObjectWriter.CommitTreeAsync(gitDir, tree, [tip], commit.Message, commit.Author, committer, ct);
            tipTree = tree;
            created.Add(tip);
        }
        return created.Count == 0
            ? new RebaseResult(RebaseStatus.UpToDate, baseOid, [], null, [])
            : new RebaseResult(RebaseStatus.Rebased, tip, created, null, []);
    }

    private static async Task<MergeAnalysis> RequireMergeableAsync(string gitDir, string baseRev, string headRev, CancellationToken ct)
    {
        var analysis = await AnalyzeAsync(gitDir, baseRev, headRev, ct);
        return analysis.CanMerge ? analysis : throw new MergeNotPossibleException(analysis);
    }

    /// <summary>
    /// <c>git merge-tree --write-tree</c>: exit 0 is a clean merge, 1 a merge with conflicts (the tree then holds
    /// conflict markers and is not returned to callers), anything else an error.
    /// </summary>
    private static async Task<(string TreeOid, IReadOnlyList<string> Conflicts)> MergeTreesAsync(string gitDir,
        string ours, string theirs, bool allowUnrelated, CancellationToken ct)
    {
        var args = new List<string> { "merge-tree", "--write-tree", "-z", "--name-only", "--no-messages" };
        if (allowUnrelated)
        {
            args.Add("--allow-unrelated-histories");
        }
        args.Add(ours);
        args.Add(theirs);
        var r = await GitCli.RunAsync(gitDir, args, ct: ct);
        if (r.ExitCode is not (0 or 1))
        {
            throw new GitCommandException($"git merge-tree failed ({r.ExitCode}): {r.Stderr.Trim()}", r.ExitCode, r.Stderr);
        }
        // "<tree>\0<conflicted path>\0…"
        var fields = r.StdoutText.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var conflicts = r.ExitCode == 1 ? fields.Skip(1).Distinct(StringComparer.Ordinal).ToList() : [];
        return (fields[0], conflicts);
    }

    private static async Task<bool> WasEmptyAsync(string gitDir, CommitObject commit, CancellationToken ct)
        => commit.Parents.Count > 0 && commit.TreeOid == await TreeOfAsync(gitDir, commit.Parents[0], ct);

    /// <summary>The best common ancestor of two commits (object ids), or null when they share no history.</summary>
    public static async Task<string?> MergeBaseAsync(string gitDir, string a, string b, CancellationToken ct = default)
    {
        if (!RepositoryStore.IsValidOid(a) || !RepositoryStore.IsValidOid(b))
        {
            throw new ArgumentException("expected two object ids");
        }
        var r = await GitCli.RunAsync(gitDir, ["merge-base", a, b], ct: ct);
        return r.ExitCode switch
        {
            0 => r.StdoutText.Trim(),
            1 => null, // no common ancestor
            _ => throw new GitCommandException($"git merge-base failed ({r.ExitCode}): {r.Stderr.Trim()}", r.ExitCode, r.Stderr),
        };
    }

    /// <summary>
    /// Whether <paramref name="ancestor"/> is <paramref name="descendant"/> or in its history (<c>git merge-base --is-ancestor</c>):
    /// a branch at <paramref name="descendant"/> contains that commit. False when either commit is missing.
    /// </summary>
    public static async Task<bool> IsAncestorAsync(string gitDir, string ancestor, string descendant, CancellationToken ct = default)
    {
        if (!RepositoryStore.IsValidOid(ancestor) || !RepositoryStore.IsValidOid(descendant))
        {
            throw new ArgumentException("expected two object ids");
        }
        var r = await GitCli.RunAsync(gitDir, ["merge-base", "--is-ancestor", ancestor, descendant], ct: ct);
        return r.ExitCode switch
        {
            0 => true,
            1 => false,
            // 128: an unknown commit, e.g. history a force-push took away before anyone fetched it.
            128 => false,
            _ => throw new GitCommandException($"git merge-base --is-ancestor failed ({r.ExitCode}): {r.Stderr.Trim()}", r.ExitCode, r.Stderr),
        };
    }

    private static async Task<string> TreeOfAsync(string gitDir, string commitOid, CancellationToken ct)
        => (await GitCli.RunCheckedAsync(gitDir, ["rev-parse", "--verify", commitOid + "^{tree}"], ct: ct)).StdoutText.Trim();

    /// <summary>
    /// Resolves an object id or full ref name to a commit id. Only those two shapes are accepted, so client text
    /// can never reach git as an option or a revision expression.
    /// </summary>
    private static async Task<string> ResolveCommitAsync(string gitDir, string rev, CancellationToken ct)
    {
        if (!RepositoryStore.IsValidOid(rev) && !(RefNames.IsValid(rev) && rev.StartsWith("refs/", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"expected an object id or a full ref name, got '{rev}'", nameof(rev));
        }
        var r = await GitCli.RunAsync(gitDir, ["rev-parse", "--verify", "--quiet", rev + "^{commit}"], ct: ct);
        return r.Success ? r.StdoutText.Trim() : throw new ArgumentException($"'{rev}' is not a commit in this repository", nameof(rev));
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
}

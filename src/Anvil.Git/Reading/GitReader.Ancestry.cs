using Anvil.Git.Merging;

namespace Anvil.Git.Reading;

/// <summary>
/// How two commits relate: their merge base, the commits between them, how far each moved. A commit id names its whole
/// history, so each answer for a pair of ids is true forever: kept in the reader's cache, keyed by repository and both
/// ids, it cannot go stale (a branch that moves is a different id, so a different key). A pull request or compare page
/// asks these on every view; each answer from git is a process (~4 ms of CPU here), from the cache a lookup.
/// </summary>
public sealed partial class GitReader
{
    // "no common ancestor" in the cache, which holds no nulls.
    private const string NoMergeBase = "";

    /// <summary>The best common ancestor of two commits (object ids), or null when they share no history.</summary>
    public async Task<string?> MergeBaseAsync(string gitDir, string a, string b, CancellationToken ct = default)
    {
        GitInput.RequireOid(a, nameof(a));
        GitInput.RequireOid(b, nameof(b));
        if (TryGetCached<string>(gitDir, a, CacheKind.MergeBase, out var cached, b))
        {
            return cached == NoMergeBase ? null : cached;
        }
        var found = await Merger.MergeBaseAsync(gitDir, a, b, ct);
        SetCached(gitDir, a, CacheKind.MergeBase, found ?? NoMergeBase, 200, b);
        return found;
    }

    /// <summary>How many commits <paramref name="headOid"/> has that <paramref name="baseOid"/> lacks (ahead), and the reverse (behind).</summary>
    public async Task<(int Ahead, int Behind)> CountAheadBehindAsync(string gitDir, string baseOid, string headOid, CancellationToken ct = default)
    {
        GitInput.RequireOid(baseOid, nameof(baseOid));
        GitInput.RequireOid(headOid, nameof(headOid));
        if (TryGetCached<(int, int)>(gitDir, headOid, CacheKind.AheadBehind, out var cached, baseOid))
        {
            return cached;
        }
        var counts = (await GitCli.RunCheckedAsync(gitDir, ["rev-list", "--left-right", "--count", $"{baseOid}...{headOid}", "--"], ct: ct))
            .StdoutText.Split('\t', StringSplitOptions.TrimEntries);
        var answer = (Ahead: int.Parse(counts[1]), Behind: int.Parse(counts[0]));
        SetCached(gitDir, headOid, CacheKind.AheadBehind, answer, 200, baseOid);
        return answer;
    }

    /// <summary>The ids of the commits reachable from <paramref name="headOid"/> but not <paramref name="excludeOid"/>, oldest first.</summary>
    private async Task<IReadOnlyList<string>> RangeOidsAsync(string gitDir, string excludeOid, string headOid, CancellationToken ct)
    {
        if (TryGetCached<IReadOnlyList<string>>(gitDir, headOid, CacheKind.Range, out var cached, excludeOid))
        {
            return cached;
        }
        // --reverse applies after --max-count, so the newest `max` would be kept; take all oids (cheap) and let callers cut.
        var result = await GitCli.RunCheckedAsync(gitDir, ["rev-list", "--reverse", "--topo-order", headOid, "^" + excludeOid, "--"], ct: ct);
        var oids = result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var weight = 200 + 100L * oids.Length;
        if (weight <= _options.CacheCapacityBytes / 8)
        {
            SetCached(gitDir, headOid, CacheKind.Range, oids, weight, excludeOid);
        }
        return oids;
    }
}

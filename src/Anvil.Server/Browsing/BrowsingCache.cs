using Anvil.Git.Reading;

namespace Anvil.Server.Browsing;

/// <summary>
/// History pages by starting commit. A page below a given commit never changes, so it is cached without expiry;
/// this spares the one <c>git rev-list</c> process a history page otherwise costs. One per application.
/// </summary>
public sealed class BrowsingCache
{
    private const long CapacityBytes = 16L * 1024 * 1024;

    // Keyed by repository too: a shared entry must never answer for a repository that was not asked.
    private readonly record struct HistoryKey(string GitDir, string StartOid, int Skip, int Limit, HistoryFilter Filter);

    private readonly LruCache<HistoryKey, CommitPage> _history = new(CapacityBytes);

    // A count below a commit never changes either; it costs a walk of the whole history it counts.
    private readonly LruCache<HistoryKey, int> _counts = new(CapacityBytes / 16);

    public async Task<CommitPage> GetCommitsAsync(GitReader reader, string gitDir, string startOid, int skip, int limit, HistoryFilter filter, CancellationToken ct)
    {
        var key = new HistoryKey(gitDir, startOid, skip, limit, filter);
        if (_history.TryGet(key, out var cached))
        {
            return cached;
        }
        var page = await reader.GetCommitsAsync(gitDir, startOid, skip, limit, filter, ct);
        _history.Set(key, page, 128 + page.Commits.Sum(c => 400L + 2L * c.Message.Length));
        return page;
    }

    public async Task<int> CountCommitsAsync(GitReader reader, string gitDir, string startOid, HistoryFilter filter, CancellationToken ct)
    {
        var key = new HistoryKey(gitDir, startOid, 0, 0, filter);
        if (_counts.TryGet(key, out var cached))
        {
            return cached;
        }
        var count = await reader.CountCommitsAsync(gitDir, startOid, filter, ct);
        _counts.Set(key, count, 256);
        return count;
    }
}

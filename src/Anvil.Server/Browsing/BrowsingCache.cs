using System.Text.Json;
using Anvil.Git.Reading;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Users;

namespace Anvil.Server.Browsing;

/// <summary>
/// History pages by starting commit. A page below a given commit never changes, so it is cached without expiry;
/// this spares the one <c>git rev-list</c> process a history page otherwise costs. And each commit as the v1 surface
/// lists it, serialized. One per application.
/// </summary>
public sealed class BrowsingCache
{
    private const long CapacityBytes = 16L * 1024 * 1024;

    // Keyed by repository too: a shared entry must never answer for a repository that was not asked.
    private readonly record struct HistoryKey(string GitDir, string StartOid, int Skip, int Limit, HistoryFilter Filter);

    private readonly LruCache<HistoryKey, CommitPage> _history = new(CapacityBytes);

    // A count below a commit never changes either; it costs a walk of the whole history it counts.
    private readonly LruCache<HistoryKey, int> _counts = new(CapacityBytes / 16);

    // Everything a v1 commit's JSON is made of besides the commit itself, which its id fixes: the repository's links
    // (its names, the public URL) and the users its signatures name (value records: a renamed user, a new avatar or a
    // newly claimed email make another key). So an entry is never stale, only unused.
    private readonly record struct V1CommitKey(string Oid, string Api, string Html, UserViews.V1SimpleUser? Author, UserViews.V1SimpleUser? Committer);

    private readonly LruCache<V1CommitKey, byte[]> _v1Commits = new(CapacityBytes);

    /// <summary>
    /// A commit of a v1 list, serialized once: a page of them was some 1,500 JSON properties, most the same two people's,
    /// written on every request (half of a signed-in commits page's CPU).
    /// </summary>
    public Utf8Json<BrowsingV1Views.CommitView> V1Commit(GitCommit commit, CommitUsers users, BrowsingV1Views.Links links)
    {
        var key = new V1CommitKey(commit.Oid, links.Api, links.Html, users.V1For(commit.Author, links.BaseUrl), users.V1For(commit.Committer, links.BaseUrl));
        if (!_v1Commits.TryGet(key, out var json))
        {
            json = JsonSerializer.SerializeToUtf8Bytes(commit.ToV1(users, links), Surfaces.V1Json);
            _v1Commits.Set(key, json, 256 + json.Length);
        }
        return new(json);
    }

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

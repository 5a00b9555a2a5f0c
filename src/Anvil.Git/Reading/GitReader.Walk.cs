namespace Anvil.Git.Reading;

public sealed partial class GitReader
{
    /// <summary>
    /// How deep into an unfiltered history a page is walked here, from the pooled <c>cat-file</c> processes and the
    /// commit cache, rather than by a new <c>git rev-list</c>: the first pages, which nearly every visit asks for.
    /// Deeper pages cost a walk either way, and rev-list walks faster than a pipe round trip per commit.
    /// </summary>
    internal const int WalkedHistoryDepth = 300;

    /// <summary>
    /// The first <paramref name="skip"/> + <paramref name="limit"/> + 1 commits of the history from
    /// <paramref name="startOid"/> in <c>git rev-list</c>'s default order, walked as git walks it: the queued commit
    /// with the newest committer date next, among equal dates the one queued first, each parent queued once.
    /// Null when git would have to answer (a commit missing or without a readable date, a shallow or grafted repository).
    /// </summary>
    private async Task<CommitPage?> WalkFirstPagesAsync(string gitDir, string startOid, int skip, int limit, CancellationToken ct)
    {
        if (File.Exists(Path.Combine(gitDir, "shallow")) || File.Exists(Path.Combine(gitDir, "info", "grafts")))
        {
            return null;
        }
        var wanted = skip + limit + 1;
        var start = (await GetCommitsByOidAsync(gitDir, [startOid], ct))[0];
        if (start is null || !HasDate(start))
        {
            return null;
        }
        var queue = new List<GitCommit> { start };
        var seen = new HashSet<string>(StringComparer.Ordinal) { startOid };
        var walked = new List<GitCommit>(wanted);
        while (walked.Count < wanted && queue.Count > 0)
        {
            var next = queue[0];
            queue.RemoveAt(0);
            walked.Add(next);
            var parents = next.ParentOids.Where(seen.Add).ToList();
            if (parents.Count == 0)
            {
                continue;
            }
            foreach (var parent in await GetCommitsByOidAsync(gitDir, parents, ct))
            {
                if (parent is null || !HasDate(parent))
                {
                    return null;
                }
                Enqueue(queue, parent);
            }
        }
        var page = walked.Skip(skip).Take(limit).ToList();
        return new CommitPage(page, walked.Count > skip + limit);
    }

    /// <summary>Git's <c>commit_list_insert_by_date</c>: before the first queued commit that is older, after every one as new.</summary>
    private static void Enqueue(List<GitCommit> queue, GitCommit commit)
    {
        var at = queue.FindIndex(q => q.Committer.When < commit.Committer.When);
        queue.Insert(at < 0 ? queue.Count : at, commit);
    }

    // A committer line the parser could not date reads as the epoch, where git may have read some other number: git decides.
    private static bool HasDate(GitCommit commit) => commit.Committer.When != DateTimeOffset.UnixEpoch;

    private static bool IsUnfiltered(HistoryFilter filter) =>
        filter is { Since: null, Until: null, AuthorEmail: null } && GitInput.NormalizePath(filter.Path).Length == 0;
}

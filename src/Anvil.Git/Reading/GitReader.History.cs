using System.Text;

namespace Anvil.Git.Reading;

public sealed partial class GitReader
{
    public const int MaxPageSize = 1000;

    /// <summary>The commit with this oid, or null if it does not exist or is not a commit.</summary>
    public async Task<GitCommit?> GetCommitAsync(string gitDir, string oid, CancellationToken ct = default)
    {
        var commits = await GetCommitsByOidAsync(gitDir, [GitInput.RequireOid(oid)], ct);
        return commits[0];
    }

    /// <summary>
    /// A page of history reachable from <paramref name="startOid"/> in git's default order (reverse chronological, all
    /// parents), optionally limited to commits touching <paramref name="path"/>. <see cref="CommitPage.HasMore"/> is exact.
    /// </summary>
    public Task<CommitPage> GetCommitsAsync(string gitDir, string startOid, int skip, int limit, string? path = null, CancellationToken ct = default) =>
        GetCommitsAsync(gitDir, startOid, skip, limit, new HistoryFilter(path), ct);

    /// <summary>A page of the history reachable from <paramref name="startOid"/> that <paramref name="filter"/> keeps.</summary>
    public async Task<CommitPage> GetCommitsAsync(string gitDir, string startOid, int skip, int limit, HistoryFilter filter, CancellationToken ct = default)
    {
        GitInput.RequireOid(startOid, nameof(startOid));
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);

        if (skip + limit <= WalkedHistoryDepth && IsUnfiltered(filter) && await WalkFirstPagesAsync(gitDir, startOid, skip, limit, ct) is { } walked)
        {
            return walked;
        }
        // Asking for one extra commit tells whether another page exists without counting the whole history.
        var result = await GitCli.RunCheckedAsync(gitDir, RevList(startOid, filter, $"--skip={skip}", $"--max-count={limit + 1}"), ct: ct);
        var oids = result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var page = oids.Take(limit).ToList();
        var commits = await GetCommitsByOidAsync(gitDir, page, ct);
        return new CommitPage(commits.Select((c, i) => c ?? throw new InvalidDataException($"commit {page[i]} is missing")).ToList(), oids.Length > limit);
    }

    /// <summary>How many commits reachable from <paramref name="startOid"/> <paramref name="filter"/> keeps (a walk of that history).</summary>
    public async Task<int> CountCommitsAsync(string gitDir, string startOid, HistoryFilter filter, CancellationToken ct = default)
    {
        GitInput.RequireOid(startOid, nameof(startOid));
        var result = await GitCli.RunCheckedAsync(gitDir, RevList(startOid, filter, "--count"), ct: ct);
        return int.Parse(result.StdoutText.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<string> RevList(string startOid, HistoryFilter filter, params string[] options)
    {
        List<string> args = ["--literal-pathspecs", "rev-list", .. options];
        if (filter.Since is { } since)
        {
            args.Add("--since=" + GitDate(since));
        }
        if (filter.Until is { } until)
        {
            args.Add("--until=" + GitDate(until));
        }
        if (filter.AuthorEmail is { } email)
        {
            // The whole "<email>" as a fixed string, any case: exactly that address, never a pattern.
            args.AddRange(["--fixed-strings", "--regexp-ignore-case", $"--author=<{email}>"]);
        }
        args.AddRange([startOid, "--"]);
        var pathspec = GitInput.NormalizePath(filter.Path);
        if (pathspec.Length > 0)
        {
            args.Add(pathspec);
        }
        return args;
    }

    private static string GitDate(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss '+0000'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// For each of <paramref name="entries"/> (children of the directory <paramref name="path"/>), the most recent commit
    /// reachable from <paramref name="commitOid"/> that changed it, keyed by entry name. Uses a single history walk that
    /// stops as soon as every entry is accounted for.
    /// </summary>
    /// <remarks>
    /// Merges count as changing a path only when it differs from every parent (as <c>git log -c</c> shows them), matching
    /// <c>git log -1 -- entry</c> except for one corner: when both sides of a merge changed an entry and the merge kept one
    /// side's version, the walk reports whichever side's commit is newer.
    /// </remarks>
    public async Task<IReadOnlyDictionary<string, GitCommit>> GetLastCommitsAsync(
        string gitDir, string commitOid, string path, IReadOnlyList<GitTreeEntry> entries, CancellationToken ct = default)
    {
        GitInput.RequireOid(commitOid, nameof(commitOid));
        var dir = GitInput.NormalizePath(path);
        var wanted = entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);

        if (!TryGetCached<Dictionary<string, string>>(gitDir, commitOid, CacheKind.LastCommits, out var lastOids, dir) || !wanted.IsSubsetOf(lastOids.Keys))
        {
            lastOids = await WalkLastCommitsAsync(gitDir, commitOid, dir, wanted, ct);
            SetCached(gitDir, commitOid, CacheKind.LastCommits, lastOids, 64 + lastOids.Sum(kv => 120L + 2L * kv.Key.Length), dir);
        }

        var names = wanted.Where(lastOids.ContainsKey).ToList();
        var commits = await GetCommitsByOidAsync(gitDir, names.Select(n => lastOids[n]).ToList(), ct);
        var byName = new Dictionary<string, GitCommit>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (commits[i] is { } commit)
            {
                byName[names[i]] = commit;
            }
        }
        return byName;
    }

    private static async Task<Dictionary<string, string>> WalkLastCommitsAsync(string gitDir, string commitOid, string dir, HashSet<string> wanted, CancellationToken ct)
    {
        const byte headerMarker = 0x01;
        List<string> args = ["--literal-pathspecs", "log", "--no-show-signature", "--format=%x01%H", "-z", "--name-only", "-c", "--no-renames", "--root", commitOid, "--"];
        if (dir.Length > 0)
        {
            args.Add(dir);
        }
        var prefix = dir.Length == 0 ? "" : dir + "/";
        var pending = new HashSet<string>(wanted, StringComparer.Ordinal);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var git = RunningGit.Start(gitDir, args);
        string? current = null;
        while (pending.Count > 0 && await git.Output.ReadRecordAsync(0, ct, maxLength: GitInput.MaxPathLength * 4) is { } record)
        {
            // Records are NUL-separated "\x01<oid>" headers and changed paths; git puts a newline between a commit's
            // header and what follows, which ends up at the start of the next record.
            var start = record.Length > 0 && record[0] == (byte)'\n' ? 1 : 0;
            if (record.Length > start && record[start] == headerMarker)
            {
                current = Encoding.ASCII.GetString(record, start + 1, record.Length - start - 1);
                continue;
            }
            var changed = Encoding.UTF8.GetString(record.AsSpan(start));
            if (current is null || !changed.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var relative = changed[prefix.Length..];
            var slash = relative.IndexOf('/');
            var name = slash >= 0 ? relative[..slash] : relative;
            if (pending.Remove(name))
            {
                found[name] = current;
            }
        }
        if (pending.Count > 0)
        {
            // The walk ran to the end; make sure that was git finishing, not git failing.
            await git.EnsureSuccessAsync(ct);
        }
        return found;
    }

    /// <summary>
    /// The commits reachable from <paramref name="headOid"/> but not from <paramref name="excludeOid"/> (a pull request's
    /// <c>merge-base..head</c>), oldest first as GitHub lists a pull request's commits, at most <paramref name="max"/>.
    /// </summary>
    public async Task<IReadOnlyList<GitCommit>> GetRangeAsync(string gitDir, string excludeOid, string headOid, int max, CancellationToken ct = default)
    {
        GitInput.RequireOid(excludeOid, nameof(excludeOid));
        GitInput.RequireOid(headOid, nameof(headOid));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var oids = (await RangeOidsAsync(gitDir, excludeOid, headOid, ct)).Take(max).ToList();
        var commits = await GetCommitsByOidAsync(gitDir, oids, ct);
        return commits.Select((c, i) => c ?? throw new InvalidDataException($"commit {oids[i]} is missing")).ToList();
    }

    /// <summary>Commits by oid, in order, null for any that are missing; cached ones skip git, the rest come in one batch.</summary>
    private async Task<GitCommit?[]> GetCommitsByOidAsync(string gitDir, IReadOnlyList<string> oids, CancellationToken ct)
    {
        var commits = new GitCommit?[oids.Count];
        var toRead = new List<int>();
        for (var i = 0; i < oids.Count; i++)
        {
            if (TryGetCached<GitCommit>(gitDir, oids[i], CacheKind.Commit, out var cached))
            {
                commits[i] = cached;
            }
            else
            {
                toRead.Add(i);
            }
        }
        if (toRead.Count == 0)
        {
            return commits;
        }
        var limit = _options.MaxMetadataObjectBytes;
        var raw = await _pool.UseAsync(gitDir, (p, c) => p.BatchAsync("contents", toRead.Select(i => oids[i]).ToList(), async (proc, h) =>
        {
            if (!h.Found)
            {
                return null;
            }
            if (h.Size > limit)
            {
                throw new GitObjectTooLargeException(h.Oid!, h.Size, limit);
            }
            var data = await proc.ReadBodyAsync(h.Size, CancellationToken.None);
            return h.Type == GitObjectType.Commit ? data : null;
        }, c), ct);
        for (var j = 0; j < toRead.Count; j++)
        {
            if (raw[j] is { } data)
            {
                var commit = CommitParser.Parse(oids[toRead[j]], data);
                commits[toRead[j]] = commit;
                SetCached(gitDir, commit.Oid, CacheKind.Commit, commit, 300 + 2L * commit.Message.Length);
            }
        }
        return commits;
    }
}

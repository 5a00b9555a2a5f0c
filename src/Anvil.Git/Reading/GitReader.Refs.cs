using System.Text;

namespace Anvil.Git.Reading;

public sealed partial class GitReader
{
    public async Task<IReadOnlyList<GitBranch>> ListBranchesAsync(string gitDir, CancellationToken ct = default)
        => Branches(await ForEachRefAsync(gitDir, [RefNames.BranchPrefix], ct));

    public async Task<IReadOnlyList<GitTag>> ListTagsAsync(string gitDir, CancellationToken ct = default)
        => Tags(await ForEachRefAsync(gitDir, [RefNames.TagPrefix], ct));

    /// <summary>Branches and tags from one git process (a page header that shows both spawns one, not two).</summary>
    public async Task<(IReadOnlyList<GitBranch> Branches, IReadOnlyList<GitTag> Tags)> ListBranchesAndTagsAsync(string gitDir, CancellationToken ct = default)
    {
        var refs = await ForEachRefAsync(gitDir, [RefNames.BranchPrefix, RefNames.TagPrefix], ct);
        return (Branches(refs), Tags(refs));
    }

    private static List<GitBranch> Branches(List<RefRecord> refs)
    {
        var branches = new List<GitBranch>();
        foreach (var r in refs)
        {
            if (r.Type == "commit" && RefNames.BranchOf(r.Name) is { } branch)
            {
                branches.Add(new GitBranch(branch, r.Oid));
            }
        }
        return branches;
    }

    private static List<GitTag> Tags(List<RefRecord> refs)
    {
        var tags = new List<GitTag>();
        foreach (var r in refs)
        {
            if (RefNames.TagOf(r.Name) is not { } tag)
            {
                continue;
            }
            var annotated = r.Type == "tag";
            var commit = annotated
                ? (r.PeeledType == "commit" ? r.PeeledOid : null)
                : (r.Type == "commit" ? r.Oid : null);
            tags.Add(new GitTag(tag, r.Oid, commit, annotated));
        }
        return tags;
    }

    /// <summary>The branch whose tip was committed last (what a push most likely moved), or null in an empty repository.</summary>
    public async Task<GitBranch?> LatestBranchAsync(string gitDir, CancellationToken ct = default)
    {
        var result = await GitCli.RunCheckedAsync(gitDir,
            ["for-each-ref", "--count=1", "--sort=-committerdate", "--format=%(refname)%00%(objectname)", "--end-of-options", RefNames.BranchPrefix], ct: ct);
        var f = Encoding.UTF8.GetString(result.Stdout).TrimEnd('\n').Split('\0');
        return f.Length == 2 && RefNames.BranchOf(f[0]) is { } branch ? new GitBranch(branch, f[1]) : null;
    }

    /// <summary>
    /// Up to <paramref name="max"/> branches whose history contains <paramref name="commitOid"/> (those it is the tip of
    /// first), as GitHub's <c>status</c> event lists them.
    /// </summary>
    public async Task<IReadOnlyList<GitBranch>> BranchesContainingAsync(string gitDir, string commitOid, int max, CancellationToken ct = default)
    {
        var result = await GitCli.RunCheckedAsync(gitDir,
            ["for-each-ref", "--contains", commitOid, "--format=%(refname)%00%(objectname)", "--end-of-options", RefNames.BranchPrefix], ct: ct);
        var branches = new List<GitBranch>();
        foreach (var line in Encoding.UTF8.GetString(result.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\0');
            if (f.Length == 2 && RefNames.BranchOf(f[0]) is { } branch)
            {
                branches.Add(new GitBranch(branch, f[1]));
            }
        }
        return branches.OrderBy(b => b.CommitOid == commitOid ? 0 : 1).Take(max).ToList();
    }

    /// <summary>The branch HEAD points at (short name), or null if HEAD is detached. The branch may not exist yet in an empty repository.</summary>
    public async Task<string?> GetDefaultBranchAsync(string gitDir, CancellationToken ct = default)
    {
        var result = await GitCli.RunAsync(gitDir, ["symbolic-ref", "--quiet", "HEAD"], ct: ct);
        var target = result.StdoutText.Trim();
        return result.Success ? RefNames.BranchOf(target) : null;
    }

    /// <summary>
    /// Resolves what a URL names — branch, tag (peeled), full ref, HEAD, or full/abbreviated hex oid — to a commit oid.
    /// Null when nothing matches or it does not lead to a commit. Branches win over tags of the same name.
    /// Throws <see cref="GitRevisionException"/> for input that is not a plain name.
    /// </summary>
    public async Task<string?> ResolveAsync(string gitDir, string refOrOid, CancellationToken ct = default)
    {
        GitInput.ValidateRevision(refOrOid);
        var lower = refOrOid.ToLowerInvariant();
        List<string> candidates = [];
        if (GitInput.IsFullOid(lower))
        {
            candidates.Add(lower);
        }
        else if (refOrOid == "HEAD" || refOrOid.StartsWith("refs/", StringComparison.Ordinal))
        {
            candidates.Add(refOrOid);
        }
        else
        {
            candidates.Add(RefNames.Branch(refOrOid));
            candidates.Add(RefNames.Tag(refOrOid));
        }
        if (await FromKeptListingAsync(gitDir, candidates[0], ct) is { } listed)
        {
            return listed;
        }
        // Names are validated above (no spaces, line breaks or revision syntax), so they are safe in the batch protocol,
        // and the fixed ^{commit} suffix is the only revision syntax that reaches git.
        var peeled = candidates.Select(c => c + "^{commit}").ToList();
        var headers = await _pool.UseAsync(gitDir, (p, c) => p.BatchAsync("info", peeled, static (_, h) => Task.FromResult(h), c), ct);
        foreach (var h in headers)
        {
            if (h.Found)
            {
                return h.Oid;
            }
        }
        if (GitInput.IsAbbreviatedOid(lower))
        {
            // A long-lived cat-file caches loose object directory listings, so abbreviations of objects written after it
            // started could be missed; a fresh rev-parse sees everything. Abbreviated links are rare enough for a process.
            var result = await GitCli.RunAsync(gitDir, ["rev-parse", "--verify", "--quiet", "--end-of-options", lower + "^{commit}"], ct: ct);
            var oid = result.StdoutText.Trim();
            return result.Success && GitInput.IsFullOid(oid) ? oid : null;
        }
        return null;
    }

    private sealed record RefRecord(string Name, string Oid, string Type, string PeeledOid, string PeeledType);

    /// <summary>
    /// The commit of the branch or tag <paramref name="refName"/> from the kept branch and tag listing, without a pipe round
    /// trip to cat-file: every tree, file and history request names a branch. Null (ask cat-file) while the refs' files
    /// changed too recently to be trusted, when the ref is not listed (git would then look further, under other prefixes),
    /// or when it does not lead to a commit in one step (a tag of a tag, a branch at a tree). Where the ref exists as
    /// written, git's own lookup takes it first, so the answer is the same.
    /// </summary>
    private async Task<string?> FromKeptListingAsync(string gitDir, string refName, CancellationToken ct)
    {
        if (!(refName.StartsWith(RefNames.BranchPrefix, StringComparison.Ordinal) || refName.StartsWith(RefNames.TagPrefix, StringComparison.Ordinal))
            || RefStamp.Of(gitDir) is not { } stamp)
        {
            return null;
        }
        var listed = (await ForEachRefAsync(gitDir, [RefNames.BranchPrefix, RefNames.TagPrefix], stamp, ct)).Find(r => r.Name == refName);
        return listed switch
        {
            { Type: "commit" } => listed.Oid,
            { Type: "tag", PeeledType: "commit" } => listed.PeeledOid,
            _ => null,
        };
    }

    /// <summary>
    /// Branches and tags as <c>git for-each-ref</c> lists them, kept while the files that hold them are unchanged: every
    /// repository page lists them, and a git process costs several milliseconds of CPU where a few <c>stat</c> calls do not.
    /// </summary>
    private Task<List<RefRecord>> ForEachRefAsync(string gitDir, string[] prefixes, CancellationToken ct) =>
        ForEachRefAsync(gitDir, prefixes, RefStamp.Of(gitDir), ct);

    private async Task<List<RefRecord>> ForEachRefAsync(string gitDir, string[] prefixes, RefStamp? stamp, CancellationToken ct)
    {
        var extra = string.Join(' ', prefixes) + "\0" + stamp?.Key;
        if (stamp is not null && TryGetCached<List<RefRecord>>(gitDir, "", CacheKind.Refs, out var cached, extra))
        {
            return cached;
        }
        var refs = await RunForEachRefAsync(gitDir, prefixes, ct);
        if (stamp is not null)
        {
            SetCached(gitDir, "", CacheKind.Refs, refs, 200 + refs.Sum(r => 2L * (r.Name.Length + 3 * 40 + 16)), extra);
        }
        return refs;
    }

    private static async Task<List<RefRecord>> RunForEachRefAsync(string gitDir, string[] prefixes, CancellationToken ct)
    {
        var result = await GitCli.RunCheckedAsync(gitDir,
            ["for-each-ref", "--format=%(refname)%00%(objectname)%00%(objecttype)%00%(*objectname)%00%(*objecttype)", "--end-of-options", .. prefixes], ct: ct);
        var refs = new List<RefRecord>();
        foreach (var line in Encoding.UTF8.GetString(result.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\0');
            if (f.Length == 5)
            {
                refs.Add(new RefRecord(f[0], f[1], f[2], f[3], f[4]));
            }
        }
        return refs;
    }
}

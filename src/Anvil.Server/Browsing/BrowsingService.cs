using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Browsing;

/// <summary>
/// What a browsing request is looking at: a repository the caller may read and the commit a ref resolved to.
/// <see cref="CommitOid"/> is null only for a repository nobody has pushed to yet.
/// </summary>
public sealed record BrowseTarget(Repository Repository, string GitDir, string Ref, string? CommitOid)
{
    public bool IsEmpty => CommitOid is null;
}

public sealed record BranchInfo(string Name, string CommitOid, bool IsDefault);

/// <summary>The accounts whose email addresses appear as commit authors or committers.</summary>
public sealed class CommitUsers(IReadOnlyDictionary<string, User> byNormalizedEmail)
{
    public static readonly CommitUsers None = new(new Dictionary<string, User>());

    private readonly Dictionary<long, UserViews.V1SimpleUser> _v1Views = [];

    public User? For(Anvil.Git.Reading.RecordedSignature who) => byNormalizedEmail.GetValueOrDefault(NameRules.Normalize(who.Email));

    /// <summary>
    /// The GitHub view of the user who signed, made once per user for a whole page, which names the same few people
    /// on every commit. One request's (the shared <see cref="None"/> finds nobody, so it never fills).
    /// </summary>
    public UserViews.V1SimpleUser? V1For(Anvil.Git.Reading.RecordedSignature who, string baseUrl)
    {
        if (For(who) is not { } user)
        {
            return null;
        }
        if (!_v1Views.TryGetValue(user.Id, out var view))
        {
            _v1Views[user.Id] = view = user.ToV1Simple(baseUrl);
        }
        return view;
    }
}

public sealed record BranchList(Repository Repository, IReadOnlyList<BranchInfo> Branches);

/// <param name="Total">How many commits the whole list holds; null when not asked for.</param>
public sealed record CommitList(BrowseTarget Target, IReadOnlyList<GitCommit> Commits, bool HasMore, CommitUsers Users, int? Total = null);

/// <summary>Which commits of a history a list shows: touching a path, committed in a time range, by an author (username or email).</summary>
public sealed record CommitQuery(string? Path, DateTimeOffset? Since = null, DateTimeOffset? Until = null, string? Author = null);

public sealed record Comparison(Repository Repository, GitCommit Base, GitCommit MergeBase, string HeadOid, int AheadBy, int BehindBy,
    IReadOnlyList<GitCommit> Commits, GitDiff Diff, CommitUsers Users);

public sealed record CommitDetail(BrowseTarget Target, GitCommit Commit, GitDiff Diff, CommitUsers Users);

/// <param name="LastCommits">Per entry name, the latest commit that changed it; null unless asked for.</param>
public sealed record TreeListing(BrowseTarget Target, string Path, IReadOnlyList<GitTreeEntry> Entries,
    IReadOnlyDictionary<string, GitCommit>? LastCommits, CommitUsers Users);

public sealed record FileContent(BrowseTarget Target, GitFile File);

/// <summary>A path at a ref as GitHub's contents API shows it: a directory's entries or one file.</summary>
public sealed record PathContents(BrowseTarget Target, GitTreeEntry Entry, IReadOnlyList<GitTreeEntry>? Children, GitFile? File);

/// <summary>
/// The rules of code browsing: which ref a request means, what is a valid path, how branches are created and
/// deleted. Every read goes through <see cref="RepositoryAccess"/> first and then through the shared
/// <see cref="GitReader"/>, so there is no process start per request on the hot paths.
/// </summary>
public sealed class BrowsingService(
    RepositoryStore store, GitReader reader, BrowsingCache cache, RepositoryService repositories,
    Caller caller, AnvilDbContext db, Infrastructure.Caching.RecentReads recent)
{
    /// <summary>Files up to this size come inline in JSON; bigger ones only as raw bytes.</summary>
    public const long MaxInlineFileBytes = 1024 * 1024;

    // ---- refs ----

    public async Task<BranchList> ListBranchesAsync(RepositoryGrant grant, CancellationToken ct)
    {
        var repo = grant.Repository;
        var branches = await reader.ListBranchesAsync(store.Open(repo).GitDir, ct);
        return new BranchList(repo, branches.Select(b => new BranchInfo(b.Name, b.CommitOid, b.Name == repo.DefaultBranch)).ToList());
    }

    public async Task<(Repository Repository, IReadOnlyList<GitTag> Tags)> ListTagsAsync(RepositoryGrant grant, CancellationToken ct)
    {
        var repo = grant.Repository;
        return (repo, await reader.ListTagsAsync(store.Open(repo).GitDir, ct));
    }

    public async Task<(Repository Repository, BranchInfo Branch)> GetBranchAsync(RepositoryGrant grant, string branch, CancellationToken ct)
    {
        var repo = grant.Repository;
        var oid = await ResolveBranchAsync(store.Open(repo).GitDir, branch, ct) ?? throw BranchNotFound();
        return (repo, new BranchInfo(branch, oid, branch == repo.DefaultBranch));
    }

    /// <summary>A branch with its tip commit (and the accounts of its author and committer), as GitHub's single-branch answer shows it.</summary>
    public async Task<(Repository Repository, BranchInfo Branch, GitCommit Commit, CommitUsers Users)> GetBranchWithCommitAsync(
        RepositoryGrant grant, string branch, CancellationToken ct)
    {
        var (repo, info) = await GetBranchAsync(grant, branch, ct);
        var commit = await reader.GetCommitAsync(store.Open(repo).GitDir, info.CommitOid, ct) ?? throw BranchNotFound();
        return (repo, info, commit, await UsersForAsync([commit], ct));
    }

    /// <summary>
    /// Creates <paramref name="branch"/> at what <paramref name="fromRef"/> (default: the default branch) resolves to.
    /// The ref is written compare-and-swap against "absent", so of two concurrent creations exactly one wins.
    /// </summary>
    public async Task<BranchInfo> CreateBranchAsync(RepositoryGrant grant, string? branch, string? fromRef, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var repo = grant.Require(RepositoryPermission.Write).Repository;
        if (branch is null)
        {
            throw AnvilException.BadRequest("branch is required");
        }
        if (RefNames.BranchProblem(branch) is { } problem)
        {
            throw AnvilException.Invalid(problem == BranchNameProblem.Reserved ? "branch name is reserved" : "branch is not a valid branch name");
        }
        var gitDir = store.Open(repo).GitDir;
        var from = string.IsNullOrEmpty(fromRef) ? repo.DefaultBranch : Revision(fromRef);
        var oid = await reader.ResolveAsync(gitDir, from, ct)
            ?? throw AnvilException.Invalid($"fromRef '{from}' does not name a branch, tag or commit");

        // "a" and "a/b" cannot both exist (one would be a file, the other a directory of refs); git would refuse
        // with an error that looks like any other failure, so it is checked here to answer 409.
        foreach (var existing in await reader.ListBranchesAsync(gitDir, ct))
        {
            if (existing.Name.StartsWith(branch + "/", StringComparison.Ordinal) || branch.StartsWith(existing.Name + "/", StringComparison.Ordinal))
            {
                throw AnvilException.Conflict($"branch '{branch}' conflicts with existing branch '{existing.Name}'");
            }
        }
        if (!await repositories.MoveRefAsync(repo, user, RefNames.Branch(branch), RepositoryStore.ZeroOid, oid, ct))
        {
            throw AnvilException.Conflict($"branch '{branch}' already exists");
        }
        return new BranchInfo(branch, oid, branch == repo.DefaultBranch);
    }

    public async Task DeleteBranchAsync(RepositoryGrant grant, string branch, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var repo = grant.Require(RepositoryPermission.Write).Repository;
        if (branch == repo.DefaultBranch)
        {
            throw AnvilException.Invalid("the default branch cannot be deleted; make another branch the default first");
        }
        var gitDir = store.Open(repo).GitDir;
        var oid = await ResolveBranchAsync(gitDir, branch, ct) ?? throw BranchNotFound();
        if (!await repositories.MoveRefAsync(repo, user, RefNames.Branch(branch), oid, RepositoryStore.ZeroOid, ct))
        {
            throw AnvilException.Conflict($"branch '{branch}' changed while it was being deleted; try again");
        }
    }

    private async Task<string?> ResolveBranchAsync(string gitDir, string branch, CancellationToken ct) =>
        await reader.ResolveAsync(gitDir, RefNames.Branch(Revision(branch)), ct);

    private static AnvilException BranchNotFound() => AnvilException.NotFound("branch not found");

    // ---- history ----

    public Task<CommitList> ListCommitsAsync(RepositoryGrant grant, string? revision, string? path, int skip, int limit, CancellationToken ct) =>
        ListCommitsAsync(grant, revision, new CommitQuery(path), skip, limit, count: false, ct);

    /// <summary>A page of the history at <paramref name="revision"/> that <paramref name="query"/> keeps; with <paramref name="count"/>, its total too.</summary>
    public async Task<CommitList> ListCommitsAsync(RepositoryGrant grant, string? revision, CommitQuery query, int skip, int limit, bool count,
        CancellationToken ct)
    {
        var target = await OpenAsync(grant, revision, ct);
        var pathspec = PathOf(query.Path);
        if (query.Since > query.Until)
        {
            throw AnvilException.Invalid("since must not be after until");
        }
        var email = await AuthorEmailAsync(query.Author, ct);
        if (target.IsEmpty || email == "")
        {
            return new CommitList(target, [], false, CommitUsers.None, 0);
        }
        var filter = new HistoryFilter(pathspec, query.Since, query.Until, email);
        var page = await cache.GetCommitsAsync(reader, target.GitDir, target.CommitOid!, skip, limit, filter, ct);
        // Counting walks the whole history: only when a page alone does not tell the total.
        int? total = !count ? null
            : page.HasMore || (skip > 0 && page.Commits.Count == 0) ? await cache.CountCommitsAsync(reader, target.GitDir, target.CommitOid!, filter, ct)
            : skip + page.Commits.Count;
        return new CommitList(target, page.Commits, page.HasMore, await UsersForAsync(page.Commits, ct), total);
    }

    /// <summary>GitHub's <c>author</c>: an email address as given, or an account's address by its username; "" for no such account.</summary>
    private async Task<string?> AuthorEmailAsync(string? author, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(author))
        {
            return null;
        }
        if (author.Contains('@'))
        {
            return author.Trim();
        }
        var normalized = NameRules.Normalize(author.Trim());
        return await db.Users.AsNoTracking().Where(u => u.NormalizedUsername == normalized).Select(u => u.Email).FirstOrDefaultAsync(ct) ?? "";
    }

    /// <summary>One commit with what it changed against its first parent (the empty tree for a root commit).</summary>
    public async Task<CommitDetail> GetCommitAsync(RepositoryGrant grant, string revision, CancellationToken ct)
    {
        var target = await OpenAsync(grant, revision, ct);
        if (target.IsEmpty)
        {
            throw AnvilException.NotFound("commit not found");
        }
        var commit = await reader.GetCommitAsync(target.GitDir, target.CommitOid!, ct) ?? throw AnvilException.NotFound("commit not found");
        var diff = await reader.GetCommitDiffAsync(target.GitDir, commit.Oid, ct: ct) ?? throw AnvilException.NotFound("commit not found");
        return new CommitDetail(target, commit, diff, await UsersForAsync([commit], ct));
    }

    /// <summary>One commit's change against its first parent (everything, for a root commit) as git's diff or patch text.</summary>
    public async Task<byte[]> GetCommitChangeTextAsync(RepositoryGrant grant, string revision, ChangeText format, CancellationToken ct)
    {
        var target = await OpenAsync(grant, revision, ct);
        var commit = target.IsEmpty ? null : await reader.GetCommitAsync(target.GitDir, target.CommitOid!, ct);
        if (commit is null)
        {
            throw AnvilException.NotFound("commit not found");
        }
        var from = commit.ParentOids.Count > 0 ? commit.ParentOids[0] : GitInput.EmptyTreeOid;
        return await reader.GetChangeTextAsync(target.GitDir, from, commit.Oid, format, ct);
    }

    // ---- trees and files ----

    /// <summary>
    /// <paramref name="head"/> against <paramref name="baseRef"/> as GitHub's compare answers it: the commits on head since their
    /// merge base (oldest first, at most 250), how far each side moved, and the change from the merge base to head.
    /// </summary>
    public async Task<Comparison> CompareAsync(RepositoryGrant grant, string baseRef, string head, CancellationToken ct)
    {
        var target = await OpenAsync(grant, baseRef, ct);
        if (target.IsEmpty)
        {
            throw AnvilException.NotFound("this repository is empty");
        }
        var headOid = await reader.ResolveAsync(target.GitDir, Revision(head), ct) ?? throw AnvilException.NotFound("ref not found");
        var baseOid = target.CommitOid!;
        var mergeBase = await reader.MergeBaseAsync(target.GitDir, baseOid, headOid, ct)
            ?? throw AnvilException.NotFound($"No common ancestor between {baseRef} and {head}.");
        var (ahead, behind) = await reader.CountAheadBehindAsync(target.GitDir, baseOid, headOid, ct);
        var commits = await reader.GetRangeAsync(target.GitDir, baseOid, headOid, 250, ct);
        var diff = await reader.GetDiffAsync(target.GitDir, mergeBase, headOid, ct: ct) ?? throw AnvilException.NotFound("ref not found");
        var baseCommit = (await reader.GetCommitAsync(target.GitDir, baseOid, ct))!;
        var mergeBaseCommit = (await reader.GetCommitAsync(target.GitDir, mergeBase, ct))!;
        var users = await UsersForAsync([baseCommit, mergeBaseCommit, .. commits], ct);
        return new Comparison(target.Repository, baseCommit, mergeBaseCommit, headOid, ahead, behind, commits, diff, users);
    }

    public async Task<TreeListing> GetTreeAsync(RepositoryGrant grant, string? revision, string? path, bool withLastCommits, CancellationToken ct)
    {
        var target = await OpenAsync(grant, revision, ct);
        var dir = PathOf(path);
        if (target.IsEmpty)
        {
            return dir.Length == 0 ? new TreeListing(target, dir, [], null, CommitUsers.None) : throw PathNotFound();
        }
        var entries = await reader.GetTreeAsync(target.GitDir, target.CommitOid!, dir, ct) ?? throw PathNotFound();
        if (!withLastCommits)
        {
            return new TreeListing(target, dir, entries, null, CommitUsers.None);
        }
        var last = await reader.GetLastCommitsAsync(target.GitDir, target.CommitOid!, dir, entries, ct);
        return new TreeListing(target, dir, entries, last, await UsersForAsync(last.Values, ct));
    }

    public async Task<FileContent> GetFileAsync(RepositoryGrant grant, string? revision, string? path, CancellationToken ct)
    {
        var (target, file) = await FileTargetAsync(grant, revision, path, ct);
        var content = await reader.GetFileAsync(target.GitDir, target.CommitOid!, file, MaxInlineFileBytes, ct) ?? throw PathNotFound();
        return new FileContent(target, content);
    }

    /// <summary>Streams a file's bytes; the caller disposes the stream.</summary>
    public async Task<(BrowseTarget Target, string Path, GitBlobStream Content)> OpenFileAsync(RepositoryGrant grant, string? revision, string? path, CancellationToken ct)
    {
        var (target, file) = await FileTargetAsync(grant, revision, path, ct);
        var stream = await reader.OpenFileAsync(target.GitDir, target.CommitOid!, file, ct) ?? throw PathNotFound();
        return (target, file, stream);
    }

    public async Task<PathContents> GetContentsAsync(RepositoryGrant grant, string? revision, string? path, CancellationToken ct)
    {
        var target = await OpenAsync(grant, revision, ct);
        var p = PathOf(path);
        if (target.IsEmpty)
        {
            throw AnvilException.NotFound("this repository is empty");
        }
        var entry = await reader.GetEntryAsync(target.GitDir, target.CommitOid!, p, ct) ?? throw PathNotFound();
        if (entry.Kind == GitTreeEntryKind.Tree)
        {
            var children = await reader.GetTreeAsync(target.GitDir, target.CommitOid!, p, ct) ?? throw PathNotFound();
            return new PathContents(target, entry, children, null);
        }
        var file = await reader.GetFileAsync(target.GitDir, target.CommitOid!, p, MaxInlineFileBytes, ct) ?? throw PathNotFound();
        return new PathContents(target, file.Entry, null, file);
    }

    private async Task<(BrowseTarget, string)> FileTargetAsync(RepositoryGrant grant, string? revision, string? path, CancellationToken ct)
    {
        var target = await OpenAsync(grant, revision, ct);
        var file = PathOf(path);
        if (file.Length == 0)
        {
            throw AnvilException.BadRequest("path is required");
        }
        return target.IsEmpty ? throw PathNotFound() : (target, file);
    }

    private static AnvilException PathNotFound() => AnvilException.NotFound("path not found");

    /// <summary>The commit an archive of <paramref name="revision"/> (default: the default branch) holds; not found in an empty repository.</summary>
    public async Task<BrowseTarget> ResolveForArchiveAsync(RepositoryGrant grant, string? revision, CancellationToken ct)
    {
        var target = await OpenAsync(grant, revision, ct);
        return target.IsEmpty ? throw AnvilException.NotFound("this repository is empty") : target;
    }

    // ---- shared ----

    /// <summary>
    /// The repository (if the caller may read it) and the commit <paramref name="revision"/> — a branch, tag or
    /// commit oid, by default the repository's default branch — resolves to.
    /// </summary>
    private async Task<BrowseTarget> OpenAsync(RepositoryGrant grant, string? revision, CancellationToken ct)
    {
        var repo = grant.Repository;
        var gitDir = store.Open(repo).GitDir;
        var rev = string.IsNullOrEmpty(revision) ? repo.DefaultBranch : Revision(revision);
        if (await reader.ResolveAsync(gitDir, rev, ct) is { } oid)
        {
            return new BrowseTarget(repo, gitDir, rev, oid);
        }
        // Before the first push the default branch does not exist yet: the repository is empty, not missing.
        if (rev == repo.DefaultBranch && (await reader.ListBranchesAsync(gitDir, ct)).Count == 0)
        {
            return new BrowseTarget(repo, gitDir, rev, null);
        }
        throw AnvilException.NotFound("ref not found");
    }

    /// <summary>One query for every account behind the commits' author and committer emails.</summary>
    public async Task<CommitUsers> UsersForAsync(IEnumerable<GitCommit> commits, CancellationToken ct)
    {
        var emails = commits.SelectMany(c => new[] { c.Author.Email, c.Committer.Email })
            .Select(NameRules.Normalize).Where(e => e.Length > 0).Distinct().ToList();
        if (emails.Count == 0)
        {
            return CommitUsers.None;
        }
        emails.Sort(StringComparer.Ordinal);
        // A page of history names the same few people on every view: who they are is asked once per change.
        var users = await recent.GetAsync(db, new UsersByEmail(string.Join('\n', emails)),
            c => db.Users.AsNoTracking().Where(u => emails.Contains(u.NormalizedEmail)).ToListAsync(c), list => list.Select(u => u.Copy()).ToList(), ct);
        return new CommitUsers(users.ToDictionary(u => u.NormalizedEmail));
    }

    /// <summary>Normalized emails, sorted, one per line (a line break is no part of an email).</summary>
    private sealed record UsersByEmail(string Emails);

    private static string Revision(string revision)
    {
        try
        {
            GitInput.ValidateRevision(revision);
            return revision;
        }
        catch (GitInputException e)
        {
            throw AnvilException.BadRequest(e.Message);
        }
    }

    private static string PathOf(string? path)
    {
        try
        {
            return GitInput.NormalizePath(path);
        }
        catch (GitInputException e)
        {
            throw AnvilException.BadRequest(e.Message);
        }
    }
}

using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Auth;
using Anvil.Server.Browsing;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.PullRequests;

public sealed record NewPullRequest(string? Title, string? Body, string? HeadBranch, string? BaseBranch, string? HeadOwner, string? HeadRepo,
    bool? IsDraft, IReadOnlyList<string>? Labels, IReadOnlyList<string>? Assignees);

/// <summary>A PATCH: null leaves a field alone.</summary>
public sealed record PullRequestChanges(string? Title = null, string? Body = null, string? State = null, string? BaseBranch = null, bool? IsDraft = null);

/// <param name="Strategy">merge, squash or rebase (default merge).</param>
/// <param name="Sha">When given, the head must still be this commit.</param>
public sealed record MergeRequest(string? Strategy, string? CommitTitle, string? CommitMessage, string? Sha);

public enum PullStateFilter
{
    Open,
    /// <summary>Closed without being merged (sigmagit's <c>closed</c>).</summary>
    ClosedUnmerged,
    /// <summary>Every closed one, merged or not (GitHub's <c>closed</c>).</summary>
    Closed,
    Merged,
    All,
}

/// <summary>A pull request with everything its views show. <see cref="HeadRepository"/> is null when gone or not visible to the caller.</summary>
/// <param name="Checks">The combined state of the check runs on the head commit.</param>
public sealed record PullRequestDetails(IssueDetails Details, PullRequest PullRequest, Repository? HeadRepository, Checks.CommitChecks Checks)
{
    public Repository Repository => Details.Repository;
    public Issue Issue => Details.Issue;
}

public sealed record PullRequestPage(List<PullRequestDetails> Items, bool HasMore, int Total);

public sealed record PullRequestDiff(PullRequestDetails PullRequest, string FromOid, GitDiff Diff);

public sealed record PullRequestCommits(PullRequestDetails PullRequest, IReadOnlyList<GitCommit> Commits, bool HasMore, int Total, CommitUsers Users);

public sealed record MergeOutcome(PullRequestDetails PullRequest, string MergeCommitOid);

public static class PullRequestRules
{
    public const string Merge = "merge";
    public const string Squash = "squash";
    public const string Rebase = "rebase";

    /// <summary>A pull request lists at most this many commits (GitHub: 250).</summary>
    public const int MaxCommits = 250;

    public static string HeadRef(int number) => $"refs/pull/{number}/head";

    public static string BranchRef(string branch) => "refs/heads/" + branch;

    public static string Strategy(string? strategy) => strategy switch
    {
        null or "" or Merge => Merge,
        Squash => Squash,
        Rebase => Rebase,
        _ => throw AnvilException.Invalid("merge strategy must be one of merge, squash, rebase"),
    };

    public static string ValidBranch(string? branch, string field)
    {
        if (string.IsNullOrWhiteSpace(branch))
        {
            throw AnvilException.BadRequest($"{field} is required");
        }
        return BrowsingService.BranchNameProblem(branch) is null ? branch : throw AnvilException.Invalid($"{field} is not a valid branch name");
    }

    public static AnvilException NotAllowed(string message) => new(FailureKind.NotAllowed, message) { GitHubMessage = AnvilException.NotMergeableText };

    /// <summary>The merge named a head other than the pull request's (GitHub's 409 and its text).</summary>
    public static AnvilException HeadModified() =>
        new(FailureKind.Conflict, "head branch was modified; review and try the merge again") { GitHubMessage = "Head branch was modified. Review and try the merge again." };
}

/// <summary>
/// The rules of pull requests: opening one from a branch of the same repository or of a fork, keeping its head in the
/// base repository, its diff and commits (merge base … head), and merging it for real. The issue half (number,
/// title, body, state, labels, assignees, comments) goes through <see cref="IssueService"/>.
/// </summary>
public sealed class PullRequestService(
    AnvilDbContext db, Caller caller, RepositoryAccess access, RepositoryStore store, GitReader reader, IssueService issues,
    LabelService labels, RepositoryService repositories, BrowsingService browsing, DomainEvents events, MergeabilityQueue mergeability, Checks.CheckService checks, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>How long a merge may hold its claim before another attempt may take over (a crashed node's claim).</summary>
    private static readonly TimeSpan MergeClaimLifetime = TimeSpan.FromMinutes(10);

    // ---- reading ----

    public async Task<PullRequestPage> ListAsync(string owner, string name, PullListFilter filter, bool ignoreUnknown, int offset, int limit, CancellationToken ct)
    {
        var grant = await access.ReadAsync(owner, name, ct);
        var repo = grant.Repository;
        var query = Rows().Where(p => p.RepositoryId == repo.Id);
        query = filter.State switch
        {
            PullStateFilter.Open => query.Where(p => p.Issue.State == IssueState.Open),
            PullStateFilter.ClosedUnmerged => query.Where(p => p.Issue.State == IssueState.Closed && p.MergedAt == null),
            PullStateFilter.Closed => query.Where(p => p.Issue.State == IssueState.Closed),
            PullStateFilter.Merged => query.Where(p => p.MergedAt != null),
            _ => query,
        };
        if (ignoreUnknown)
        {
            query = query.Where(p => p.HeadRepositoryId != null);
        }
        var page = await filter.Apply(query, db).ToPageAsync(offset, limit, ct);
        return new PullRequestPage(await DetailsAsync(repo, page.Items, ct), page.HasMore, page.Total);
    }

    public async Task<PullRequestDetails> GetAsync(string owner, string name, int number, CancellationToken ct)
    {
        var grant = await access.ReadAsync(owner, name, ct);
        return await DetailsAsync(grant.Repository, await FindAsync(grant.Repository.Id, number, ct), ct);
    }

    /// <summary>Whether the pull request was merged (GitHub's 204/404 check); 404 also when there is no such pull request.</summary>
    public async Task<bool> IsMergedAsync(string owner, string name, int number, CancellationToken ct) =>
        (await GetAsync(owner, name, number, ct)).PullRequest.IsMerged;

    /// <summary>The changes the pull request brings: merge base … head (for a merged one, as they were at merge time).</summary>
    public async Task<PullRequestDiff> DiffAsync(string owner, string name, int number, CancellationToken ct)
    {
        var pr = await GetAsync(owner, name, number, ct);
        var gitDir = GitDir(pr.Repository);
        var from = await DiffBaseAsync(pr, gitDir, ct);
        var diff = await reader.GetDiffAsync(gitDir, from, pr.PullRequest.HeadOid, ct: ct) ?? throw AnvilException.NotFound("the pull request's commits are missing");
        return new PullRequestDiff(pr, from, diff);
    }

    /// <summary>The pull request's change (merge base … head) as git's diff or patch text.</summary>
    public async Task<byte[]> ChangeTextAsync(string owner, string name, int number, ChangeText format, CancellationToken ct)
    {
        var pr = await GetAsync(owner, name, number, ct);
        var gitDir = GitDir(pr.Repository);
        return await reader.GetChangeTextAsync(gitDir, await DiffBaseAsync(pr, gitDir, ct), pr.PullRequest.HeadOid, format, ct);
    }

    public async Task<PullRequestCommits> CommitsAsync(string owner, string name, int number, int offset, int limit, CancellationToken ct)
    {
        var pr = await GetAsync(owner, name, number, ct);
        var gitDir = GitDir(pr.Repository);
        var from = await DiffBaseAsync(pr, gitDir, ct);
        IReadOnlyList<GitCommit> all = from == GitInput.EmptyTreeOid ? [] : await reader.GetRangeAsync(gitDir, from, pr.PullRequest.HeadOid, PullRequestRules.MaxCommits, ct);
        var page = all.Skip(offset).Take(limit).ToList();
        return new PullRequestCommits(pr, page, all.Count > offset + limit, all.Count, await browsing.UsersForAsync(page, ct));
    }

    /// <summary>
    /// Where the pull request's changes start: the merge base recorded at merge time for a merged one, otherwise the merge
    /// base of the base branch's tip (or the last base seen, if the branch is gone) and the head.
    /// </summary>
    private async Task<string> DiffBaseAsync(PullRequestDetails pr, string gitDir, CancellationToken ct)
    {
        var p = pr.PullRequest;
        if (p.IsMerged && p.MergeBaseOid is { } recorded)
        {
            return recorded;
        }
        var baseOid = await RepositoryStore.ResolveRefAsync(gitDir, PullRequestRules.BranchRef(p.BaseBranch), ct) ?? p.BaseOid;
        return await Merger.MergeBaseAsync(gitDir, baseOid, p.HeadOid, ct) ?? p.MergeBaseOid ?? GitInput.EmptyTreeOid;
    }

    // ---- opening ----

    public async Task<PullRequestDetails> CreateAsync(string owner, string name, NewPullRequest req, CancellationToken ct)
    {
        var user = caller.RequireUser();
        caller.RequireScope(Scopes.RepoWrite);
        var grant = await access.ContributeAsync(owner, name, ct);
        var repo = grant.Repository;
        var headBranch = PullRequestRules.ValidBranch(req.HeadBranch, "headBranch");
        var baseBranch = PullRequestRules.ValidBranch(req.BaseBranch ?? repo.DefaultBranch, "baseBranch");
        IssueRules.ValidTitle(req.Title);
        IssueRules.ValidBody(req.Body);

        var headRepo = repo;
        if (req.HeadOwner is { Length: > 0 } || req.HeadRepo is { Length: > 0 })
        {
            headRepo = (await access.ReadAsync(req.HeadOwner is { Length: > 0 } o ? o : owner, req.HeadRepo is { Length: > 0 } n ? n : name, ct)).Repository;
            if (headRepo.Id != repo.Id && !SameNetwork(repo, headRepo))
            {
                throw AnvilException.Invalid("the head repository must be this repository or a fork in its network");
            }
        }
        if (headRepo.Id == repo.Id && headBranch == baseBranch)
        {
            throw AnvilException.Invalid("head and base must be different branches");
        }
        var gitDir = GitDir(repo);
        var headGitDir = GitDir(headRepo);
        var baseOid = await RepositoryStore.ResolveRefAsync(gitDir, PullRequestRules.BranchRef(baseBranch), ct)
            ?? throw AnvilException.Invalid($"base branch '{baseBranch}' does not exist");
        if (await RepositoryStore.ResolveRefAsync(headGitDir, PullRequestRules.BranchRef(headBranch), ct) is null)
        {
            throw AnvilException.Invalid($"head branch '{headBranch}' does not exist");
        }
        if (await db.PullRequests.AnyAsync(p => p.RepositoryId == repo.Id && p.HeadRepositoryId == headRepo.Id && p.HeadBranch == headBranch
                && p.BaseBranch == baseBranch && p.Issue.State == IssueState.Open, ct))
        {
            throw AnvilException.Invalid($"a pull request already exists for {headRepo.Owner.Username}:{headBranch}");
        }
        var withLabels = grant.CanWrite ? await labels.ResolveAsync(repo.Id, req.Labels ?? [], ct) : [];
        var withAssignees = grant.CanWrite ? await issues.AssignableAsync(repo, req.Assignees ?? [], ct) : [];

        PullRequest? created = null;
        PullRequestDetails? opened = null;
        string? writtenRef = null;
        try
        {
            var issue = await issues.CreateIssueRowAsync(grant, user, req.Title, req.Body, isPullRequest: true, withLabels, withAssignees,
                async (issue, c) =>
                {
                    // The head's commits go into the base repository first (a fork's objects are its own), so merge-tree
                    // and diffs work there; refs/pull/N/head keeps them reachable, as on GitHub.
                    writtenRef = PullRequestRules.HeadRef(issue.Number);
                    var headOid = await RepositoryStore.FetchRefAsync(gitDir, headGitDir, PullRequestRules.BranchRef(headBranch), writtenRef, c)
                        ?? throw AnvilException.Invalid($"head branch '{headBranch}' does not exist");
                    var mergeBase = await Merger.MergeBaseAsync(gitDir, baseOid, headOid, c)
                        ?? throw AnvilException.Invalid($"{headBranch} and {baseBranch} have entirely different histories");
                    if (mergeBase == headOid)
                    {
                        throw AnvilException.Invalid($"there are no commits between {baseBranch} and {headBranch}");
                    }
                    created = new PullRequest
                    {
                        IssueId = issue.Id,
                        RepositoryId = repo.Id,
                        HeadRepositoryId = headRepo.Id,
                        HeadBranch = headBranch,
                        BaseBranch = baseBranch,
                        HeadOid = headOid,
                        BaseOid = baseOid,
                        MergeBaseOid = mergeBase,
                        IsDraft = req.IsDraft ?? false,
                        MergeCheckPending = true,
                        MergeCheckVersion = 1,
                    };
                    db.PullRequests.Add(created);
                    await db.SaveChangesAsync(c);
                    // Raised inside the transaction: the event commits (to the outbox) with the pull request, or not at all.
                    opened = await GetByIdAsync(repo, created.Id, c);
                    await events.PublishAsync(new PullRequestOpened(repo, opened.PullRequest, user), c);
                }, ct);
            writtenRef = null; // committed: the ref belongs to the pull request now
            mergeability.Signal();
            return opened!;
        }
        finally
        {
            if (writtenRef is not null)
            {
                // Rolled back: the number goes back to the sequence, so must its ref.
                await RepositoryStore.RemoveRefAsync(gitDir, writtenRef, CancellationToken.None);
            }
        }
    }

    /// <summary>Forks of one another, or of the same parent: head commits can only come from the base's network.</summary>
    private static bool SameNetwork(Repository a, Repository b) =>
        a.ForkedFromId == b.Id || b.ForkedFromId == a.Id || (a.ForkedFromId is { } p && p == b.ForkedFromId);

    // ---- changing ----

    public async Task<PullRequestDetails> UpdateAsync(string owner, string name, int number, PullRequestChanges changes, CancellationToken ct)
    {
        var user = caller.RequireUser();
        caller.RequireScope(Scopes.RepoWrite);
        var grant = await access.ContributeAsync(owner, name, ct);
        var repo = grant.Repository;
        var before = await FindAsync(repo.Id, number, ct);
        var isAuthor = before.Issue.AuthorId == user.Id;
        string? newBase = null;
        string? newBaseOid = null;
        if (changes.BaseBranch is not null || changes.IsDraft is not null)
        {
            if (!grant.CanWrite && !isAuthor)
            {
                throw AnvilException.Forbidden("only the author or a collaborator may change the base or draft state");
            }
            if (before.Issue.State != IssueState.Open)
            {
                throw AnvilException.Invalid("a closed pull request cannot be changed this way; reopen it first");
            }
        }
        if (changes.BaseBranch is not null && changes.BaseBranch != before.BaseBranch)
        {
            newBase = PullRequestRules.ValidBranch(changes.BaseBranch, "base");
            if (before.HeadRepositoryId == repo.Id && newBase == before.HeadBranch)
            {
                throw AnvilException.Invalid("head and base must be different branches");
            }
            newBaseOid = await RepositoryStore.ResolveRefAsync(GitDir(repo), PullRequestRules.BranchRef(newBase), ct)
                ?? throw AnvilException.Invalid($"base branch '{newBase}' does not exist");
        }
        var reopening = changes.State == "open" && before.Issue.State == IssueState.Closed;
        if (reopening && before.IsMerged)
        {
            throw AnvilException.Invalid("a merged pull request cannot be reopened");
        }
        var (previousTitle, previousBody) = (before.Issue.Title, before.Issue.Body);
        var (previousBase, previousBaseOid) = (before.BaseBranch, before.BaseOid);

        // The pull request's own fields and its events commit in the issue's transaction: one change, never half of it.
        async Task ApplyAsync()
        {
            var pr = await db.PullRequests.FirstAsync(p => p.Id == before.Id, ct);
            var draftChanged = changes.IsDraft is { } draft && draft != pr.IsDraft;
            if (draftChanged)
            {
                pr.IsDraft = changes.IsDraft!.Value;
            }
            if (newBase is not null)
            {
                pr.BaseBranch = newBase;
                pr.BaseOid = newBaseOid!;
            }
            await db.SaveChangesAsync(ct);
            if (newBase is not null)
            {
                await mergeability.RequestAsync([pr.Id], ct);
            }
            var now = await GetByIdAsync(repo, pr.Id, ct);
            var titleChanged = now.Issue.Title != previousTitle;
            var bodyChanged = now.Issue.Body != previousBody;
            if (titleChanged || bodyChanged || newBase is not null)
            {
                await events.PublishAsync(new PullRequestEdited(repo, now.PullRequest, user, titleChanged ? previousTitle : null,
                    bodyChanged ? previousBody : null, newBase is null ? null : previousBase, newBase is null ? null : previousBaseOid), ct);
            }
            if (draftChanged)
            {
                await events.PublishAsync(new PullRequestDraftChanged(repo, now.PullRequest, user, now.PullRequest.IsDraft), ct);
            }
        }
        db.ChangeTracker.Clear();
        if (changes.Title is not null || changes.Body is not null || changes.State is not null)
        {
            await issues.UpdateAsync(owner, name, number, new IssueChanges(changes.Title, changes.Body, changes.State), ct, _ => ApplyAsync());
        }
        else
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await ApplyAsync();
            await events.CommitAsync(tx, ct);
        }
        if (newBase is not null)
        {
            mergeability.Signal(); // committed now: the checker sees the request it may have woken too early for
        }
        var after = await GetByIdAsync(repo, before.Id, ct);
        return after;
    }

    /// <summary>
    /// Follows the issue half of a pull request being closed or reopened, by either route (pulls or issues): a reopened
    /// pull request catches up with a head that may have moved while nobody watched, and is checked for mergeability again.
    /// </summary>
    public async Task OnStateChangedAsync(Repository repo, long issueId, User actor, CancellationToken ct)
    {
        var row = await db.PullRequests.AsNoTracking().FirstOrDefaultAsync(p => p.IssueId == issueId, ct);
        if (row is null || row.IsMerged)
        {
            return; // a merge closes its issue itself and tells the world with PullRequestMerged
        }
        var closed = await db.Issues.AsNoTracking().Where(i => i.Id == issueId).Select(i => i.State).FirstAsync(ct) == IssueState.Closed;
        if (!closed)
        {
            await RefreshHeadAsync(repo, row.Id, actor, ct);
            await mergeability.RequestAsync([row.Id], ct);
        }
        var details = await GetByIdAsync(repo, row.Id, ct);
        await (closed
            ? events.PublishAsync(new PullRequestClosed(repo, details.PullRequest, actor), ct)
            : events.PublishAsync(new PullRequestReopened(repo, details.PullRequest, actor), ct));
    }

    /// <summary>
    /// Brings <c>refs/pull/N/head</c> and <see cref="PullRequest.HeadOid"/> up to the head branch (fetching from a fork),
    /// or records that the branch is gone. Raises <see cref="PullRequestSynchronized"/> when the head moved.
    /// </summary>
    public async Task RefreshHeadAsync(Repository baseRepo, long pullRequestId, User actor, CancellationToken ct)
    {
        var pr = await db.PullRequests.Include(p => p.Issue).Include(p => p.HeadRepository).FirstAsync(p => p.Id == pullRequestId, ct);
        if (pr.HeadRepository is not { } headRepo)
        {
            return;
        }
        var gitDir = GitDir(baseRepo);
        var before = pr.HeadOid;
        // The branch can move again while this runs; looking once more afterwards converges on its latest commit.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var fetched = await RepositoryStore.FetchRefAsync(gitDir, GitDir(headRepo), PullRequestRules.BranchRef(pr.HeadBranch),
                PullRequestRules.HeadRef(pr.Issue.Number), ct);
            if (fetched is null)
            {
                pr.HeadBranchDeleted = true;
                pr.Mergeable = false;
                pr.ConflictingPaths = "";
                break;
            }
            pr.HeadBranchDeleted = false;
            pr.HeadOid = fetched;
            if (await RepositoryStore.ResolveRefAsync(GitDir(headRepo), PullRequestRules.BranchRef(pr.HeadBranch), ct) == fetched)
            {
                break;
            }
        }
        await db.SaveChangesAsync(ct);
        if (pr.HeadOid != before)
        {
            var details = await GetByIdAsync(baseRepo, pr.Id, ct);
            await events.PublishAsync(new PullRequestSynchronized(baseRepo, details.PullRequest, actor, before, pr.HeadOid), ct);
        }
    }

    // ---- merging ----

    public async Task<MergeOutcome> MergeAsync(string owner, string name, int number, MergeRequest req, CancellationToken ct)
    {
        var user = caller.RequireUser();
        caller.RequireScope(Scopes.RepoWrite);
        var read = await access.ReadAsync(owner, name, ct);
        var found = await FindAsync(read.Repository.Id, number, ct);
        var repo = (await access.RequireAsync(read.Repository, RepositoryPermission.Write, ct)).Repository;
        var strategy = PullRequestRules.Strategy(req.Strategy);
        if (req.Sha is { Length: > 0 } sha && !RepositoryStore.IsValidOid(sha.ToLowerInvariant()))
        {
            throw AnvilException.Invalid("sha must be a full commit id");
        }
        RequireMergeableState(found);
        if (req.Sha is { Length: > 0 } expected && !string.Equals(expected, found.HeadOid, StringComparison.OrdinalIgnoreCase))
        {
            throw PullRequestRules.HeadModified();
        }

        if (!await ClaimMergeAsync(found.Id, headOid: null, ct))
        {
            throw AnvilException.Conflict("this pull request is already being merged");
        }
        var merged = false;
        try
        {
            // Re-read under the claim: the state checked above may have changed meanwhile.
            db.ChangeTracker.Clear();
            var pr = await Rows().FirstAsync(p => p.Id == found.Id, ct);
            RequireMergeableState(pr);
            if (req.Sha is { Length: > 0 } again && !string.Equals(again, pr.HeadOid, StringComparison.OrdinalIgnoreCase))
            {
                throw PullRequestRules.HeadModified();
            }
            var gitDir = GitDir(repo);
            var baseRef = PullRequestRules.BranchRef(pr.BaseBranch);
            var baseOid = await RepositoryStore.ResolveRefAsync(gitDir, baseRef, ct)
                ?? throw PullRequestRules.NotAllowed($"base branch '{pr.BaseBranch}' does not exist");
            var mergeBase = await Merger.MergeBaseAsync(gitDir, baseOid, pr.HeadOid, ct);
            var newOid = await CreateMergeAsync(gitDir, pr, baseOid, strategy, req, user, ct);

            if (!await RepositoryStore.UpdateRefAsync(gitDir, baseRef, newOid, baseOid, ct))
            {
                throw AnvilException.Conflict($"base branch '{pr.BaseBranch}' moved while merging; try again");
            }
            merged = true;
            await RecordMergeAsync(repo, pr.Id, user, baseOid, mergeBase, newOid, ct);
            // Tracked again with its owner, which push subscribers (webhook payloads) read from the repository they get.
            repo = await db.Repositories.Include(r => r.Owner).FirstAsync(r => r.Id == repo.Id, ct);
            await repositories.OnPushedAsync(repo, user, [new RefChange(baseRef, baseOid, newOid)], ct);
            return new MergeOutcome(await GetByIdAsync(repo, pr.Id, ct), newOid);
        }
        finally
        {
            if (!merged)
            {
                await ReleaseMergeClaimAsync(found.Id);
            }
        }
    }

    /// <summary>
    /// <paramref name="change"/> moved the base branch of the open pull request <paramref name="pullRequestId"/>. When the branch now
    /// contains the head commit (merged on the command line and pushed), the pull request is merged, as on GitHub: by the pusher,
    /// with the pushed commit as its merge commit. Claimed like a merge through the API, so of the two only one records it.
    /// </summary>
    /// <returns>Whether this call recorded the merge.</returns>
    public async Task<bool> DetectMergeByPushAsync(Repository repo, long pullRequestId, RefChange change, User pusher, CancellationToken ct)
    {
        var row = await db.PullRequests.AsNoTracking().Include(p => p.Issue).FirstOrDefaultAsync(p => p.Id == pullRequestId, ct);
        if (row is null || row.IsMerged || row.Issue.State != IssueState.Open || change.IsDelete)
        {
            return false;
        }
        var gitDir = GitDir(repo);
        if (!await Merger.IsAncestorAsync(gitDir, row.HeadOid, change.NewOid, ct))
        {
            return false;
        }
        // The head must still be the one found in the base; a merge through the API holding its claim records the merge itself.
        if (!await ClaimMergeAsync(row.Id, row.HeadOid, ct))
        {
            return false;
        }
        var recorded = false;
        try
        {
            // Re-read under the claim: it may have been closed meanwhile, and a closed pull request is not merged by a push.
            var open = await db.Issues.AsNoTracking().Where(i => i.Id == row.IssueId).Select(i => i.State).FirstAsync(ct) == IssueState.Open;
            if (!open)
            {
                return false;
            }
            var baseBefore = change.IsCreate ? change.NewOid : change.OldOid;
            var mergeBase = change.IsCreate ? row.HeadOid : await Merger.MergeBaseAsync(gitDir, baseBefore, row.HeadOid, ct);
            await RecordMergeAsync(repo, row.Id, pusher, baseBefore, mergeBase, change.NewOid, ct);
            recorded = true;
        }
        finally
        {
            if (!recorded)
            {
                await ReleaseMergeClaimAsync(row.Id);
            }
        }
        return true;
    }

    /// <summary>
    /// Claims the merge of a pull request (through the API or noticed in a push): of concurrent attempts only one gets it;
    /// a claim older than <see cref="MergeClaimLifetime"/> was abandoned and may be taken. With <paramref name="headOid"/>,
    /// only while the head is still that commit.
    /// </summary>
    private async Task<bool> ClaimMergeAsync(long pullRequestId, string? headOid, CancellationToken ct)
    {
        var now = Now;
        var staleBefore = now - MergeClaimLifetime;
        var unclaimed = db.PullRequests.Where(p => p.Id == pullRequestId && p.MergedAt == null && (p.MergingSince == null || p.MergingSince < staleBefore));
        if (headOid is not null)
        {
            unclaimed = unclaimed.Where(p => p.HeadOid == headOid);
        }
        return await unclaimed.ExecuteUpdateAsync(s => s.SetProperty(p => p.MergingSince, now), ct) == 1;
    }

    /// <summary>Gives a claim back when the merge did not happen; runs even when the request was cancelled.</summary>
    private Task ReleaseMergeClaimAsync(long pullRequestId) =>
        db.PullRequests.Where(p => p.Id == pullRequestId).ExecuteUpdateAsync(s => s.SetProperty(p => p.MergingSince, (DateTime?)null), CancellationToken.None);

    private static void RequireMergeableState(PullRequest pr)
    {
        if (pr.IsMerged)
        {
            throw PullRequestRules.NotAllowed("this pull request is already merged");
        }
        if (pr.Issue.State != IssueState.Open)
        {
            throw PullRequestRules.NotAllowed("this pull request is closed");
        }
        if (pr.IsDraft)
        {
            throw PullRequestRules.NotAllowed("this pull request is still a draft");
        }
        if (pr.HeadBranchDeleted)
        {
            throw PullRequestRules.NotAllowed("the head branch was deleted");
        }
    }

    /// <summary>Writes the new commits (nothing moves yet) and returns what the base branch should become.</summary>
    private async Task<string> CreateMergeAsync(string gitDir, PullRequest pr, string baseOid, string strategy, MergeRequest req, User user, CancellationToken ct)
    {
        var merger = Signature(user);
        var author = pr.Issue.Author;
        try
        {
            switch (strategy)
            {
                case PullRequestRules.Merge:
                {
                    var from = pr.HeadRepository is { } head && head.Id != pr.RepositoryId ? $"{head.Owner.Username}/{pr.HeadBranch}" : pr.HeadBranch;
                    var message = Message(req, $"Merge pull request #{pr.Issue.Number} from {from}", pr.Issue.Title);
                    return await Merger.CreateMergeCommitAsync(gitDir, baseOid, pr.HeadOid, message, merger, merger, ct);
                }
                case PullRequestRules.Squash:
                {
                    var message = Message(req, $"{pr.Issue.Title} (#{pr.Issue.Number})", await SquashedMessagesAsync(gitDir, baseOid, pr.HeadOid, ct));
                    return await Merger.CreateSquashCommitAsync(gitDir, baseOid, pr.HeadOid, message, Signature(author), merger, ct);
                }
                default:
                {
                    var rebased = await Merger.RebaseAsync(gitDir, baseOid, pr.HeadOid, merger, ct);
                    return rebased.Status switch
                    {
                        RebaseStatus.Rebased => rebased.NewHeadOid!,
                        RebaseStatus.Conflicts => throw AnvilException.Unmergeable(
                            $"rebasing conflicts in commit {rebased.ConflictingCommitOid}: {string.Join(", ", rebased.ConflictingPaths)}"),
                        _ => throw AnvilException.Unmergeable("the base branch already contains every change of this pull request"),
                    };
                }
            }
        }
        catch (MergeNotPossibleException e)
        {
            throw e.Analysis.Status switch
            {
                MergeStatus.Conflicts => AnvilException.Unmergeable($"merge conflict in {string.Join(", ", e.Analysis.ConflictingPaths)}"),
                MergeStatus.UpToDate => AnvilException.Unmergeable("the base branch already contains every change of this pull request"),
                _ => AnvilException.Unmergeable("the head and base branches share no history"),
            };
        }
    }

    /// <summary>The title (default given) and a body (default given), as git's "subject, blank line, body".</summary>
    private static string Message(MergeRequest req, string defaultTitle, string defaultBody)
    {
        var title = string.IsNullOrWhiteSpace(req.CommitTitle) ? null : req.CommitTitle.Trim();
        if (req.CommitMessage is { } body && title is null && req.CommitMessage.Trim().Length > 0)
        {
            // sigmagit's commitMessage is the whole message.
            return body;
        }
        var text = (title ?? defaultTitle) + "\n\n" + (req.CommitMessage ?? defaultBody);
        return text.TrimEnd() + "\n";
    }

    private async Task<string> SquashedMessagesAsync(string gitDir, string baseOid, string headOid, CancellationToken ct)
    {
        var commits = await reader.GetRangeAsync(gitDir, baseOid, headOid, PullRequestRules.MaxCommits, ct);
        return string.Join("\n\n", commits.Select(c => "* " + c.Message.Trim()));
    }

    private static Anvil.Git.GitSignature Signature(User user) =>
        new(string.IsNullOrWhiteSpace(user.Name) || user.Name.IndexOfAny(['<', '>', '\n', '\r', '\0']) >= 0 ? user.Username : user.Name.Trim(), user.Email);

    /// <summary>
    /// The base already moved: record the merge. Retried, because failing here would leave a merged branch behind an
    /// open pull request.
    /// </summary>
    private async Task RecordMergeAsync(Repository repo, long pullRequestId, User user, string baseOid, string? mergeBase, string mergeCommit,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
                var pr = await db.PullRequests.Include(p => p.Issue).FirstAsync(p => p.Id == pullRequestId, CancellationToken.None);
                pr.MergedAt = Now;
                pr.MergedById = user.Id;
                pr.MergeCommitOid = mergeCommit;
                pr.BaseOid = baseOid;
                pr.MergeBaseOid = mergeBase ?? pr.MergeBaseOid;
                pr.MergingSince = null;
                pr.MergeCheckPending = false;
                await issues.ChangeStateAsync(repo, pr.Issue, IssueState.Closed, null, user, CancellationToken.None);
                await db.SaveChangesAsync(CancellationToken.None);
                // Announced with the record it announces: a crash after the commit cannot lose the merge's webhooks.
                var details = await GetByIdAsync(repo, pullRequestId, CancellationToken.None);
                await events.PublishAsync(new PullRequestMerged(repo, details.PullRequest, user), CancellationToken.None);
                await events.CommitAsync(tx, CancellationToken.None);
                return;
            }
            catch (DbUpdateException) when (attempt < 5 && !ct.IsCancellationRequested)
            {
            }
        }
    }

    // ---- reviews and review comments ----

    public async Task<(PullRequestDetails PullRequest, Page<PullRequestReview> Reviews)> ListReviewsAsync(string owner, string name, int number,
        int offset, int limit, CancellationToken ct)
    {
        var pr = await GetAsync(owner, name, number, ct);
        var page = await db.PullRequestReviews.Include(r => r.Author).Where(r => r.PullRequestId == pr.PullRequest.Id).OrderBy(r => r.Id)
            .ToPageAsync(offset, limit, ct);
        return (pr, page);
    }

    public sealed record NewReviewComment(string? Body, string? Path, int? Line, string? Side, string? CommitOid, long? InReplyTo);

    /// <summary>Submits a review: approve, request changes or comment, with optional line comments.</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReview Review)> ReviewAsync(string owner, string name, int number, string? reviewEvent,
        string? body, string? commitOid, IReadOnlyList<NewReviewComment>? comments, CancellationToken ct)
    {
        var user = caller.RequireUser();
        caller.RequireScope(Scopes.RepoWrite);
        var pr = await GetAsync(owner, name, number, ct);
        RepositoryAccess.RequireNotArchived(pr.Repository);
        var state = reviewEvent?.ToUpperInvariant() switch
        {
            "APPROVE" or "APPROVED" => ReviewStates.Approved,
            "REQUEST_CHANGES" or "CHANGES_REQUESTED" => ReviewStates.ChangesRequested,
            "COMMENT" or "COMMENTED" => ReviewStates.Commented,
            null => throw AnvilException.BadRequest("event is required (APPROVE, REQUEST_CHANGES or COMMENT)"),
            _ => throw AnvilException.Invalid("event must be one of APPROVE, REQUEST_CHANGES, COMMENT"),
        };
        var text = IssueRules.ValidBody(body);
        if (state != ReviewStates.Approved && text.Trim().Length == 0 && (comments is null || comments.Count == 0))
        {
            throw AnvilException.Invalid("a review that comments or requests changes needs a body");
        }
        if (state != ReviewStates.Commented && pr.Issue.AuthorId == user.Id)
        {
            throw AnvilException.Invalid("you cannot approve or request changes on your own pull request");
        }
        if (pr.Issue.Locked && !(await access.PermissionAsync(pr.Repository, ct) >= RepositoryPermission.Write))
        {
            throw AnvilException.Forbidden("this pull request is locked; only collaborators may review");
        }
        var commit = ValidCommit(commitOid, pr);
        var lineComments = new List<PullRequestReviewComment>();
        if (comments is { Count: > 0 })
        {
            var diff = await DiffAsync(owner, name, number, ct);
            foreach (var c in comments)
            {
                lineComments.Add(await NewLineCommentAsync(pr, diff, user, c with { CommitOid = commit }, ct));
            }
        }
        var review = new PullRequestReview
        {
            PullRequestId = pr.PullRequest.Id,
            AuthorId = user.Id,
            State = state,
            Body = text,
            CommitOid = commit,
            SubmittedAt = Now,
        };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.PullRequestReviews.Add(review);
            await db.SaveChangesAsync(ct);
            foreach (var c in lineComments)
            {
                c.ReviewId = review.Id;
                db.PullRequestReviewComments.Add(c);
            }
            await db.SaveChangesAsync(ct);
            review.Author = user;
            await events.PublishAsync(new PullRequestReviewSubmitted(pr.Repository, pr.PullRequest, review, user), ct);
            foreach (var c in lineComments)
            {
                c.Author = user;
                await events.PublishAsync(new PullRequestReviewCommented(pr.Repository, pr.PullRequest, c, user), ct);
            }
            await events.CommitAsync(tx, ct);
        }
        return (pr, review);
    }

    public async Task<(PullRequestDetails PullRequest, Page<PullRequestReviewComment> Comments)> ListReviewCommentsAsync(string owner, string name,
        int number, int offset, int limit, CancellationToken ct)
    {
        var pr = await GetAsync(owner, name, number, ct);
        var page = await db.PullRequestReviewComments.Include(c => c.Author).Where(c => c.PullRequestId == pr.PullRequest.Id).OrderBy(c => c.Id)
            .ToPageAsync(offset, limit, ct);
        return (pr, page);
    }

    /// <summary>A comment on one line of the diff (or a reply to one), outside any review.</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReviewComment Comment)> AddReviewCommentAsync(string owner, string name, int number,
        NewReviewComment req, CancellationToken ct)
    {
        var user = caller.RequireUser();
        caller.RequireScope(Scopes.RepoWrite);
        var pr = await GetAsync(owner, name, number, ct);
        RepositoryAccess.RequireNotArchived(pr.Repository);
        if (pr.Issue.Locked && !(await access.PermissionAsync(pr.Repository, ct) >= RepositoryPermission.Write))
        {
            throw AnvilException.Forbidden("this pull request is locked; only collaborators may comment");
        }
        PullRequestReviewComment comment;
        if (req.InReplyTo is { } parentId)
        {
            var parent = await db.PullRequestReviewComments.FirstOrDefaultAsync(c => c.Id == parentId && c.PullRequestId == pr.PullRequest.Id, ct)
                ?? throw AnvilException.NotFound("the comment replied to does not exist");
            comment = new PullRequestReviewComment
            {
                PullRequestId = pr.PullRequest.Id,
                AuthorId = user.Id,
                Body = IssueRules.ValidBody(req.Body, required: true),
                Path = parent.Path,
                Line = parent.Line,
                Side = parent.Side,
                CommitOid = parent.CommitOid,
                DiffHunk = parent.DiffHunk,
                InReplyToId = parent.InReplyToId ?? parent.Id,
                CreatedAt = Now,
                UpdatedAt = Now,
            };
        }
        else
        {
            var diff = await DiffAsync(owner, name, number, ct);
            comment = await NewLineCommentAsync(pr, diff, user, req with { CommitOid = ValidCommit(req.CommitOid, pr) }, ct);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.PullRequestReviewComments.Add(comment);
        await db.SaveChangesAsync(ct);
        comment.Author = user;
        await events.PublishAsync(new PullRequestReviewCommented(pr.Repository, pr.PullRequest, comment, user), ct);
        await events.CommitAsync(tx, ct);
        return (pr, comment);
    }

    /// <summary>The commit a review is about: the head unless another is named, which must be the head too (older heads are not kept).</summary>
    private static string ValidCommit(string? commitOid, PullRequestDetails pr)
    {
        if (string.IsNullOrEmpty(commitOid))
        {
            return pr.PullRequest.HeadOid;
        }
        var oid = commitOid.ToLowerInvariant();
        return oid == pr.PullRequest.HeadOid ? oid : throw AnvilException.Invalid("commit_id must be the pull request's head commit");
    }

    /// <summary>Validates that the line is in the diff on that side and captures its hunk.</summary>
    private Task<PullRequestReviewComment> NewLineCommentAsync(PullRequestDetails pr, PullRequestDiff diff, User user, NewReviewComment req, CancellationToken ct)
    {
        var body = IssueRules.ValidBody(req.Body, required: true);
        if (string.IsNullOrEmpty(req.Path))
        {
            throw AnvilException.BadRequest("path is required");
        }
        if (req.Line is not { } line)
        {
            throw AnvilException.BadRequest("line is required");
        }
        var side = (req.Side ?? "RIGHT").ToUpperInvariant() switch
        {
            "RIGHT" => "RIGHT",
            "LEFT" => "LEFT",
            _ => throw AnvilException.Invalid("side must be LEFT or RIGHT"),
        };
        var file = diff.Diff.Files.FirstOrDefault(f => f.Path == req.Path)
            ?? throw AnvilException.Invalid($"path '{req.Path}' is not part of this pull request's diff");
        foreach (var hunk in file.Hunks)
        {
            var index = hunk.Lines.ToList().FindIndex(l => (side == "RIGHT" ? l.NewLineNumber : l.OldLineNumber) == line
                && (side == "RIGHT" ? l.Type != DiffLineType.Deletion : l.Type != DiffLineType.Addition));
            if (index < 0)
            {
                continue;
            }
            var hunkText = hunk.Header + "\n" + string.Join("\n", hunk.Lines.Take(index + 1).Select(l =>
                (l.Type switch { DiffLineType.Addition => '+', DiffLineType.Deletion => '-', _ => ' ' }) + l.Content));
            return Task.FromResult(new PullRequestReviewComment
            {
                PullRequestId = pr.PullRequest.Id,
                AuthorId = user.Id,
                Body = body,
                Path = file.Path,
                Line = line,
                Side = side,
                CommitOid = req.CommitOid ?? pr.PullRequest.HeadOid,
                DiffHunk = hunkText,
                CreatedAt = Now,
                UpdatedAt = Now,
            });
        }
        throw AnvilException.Invalid($"line {line} of '{req.Path}' is not part of the diff on the {side} side");
    }

    // ---- helpers ----

    private string GitDir(Repository repo) => store.PathFor(repo.OwnerId, repo.Id);

    private IQueryable<PullRequest> Rows() => db.PullRequests
        .Include(p => p.Issue).ThenInclude(i => i.Author)
        .Include(p => p.Issue).ThenInclude(i => i.ClosedBy)
        .Include(p => p.HeadRepository).ThenInclude(r => r!.Owner)
        .Include(p => p.MergedBy);

    private async Task<PullRequest> FindAsync(long repositoryId, int number, CancellationToken ct) =>
        await Rows().FirstOrDefaultAsync(p => p.RepositoryId == repositoryId && p.Issue.Number == number, ct)
        ?? throw AnvilException.NotFound("pull request not found");

    /// <summary>A pull request by row id, without an access check: for subscribers of its events.</summary>
    public async Task<PullRequestDetails> GetByIdAsync(Repository repo, long id, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await DetailsAsync(repo, await Rows().FirstAsync(p => p.Id == id, ct), ct);
    }

    /// <summary>The id of the pull request whose issue half is <paramref name="issueId"/>.</summary>
    public Task<long> GetByIssueIdAsync(Repository repo, long issueId, CancellationToken ct) =>
        db.PullRequests.Where(p => p.RepositoryId == repo.Id && p.IssueId == issueId).Select(p => p.Id).FirstAsync(ct);

    private async Task<PullRequestDetails> DetailsAsync(Repository repo, PullRequest pr, CancellationToken ct) => (await DetailsAsync(repo, [pr], ct))[0];

    private async Task<List<PullRequestDetails>> DetailsAsync(Repository repo, IReadOnlyList<PullRequest> prs, CancellationToken ct)
    {
        var details = await issues.DetailsAsync(repo, prs.Select(p => p.Issue).ToList(), ct);
        // A head in another repository is shown only to those who may see that repository.
        var otherHeads = prs.Where(p => p.HeadRepositoryId is { } h && h != repo.Id).Select(p => p.HeadRepositoryId!.Value).Distinct().ToList();
        var visible = otherHeads.Count == 0 ? [] : (await access.Visible().Where(r => otherHeads.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct)).ToHashSet();
        var checkStates = await checks.CombinedStatesAsync(repo.Id, prs.Select(p => p.HeadOid).ToList(), ct);
        return prs.Select((p, i) => new PullRequestDetails(details[i], p,
            p.HeadRepositoryId == repo.Id ? repo : p.HeadRepository is { } h && visible.Contains(h.Id) ? h : null, checkStates[p.HeadOid])).ToList();
    }
}

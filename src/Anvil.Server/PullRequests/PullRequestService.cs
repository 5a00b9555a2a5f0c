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

/// <summary>
/// The rules of pull requests: opening one from a branch of the same repository or of a fork, keeping its head in the
/// base repository, its diff and commits (merge base … head), and changing it. The issue half (number, title, body,
/// state, labels, assignees, comments) goes through <see cref="IssueService"/>; merging is <see cref="PullRequestMerger"/>'s
/// and reviews are <see cref="PullRequestReviews"/>'.
/// </summary>
public sealed class PullRequestService(
    AnvilDbContext db, Caller caller, RepositoryAccess access, RepositoryStore store, GitReader reader, IssueService issues,
    LabelService labels, BrowsingService browsing, DomainEvents events, MergeabilityQueue mergeability, Checks.CheckService checks)
{

    // ---- reading ----

    public async Task<PullRequestPage> ListAsync(RepositoryGrant grant, PullListFilter filter, bool ignoreUnknown, int offset, int limit, CancellationToken ct)
    {
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

    public async Task<PullRequestDetails> GetAsync(RepositoryGrant grant, int number, CancellationToken ct)
    {
        return await DetailsAsync(grant.Repository, await FindAsync(grant.Repository.Id, number, ct), ct);
    }

    /// <summary>Whether the pull request was merged (GitHub's 204/404 check); 404 also when there is no such pull request.</summary>
    public async Task<bool> IsMergedAsync(RepositoryGrant grant, int number, CancellationToken ct) =>
        (await GetAsync(grant, number, ct)).PullRequest.IsMerged;

    /// <summary>The changes the pull request brings: merge base … head (for a merged one, as they were at merge time).</summary>
    public async Task<PullRequestDiff> DiffAsync(RepositoryGrant grant, int number, CancellationToken ct) =>
        await DiffAsync(await GetAsync(grant, number, ct), ct);

    /// <summary>The diff of a pull request the caller has read with <see cref="GetAsync"/> (which checked access) in this request.</summary>
    public async Task<PullRequestDiff> DiffAsync(PullRequestDetails pr, CancellationToken ct)
    {
        var gitDir = store.Open(pr.Repository).GitDir;
        var from = await DiffBaseAsync(pr, gitDir, ct);
        var diff = await reader.GetDiffAsync(gitDir, from, pr.PullRequest.HeadOid, ct: ct) ?? throw AnvilException.NotFound("the pull request's commits are missing");
        return new PullRequestDiff(pr, from, diff);
    }

    /// <summary>The pull request's change (merge base … head) as git's diff or patch text.</summary>
    public async Task<byte[]> ChangeTextAsync(RepositoryGrant grant, int number, ChangeText format, CancellationToken ct)
    {
        var pr = await GetAsync(grant, number, ct);
        var gitDir = store.Open(pr.Repository).GitDir;
        return await reader.GetChangeTextAsync(gitDir, await DiffBaseAsync(pr, gitDir, ct), pr.PullRequest.HeadOid, format, ct);
    }

    public async Task<PullRequestCommits> CommitsAsync(RepositoryGrant grant, int number, int offset, int limit, CancellationToken ct) =>
        await CommitsAsync(await GetAsync(grant, number, ct), offset, limit, ct);

    /// <summary>The commits of a pull request the caller has read with <see cref="GetAsync"/> (which checked access) in this request.</summary>
    public async Task<PullRequestCommits> CommitsAsync(PullRequestDetails pr, int offset, int limit, CancellationToken ct)
    {
        var gitDir = store.Open(pr.Repository).GitDir;
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
        // Asked on every view of the diff or commits: the branch tip through the reader's long-lived git process, the
        // merge base of the two ids from its cache.
        string? tip;
        try
        {
            tip = await reader.ResolveAsync(gitDir, RefNames.Branch(p.BaseBranch), ct);
        }
        catch (GitRevisionException)
        {
            tip = await store.Open(pr.Repository).ResolveRefAsync(RefNames.Branch(p.BaseBranch), ct); // a name git takes that the reader's check refuses
        }
        return await reader.MergeBaseAsync(gitDir, tip ?? p.BaseOid, p.HeadOid, ct) ?? p.MergeBaseOid ?? GitInput.EmptyTreeOid;
    }

    // ---- opening ----

    public async Task<PullRequestDetails> CreateAsync(RepositoryGrant grant, NewPullRequest req, CancellationToken ct)
    {
        var user = caller.RequireUser();
        grant.RequireContribute();
        var repo = grant.Repository;
        var headBranch = PullRequestRules.ValidBranch(req.HeadBranch, "headBranch");
        var baseBranch = PullRequestRules.ValidBranch(req.BaseBranch ?? repo.DefaultBranch, "baseBranch");
        IssueRules.ValidTitle(req.Title);
        IssueRules.ValidBody(req.Body);

        var headRepo = repo;
        if (req.HeadOwner is { Length: > 0 } || req.HeadRepo is { Length: > 0 })
        {
            headRepo = (await access.ReadAsync(req.HeadOwner is { Length: > 0 } o ? o : repo.Owner.Username, req.HeadRepo is { Length: > 0 } n ? n : repo.Name, ct)).Repository;
            if (headRepo.Id != repo.Id && !SameNetwork(repo, headRepo))
            {
                throw AnvilException.Invalid("the head repository must be this repository or a fork in its network");
            }
        }
        if (headRepo.Id == repo.Id && headBranch == baseBranch)
        {
            throw AnvilException.Invalid("head and base must be different branches");
        }
        var git = store.Open(repo);
        var headGit = store.Open(headRepo);
        var baseOid = await git.ResolveRefAsync(RefNames.Branch(baseBranch), ct)
            ?? throw AnvilException.Invalid($"base branch '{baseBranch}' does not exist");
        if (await headGit.ResolveRefAsync(RefNames.Branch(headBranch), ct) is null)
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

        // The head's commits go into the base repository first (a fork's objects are its own), so merge-tree and diffs work
        // there. No git runs inside the transaction below (on SQLite it locks the whole database): they are staged under a
        // ref of their own now, and refs/pull/N/head, which keeps them reachable as on GitHub, is written once N is committed.
        var staged = PullRequestRules.StagedHeadRef(Guid.NewGuid());
        var committed = false;
        PullRequestDetails? opened = null;
        try
        {
            var headOid = await git.FetchRefAsync(headGit, RefNames.Branch(headBranch), staged, ct)
                ?? throw AnvilException.Invalid($"head branch '{headBranch}' does not exist");
            var mergeBase = await Merger.MergeBaseAsync(git.GitDir, baseOid, headOid, ct)
                ?? throw AnvilException.Invalid($"{headBranch} and {baseBranch} have entirely different histories");
            if (mergeBase == headOid)
            {
                throw AnvilException.Invalid($"there are no commits between {baseBranch} and {headBranch}");
            }
            await issues.CreateIssueRowAsync(grant, user, req.Title, req.Body, isPullRequest: true, withLabels, withAssignees,
                async (issue, c) =>
                {
                    var created = new PullRequest
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
                    opened = await LoadAsync(repo, created.Id, c);
                    await events.PublishAsync(new PullRequestOpened(repo, opened.PullRequest, user), c);
                }, ct);
            committed = true;
        }
        finally
        {
            if (!committed)
            {
                // Refused or rolled back: nothing of it stays, its staged commits included.
                await git.RemoveRefAsync(staged, CancellationToken.None);
            }
        }
        mergeability.Signal();
        try
        {
            // Committed, so no longer the request's to cancel. Should this fail, the staged ref keeps the commits
            // reachable, and the next push to the head branch writes refs/pull/N/head.
            await git.FetchRefAsync(git, staged, PullRequestRules.HeadRef(opened!.Issue.Number), CancellationToken.None);
            await git.RemoveRefAsync(staged, CancellationToken.None);
        }
        catch (GitCommandException)
        {
        }
        return opened;
    }

    /// <summary>Forks of one another, or of the same parent: head commits can only come from the base's network.</summary>
    private static bool SameNetwork(Repository a, Repository b) =>
        a.ForkedFromId == b.Id || b.ForkedFromId == a.Id || (a.ForkedFromId is { } p && p == b.ForkedFromId);

    // ---- changing ----

    public async Task<PullRequestDetails> UpdateAsync(RepositoryGrant grant, int number, PullRequestChanges changes, CancellationToken ct)
    {
        var user = caller.RequireUser();
        grant.RequireContribute();
        var repo = grant.Repository;
        // Read to decide what may be done; the change itself re-reads the rows in its transaction.
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
            newBaseOid = await store.Open(repo).ResolveRefAsync(RefNames.Branch(newBase), ct)
                ?? throw AnvilException.Invalid($"base branch '{newBase}' does not exist");
        }
        var reopening = changes.State == "open" && before.Issue.State == IssueState.Closed;
        if (reopening && before.IsMerged)
        {
            throw AnvilException.Invalid("a merged pull request cannot be reopened");
        }
        var (previousTitle, previousBody) = (before.Issue.Title, before.Issue.Body);
        var (previousBase, previousBaseOid) = (before.BaseBranch, before.BaseOid);

        // One transaction, the issue's: its fields, the pull request's and the events of both commit as one change, or none
        // of it does. The git work (the new base's tip) was done above, before it opened.
        await issues.UpdateAsync(grant, number, new IssueChanges(changes.Title, changes.Body, changes.State), ct, async issue =>
        {
            // Tracked, so its issue is the one just changed; re-read on a retry, like the issue.
            var pr = await Rows().FirstAsync(p => p.Id == before.Id, ct);
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
                await db.Entry(pr).ReloadAsync(ct); // the request reset its mergeability in the database, not here
            }
            var titleChanged = issue.Title != previousTitle;
            var bodyChanged = issue.Body != previousBody;
            if (titleChanged || bodyChanged || newBase is not null)
            {
                await events.PublishAsync(new PullRequestEdited(repo, pr, user, titleChanged ? previousTitle : null,
                    bodyChanged ? previousBody : null, newBase is null ? null : previousBase, newBase is null ? null : previousBaseOid), ct);
            }
            if (draftChanged)
            {
                await events.PublishAsync(new PullRequestDraftChanged(repo, pr, user, pr.IsDraft), ct);
            }
        });
        if (newBase is not null)
        {
            mergeability.Signal(); // committed now: the checker sees the request it may have woken too early for
        }
        return await GetByIdAsync(repo, before.Id, ct);
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
        var git = store.Open(baseRepo);
        var headGit = store.Open(headRepo);
        var before = pr.HeadOid;
        // The branch can move again while this runs; looking once more afterwards converges on its latest commit.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var fetched = await git.FetchRefAsync(headGit, RefNames.Branch(pr.HeadBranch),
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
            if (await headGit.ResolveRefAsync(RefNames.Branch(pr.HeadBranch), ct) == fetched)
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

    // ---- helpers ----

    internal IQueryable<PullRequest> Rows() => db.PullRequests
        .Include(p => p.Issue).ThenInclude(i => i.Author)
        .Include(p => p.Issue).ThenInclude(i => i.ClosedBy)
        .Include(p => p.HeadRepository).ThenInclude(r => r!.Owner)
        .Include(p => p.MergedBy);

    /// <summary>A pull request as it is now, untracked: to read or to decide on, never to change and save.</summary>
    internal async Task<PullRequest> FindAsync(long repositoryId, int number, CancellationToken ct) =>
        await Rows().AsNoTracking().FirstOrDefaultAsync(p => p.RepositoryId == repositoryId && p.Issue.Number == number, ct)
        ?? throw AnvilException.NotFound("pull request not found");

    /// <summary>A pull request by row id, without an access check: for subscribers of its events.</summary>
    public async Task<PullRequestDetails> GetByIdAsync(Repository repo, long id, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await LoadAsync(repo, id, ct);
    }

    /// <summary>
    /// A pull request by row id as this change sees it, for its events: inside the change's transaction, where the
    /// tracked rows are what it saved (clearing them there would drop what the transaction's owner still holds).
    /// </summary>
    internal async Task<PullRequestDetails> LoadAsync(Repository repo, long id, CancellationToken ct) =>
        await DetailsAsync(repo, await Rows().FirstAsync(p => p.Id == id, ct), ct);

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
        var prIds = prs.Select(p => p.Id).ToList();
        var requested = (await db.ReviewRequests.AsNoTracking().Include(r => r.User).Where(r => prIds.Contains(r.PullRequestId))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.UserId).ToListAsync(ct)).ToLookup(r => r.PullRequestId, r => r.User);
        return prs.Select((p, i) => new PullRequestDetails(details[i], p,
            p.HeadRepositoryId == repo.Id ? repo : p.HeadRepository is { } h && visible.Contains(h.Id) ? h : null, checkStates[p.HeadOid],
            requested[p.Id].ToList())).ToList();
    }
}

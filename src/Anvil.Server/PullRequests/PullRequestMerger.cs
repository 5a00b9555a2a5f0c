using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.PullRequests;

/// <summary>
/// Merging a pull request for real (merge commit, squash or rebase, written without a work tree and moved onto the base
/// branch compare-and-swap), and noticing one merged on the command line and pushed. Of concurrent attempts, a claim on
/// the row lets only one record the merge.
/// </summary>
public sealed partial class PullRequestMerger(
    AnvilDbContext db, Caller caller, RepositoryAccess access, RepositoryStore store, GitReader reader, IssueService issues, RepositoryService repositories,
    DomainEvents events, PullRequestService pulls, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>How long a merge may hold its claim before another attempt may take over (a crashed node's claim).</summary>
    private static readonly TimeSpan MergeClaimLifetime = TimeSpan.FromMinutes(10);

    public async Task<MergeOutcome> MergeAsync(RepositoryGrant grant, int number, MergeRequest req, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var found = await pulls.FindAsync(grant.Repository.Id, number, ct);
        var repo = grant.Require(RepositoryPermission.Write).Repository;
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
            var pr = await pulls.Rows().FirstAsync(p => p.Id == found.Id, ct);
            RequireMergeableState(pr);
            if (req.Sha is { Length: > 0 } again && !string.Equals(again, pr.HeadOid, StringComparison.OrdinalIgnoreCase))
            {
                throw PullRequestRules.HeadModified();
            }
            var git = store.Open(repo);
            var gitDir = git.GitDir;
            var baseRef = RefNames.Branch(pr.BaseBranch);
            var baseOid = await git.ResolveRefAsync(baseRef, ct)
                ?? throw PullRequestRules.NotAllowed($"base branch '{pr.BaseBranch}' does not exist");
            var mergeBase = await Merger.MergeBaseAsync(gitDir, baseOid, pr.HeadOid, ct);
            var newOid = await CreateMergeAsync(gitDir, pr, baseOid, strategy, req, user, ct);

            if (!await git.UpdateRefAsync(baseRef, newOid, baseOid, ct))
            {
                throw AnvilException.Conflict($"base branch '{pr.BaseBranch}' moved while merging; try again");
            }
            merged = true;
            var closes = await ClosedByMergeAsync(repo, gitDir, pr, mergeBase, CancellationToken.None);
            await RecordMergeAsync(repo, pr.Id, user, baseOid, mergeBase, newOid, closes, ct);
            // Tracked again with its owner, which push subscribers (webhook payloads) read from the repository they get.
            repo = await db.Repositories.Include(r => r.Owner).FirstAsync(r => r.Id == repo.Id, ct);
            await repositories.OnPushedAsync(repo, user, [new RefChange(baseRef, baseOid, newOid)], ct);
            return new MergeOutcome(await pulls.GetByIdAsync(repo, pr.Id, ct), newOid);
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
        var row = await pulls.Rows().AsNoTracking().FirstOrDefaultAsync(p => p.Id == pullRequestId, ct);
        if (row is null || row.IsMerged || row.Issue.State != IssueState.Open || change.IsDelete)
        {
            return false;
        }
        var gitDir = store.Open(repo).GitDir;
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
            var closes = await ClosedByMergeAsync(repo, gitDir, row, mergeBase, ct);
            await RecordMergeAsync(repo, row.Id, pusher, baseBefore, mergeBase, change.NewOid, closes, ct);
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

    private static GitSignature Signature(User user) =>
        new(string.IsNullOrWhiteSpace(user.Name) || user.Name.IndexOfAny(['<', '>', '\n', '\r', '\0']) >= 0 ? user.Username : user.Name.Trim(), user.Email);

    /// <summary>
    /// The issues of <paramref name="repo"/> the merge closes: those its body and its commits' messages name with a closing
    /// keyword, when it goes into the default branch (as on GitHub, a merge elsewhere closes nothing). Read from git
    /// before the merge is recorded, so that no git runs inside that transaction.
    /// </summary>
    private async Task<IReadOnlyList<int>> ClosedByMergeAsync(Repository repo, string gitDir, PullRequest pr, string? mergeBase, CancellationToken ct)
    {
        if (pr.BaseBranch != repo.DefaultBranch)
        {
            return [];
        }
        var commits = mergeBase is null || mergeBase == pr.HeadOid ? []
            : await reader.GetRangeAsync(gitDir, mergeBase, pr.HeadOid, PullRequestRules.MaxCommits, ct);
        return ClosingKeywords.IssueNumbers(commits.Select(c => c.Message).Prepend(pr.Issue.Body), repo.Owner.Username, repo.Name);
    }

    /// <summary>
    /// The base already moved: record the merge, and close the issues it closes (<paramref name="closes"/>: open issues
    /// among them, not pull requests) as completed, by the one who merged. Retried, because failing here would leave a
    /// merged branch behind an open pull request.
    /// </summary>
    private async Task RecordMergeAsync(Repository repo, long pullRequestId, User user, string baseOid, string? mergeBase, string mergeCommit,
        IReadOnlyList<int> closes, CancellationToken ct)
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
                var details = await pulls.LoadAsync(repo, pullRequestId, CancellationToken.None);
                await events.PublishAsync(new PullRequestMerged(repo, details.PullRequest, user), CancellationToken.None);
                var numbers = closes.ToList();
                var closed = numbers.Count == 0 ? [] : await db.Issues.Include(i => i.Author)
                    .Where(i => i.RepositoryId == repo.Id && numbers.Contains(i.Number) && !i.IsPullRequest && i.State == IssueState.Open)
                    .OrderBy(i => i.Number).ToListAsync(CancellationToken.None);
                var closings = new List<IDomainEvent>();
                foreach (var issue in closed)
                {
                    closings.Add((await issues.ChangeStateAsync(repo, issue, IssueState.Closed, IssueRules.Completed, user, CancellationToken.None)).Event!);
                }
                await db.SaveChangesAsync(CancellationToken.None);
                foreach (var closing in closings)
                {
                    await events.PublishAsync(closing, CancellationToken.None);
                }
                await events.CommitAsync(tx, CancellationToken.None);
                return;
            }
            catch (DbUpdateException) when (attempt < 5 && !ct.IsCancellationRequested)
            {
            }
        }
    }
}

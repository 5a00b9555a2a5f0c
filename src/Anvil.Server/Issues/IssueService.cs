using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Issues;

/// <summary>
/// The rules of issues (and of the issue half of pull requests): numbering, who may do what,
/// validation, counts, comments. Knows nothing of HTTP; both surfaces call it.
/// </summary>
public sealed partial class IssueService(AnvilDbContext db, Caller caller, RepositoryAccess access, LabelService labels, DomainEvents events,
    IssueNumberGate gate, TimeProvider clock, Infrastructure.Caching.RecentReads recent)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    // ---- reading ----

    /// <summary>An issue or a pull request by number (as on GitHub, the issue routes answer for both).</summary>
    public async Task<IssueDetails> GetAsync(RepositoryGrant grant, int number, CancellationToken ct) =>
        await DetailsAsync(grant.Repository, await FindAsync(grant.Repository.Id, number, ct), ct);

    public async Task<IssueDetails> DetailsAsync(Repository repo, Issue issue, CancellationToken ct) => (await DetailsAsync(repo, [issue], ct))[0];

    /// <summary>
    /// An issue as it is now, for subscribers to events (which carry the row as it was saved, where a
    /// navigation set by id, such as <c>ClosedBy</c>, may not be loaded). No access check: the event already passed one.
    /// </summary>
    public async Task<IssueDetails> CurrentAsync(Repository repo, int number, CancellationToken ct) =>
        await DetailsAsync(repo, await FindAsync(repo.Id, number, ct), ct);

    /// <summary>A comment with its author's association, for subscribers to comment events (the comment may be deleted already).</summary>
    public async Task<CommentDetails> CommentDetailsAsync(Repository repo, Issue issue, IssueComment comment, CancellationToken ct) =>
        new(repo, issue, comment, (await AssociationsAsync(repo, [comment.AuthorId], ct))[comment.AuthorId]);

    public async Task<List<IssueDetails>> DetailsAsync(Repository repo, IReadOnlyList<Issue> issues, CancellationToken ct)
    {
        if (issues.Count == 0)
        {
            return [];
        }
        var ids = issues.Select(i => i.Id).ToList();
        // Read for the views only: nothing here is changed and saved, so nothing is tracked.
        var labelLinks = await CollectAsync(LabelsOfIssues.For(db)(db, ids), ct);
        var assigneeLinks = await CollectAsync(AssigneesOfIssues.For(db)(db, ids), ct);
        var associations = await AssociationsAsync(repo, issues.Select(i => i.AuthorId), ct);
        var labelsOf = labelLinks.ToLookup(l => l.IssueId, l => l.Label);
        var assigneesOf = assigneeLinks.ToLookup(a => a.IssueId, a => a.User);
        return issues.Select(i => new IssueDetails(repo, i,
            labelsOf[i.Id].OrderBy(l => l.NormalizedName).ToList(),
            assigneesOf[i.Id].OrderBy(u => u.Id).ToList(),
            i.CommentCount, associations[i.AuthorId])).ToList();
    }

    /// <summary>Open/closed counts per repository (zero for a repository without issues): what repository views show as open issues.</summary>
    public async Task<IReadOnlyDictionary<long, IssueTally>> TallyAsync(IReadOnlyCollection<long> repositoryIds, CancellationToken ct)
    {
        var ids = repositoryIds.Distinct().ToList();
        if (ids.Count == 1)
        {
            // Every repository view and issue list asks for one: compiled once, not translated per request.
            var one = await recent.GetAsync(db, new TallyOf(ids[0]), async c => await TallyOfOne.For(db)(db, ids[0], c) is { } n
                ? new IssueTally(n.OpenIssues, n.ClosedIssues, n.OpenPullRequests, n.ClosedPullRequests) : IssueTally.Empty, ct);
            return new Dictionary<long, IssueTally> { [ids[0]] = one };
        }
        // A list of repositories (search, a user's repositories) is asked again with the same page. A tally is a value: shared as it is.
        return await recent.GetAsync(db, new TallyOfMany(string.Join(',', ids)), async c =>
        {
            var rows = await db.IssueCounts.AsNoTracking().Where(n => ids.Contains(n.RepositoryId)).ToDictionaryAsync(n => n.RepositoryId, c);
            return (IReadOnlyDictionary<long, IssueTally>)ids.ToDictionary(id => id, id => rows.TryGetValue(id, out var n)
                ? new IssueTally(n.OpenIssues, n.ClosedIssues, n.OpenPullRequests, n.ClosedPullRequests)
                : IssueTally.Empty);
        }, ct);
    }

    private sealed record TallyOf(long RepositoryId);

    /// <summary>The tallies of several repositories, their ids joined by commas in the order asked.</summary>
    private sealed record TallyOfMany(string RepositoryIds);

    private static readonly CompiledPerDatabase<Func<AnvilDbContext, long, CancellationToken, Task<IssueCounts?>>> TallyOfOne = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, long repositoryId, CancellationToken ct) =>
            db.IssueCounts.AsNoTracking().FirstOrDefault(c => c.RepositoryId == repositoryId)));

    // ---- creating ----

    public async Task<IssueDetails> CreateAsync(RepositoryGrant grant, NewIssue req, CancellationToken ct)
    {
        var user = caller.RequireUser();
        grant.RequireContribute();
        var title = IssueRules.ValidTitle(req.Title);
        var body = IssueRules.ValidBody(req.Body);
        // As on GitHub, only writers set labels and assignees on a new issue; from anyone else they are dropped.
        var withLabels = grant.CanWrite ? await labels.ResolveAsync(grant.Repository.Id, req.Labels ?? [], ct) : [];
        var withAssignees = grant.CanWrite ? await AssignableAsync(grant.Repository, req.Assignees ?? [], ct) : [];
        Issue? opened = null;
        await CreateIssueRowAsync(grant, user, title, body, isPullRequest: false, withLabels, withAssignees, async (row, c) =>
        {
            // Raised inside the transaction: the event commits (to the outbox) with the issue, or not at all.
            opened = await FindAsync(grant.Repository.Id, row.Number, c); // with its author loaded, for views and subscribers
            await events.PublishAsync(new IssueOpened(grant.Repository, opened, user), c);
        }, ct);
        return await DetailsAsync(grant.Repository, opened!, ct);
    }

    /// <summary>
    /// Inserts an issue row with the next number of its repository, its labels, assignees and counts, in one
    /// transaction. The pull-request feature calls this with <paramref name="isPullRequest"/> and adds its own
    /// row in <paramref name="beforeCommit"/>, so an issue and its pull request commit (or fail) together.
    /// Callers decide permissions; title and body are validated here.
    /// </summary>
    public async Task<Issue> CreateIssueRowAsync(RepositoryGrant grant, User author, string? title, string? body, bool isPullRequest,
        IReadOnlyList<Label> withLabels, IReadOnlyList<User> withAssignees, Func<Issue, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var validTitle = IssueRules.ValidTitle(title);
        var validBody = IssueRules.ValidBody(body);
        // Creators of one repository queue here, in memory, rather than each holding a pooled connection while it
        // waits for the repository row; the row lock below is what keeps numbers unique across server nodes.
        using var turn = await gate.EnterAsync(grant.Repository.Id, ct);
        // On SQLite this begins IMMEDIATE: concurrent creators queue on the busy timeout instead of failing to upgrade a read lock.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var number = await AllocateNumberAsync(grant.Repository.Id, ct);
        var issue = new Issue
        {
            RepositoryId = grant.Repository.Id,
            Number = number,
            IsPullRequest = isPullRequest,
            Title = validTitle,
            Body = validBody,
            State = IssueState.Open,
            AuthorId = author.Id,
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        db.Issues.Add(issue);
        await db.SaveChangesAsync(ct);
        db.IssueLabels.AddRange(withLabels.Select(l => new IssueLabel { IssueId = issue.Id, LabelId = l.Id }));
        db.IssueAssignees.AddRange(withAssignees.Select(u => new IssueAssignee { IssueId = issue.Id, UserId = u.Id }));
        await AdjustTallyAsync(grant.Repository.Id, isPullRequest, IssueState.Open, +1, ct);
        if (beforeCommit is not null)
        {
            await beforeCommit(issue, ct);
        }
        await db.SaveChangesAsync(ct);
        await events.CommitAsync(tx, ct);
        return issue;
    }

    /// <summary>
    /// The next number of a repository: an atomic increment of its counter, inside the caller's transaction,
    /// so the row stays locked until the issue using the number commits. A rolled-back insert gives its
    /// number back; the unique (repository, number) index backs this up.
    /// </summary>
    private async Task<int> AllocateNumberAsync(long repositoryId, CancellationToken ct)
    {
        var numbers = await db.Database.SqlQuery<int>(
            $"""UPDATE "Repositories" SET "LastIssueNumber" = "LastIssueNumber" + 1 WHERE "Id" = {repositoryId} RETURNING "LastIssueNumber" AS "Value" """)
            .ToListAsync(ct);
        return numbers.Count == 1 ? numbers[0] : throw RepositoryAccess.NotFound();
    }

    private async Task AdjustTallyAsync(long repositoryId, bool isPullRequest, IssueState state, int delta, CancellationToken ct)
    {
        int openIssues = 0, closedIssues = 0, openPulls = 0, closedPulls = 0;
        switch (isPullRequest, state)
        {
            case (false, IssueState.Open): openIssues = delta; break;
            case (false, _): closedIssues = delta; break;
            case (true, IssueState.Open): openPulls = delta; break;
            default: closedPulls = delta; break;
        }
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO "IssueCounts" ("RepositoryId", "OpenIssues", "ClosedIssues", "OpenPullRequests", "ClosedPullRequests")
            VALUES ({repositoryId}, {openIssues}, {closedIssues}, {openPulls}, {closedPulls})
            ON CONFLICT ("RepositoryId") DO UPDATE SET
                "OpenIssues" = "IssueCounts"."OpenIssues" + excluded."OpenIssues",
                "ClosedIssues" = "IssueCounts"."ClosedIssues" + excluded."ClosedIssues",
                "OpenPullRequests" = "IssueCounts"."OpenPullRequests" + excluded."OpenPullRequests",
                "ClosedPullRequests" = "IssueCounts"."ClosedPullRequests" + excluded."ClosedPullRequests"
            """, ct);
    }

    /// <summary>
    /// The one place an issue opens or closes: its state, <c>state_reason</c>, closed-by, timestamps and the repository's
    /// tallies, inside the caller's transaction, without saving or publishing. A <paramref name="reason"/> without a new
    /// state re-labels why a closed issue is closed. Returns whether anything changed and the event the change raises
    /// (none for a re-label); <see cref="UpdateAsync"/> publishes it, the pull-request merge announces itself instead.
    /// </summary>
    public async Task<(bool Changed, IDomainEvent? Event)> ChangeStateAsync(Repository repo, Issue issue, IssueState? newState, string? reason,
        User actor, CancellationToken ct)
    {
        if (newState is not { } state || state == issue.State)
        {
            if (reason is null || issue.State != IssueState.Closed || reason == IssueRules.Reopened || reason == issue.StateReason)
            {
                return (false, null);
            }
            issue.StateReason = IssueRules.CloseReason(reason);
            issue.UpdatedAt = Now;
            return (true, null);
        }
        if (state == IssueState.Open && issue.IsPullRequest && await db.PullRequests.AnyAsync(p => p.IssueId == issue.Id && p.MergedAt != null, ct))
        {
            throw AnvilException.Invalid("a merged pull request cannot be reopened"); // through the issue routes either
        }
        await AdjustTallyAsync(issue.RepositoryId, issue.IsPullRequest, issue.State, -1, ct);
        await AdjustTallyAsync(issue.RepositoryId, issue.IsPullRequest, state, +1, ct);
        issue.State = state;
        issue.UpdatedAt = Now;
        if (state == IssueState.Closed)
        {
            issue.ClosedAt = Now;
            issue.ClosedById = actor.Id;
            issue.StateReason = IssueRules.CloseReason(reason);
            return (true, new IssueClosed(repo, issue, actor));
        }
        issue.ClosedAt = null;
        issue.ClosedById = null;
        issue.StateReason = IssueRules.Reopened;
        return (true, new IssueReopened(repo, issue, actor));
    }

    // ---- changing ----

    /// <param name="alsoInTransaction">
    /// More of the same change, done in the issue's transaction before it commits (a pull request's own fields and
    /// events): the change commits, with its events, as one.
    /// </param>
    public async Task<IssueDetails> UpdateAsync(RepositoryGrant grant, int number, IssueChanges changes, CancellationToken ct,
        Func<Issue, Task>? alsoInTransaction = null)
    {
        var user = caller.RequireUser();
        grant.RequireContribute();
        var repo = grant.Repository;
        var happened = new List<IDomainEvent>();
        var issue = await WithRetryAsync(async () =>
        {
            happened.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var issue = await FindAsync(repo.Id, number, ct);

            // Who may do what, decided before anything changes.
            if ((changes.Title is not null || changes.Body is not null) && !IssueRules.MayEdit(grant, issue, user))
            {
                throw AnvilException.Forbidden(issue.Locked ? "this issue is locked" : "only the author or a collaborator may edit this issue");
            }
            if ((changes.State is not null || changes.StateReason is not null) && !IssueRules.MayChangeState(grant, issue, user))
            {
                throw AnvilException.Forbidden("only the author or a collaborator may close or reopen this issue");
            }
            var triage = changes.Labels is not null || changes.AddLabels is not null || changes.RemoveLabels is not null
                || changes.Assignees is not null || changes.AddAssignees is not null || changes.RemoveAssignees is not null || changes.Locked is not null;
            if (triage && !IssueRules.MayTriage(grant))
            {
                throw AnvilException.Forbidden("only collaborators may change labels, assignees or the lock");
            }

            // What is asked, validated before anything changes.
            var title = changes.Title is null ? null : IssueRules.ValidTitle(changes.Title);
            var body = changes.Body is null ? null : IssueRules.ValidBody(changes.Body);
            var state = changes.State is null ? (IssueState?)null : IssueRules.ParseState(changes.State);
            var reason = IssueRules.ParseStateReason(changes.StateReason);
            var setLabels = changes.Labels is null ? null : await labels.ResolveAsync(repo.Id, changes.Labels, ct);
            var addLabels = changes.AddLabels is null ? null : await labels.ResolveAsync(repo.Id, changes.AddLabels, ct);
            var removeLabels = changes.RemoveLabels is null ? null : await labels.ResolveAsync(repo.Id, changes.RemoveLabels, ct);
            var setAssignees = changes.Assignees is null ? null : await AssignableAsync(repo, changes.Assignees, ct);
            var addAssignees = changes.AddAssignees is null ? null : await AssignableAsync(repo, changes.AddAssignees, ct);
            var removeAssignees = (changes.RemoveAssignees ?? []).Select(n => NameRules.Normalize(n ?? "")).ToHashSet();
            var lockReason = IssueRules.ValidLockReason(changes.LockReason);

            var previousTitle = issue.Title;
            var previousBody = issue.Body;
            var changed = false;
            if ((title is not null && title != issue.Title) || (body is not null && body != issue.Body))
            {
                issue.Title = title ?? issue.Title;
                issue.Body = body ?? issue.Body;
                happened.Add(new IssueEdited(repo, issue, user, title is not null && title != previousTitle ? previousTitle : null,
                    body is not null && body != previousBody ? previousBody : null));
                changed = true;
            }
            var (stateChanged, stateEvent) = await ChangeStateAsync(repo, issue, state, reason, user, ct);
            if (stateEvent is not null)
            {
                happened.Add(stateEvent);
            }
            changed |= stateChanged;
            if (setLabels is not null || addLabels is not null || removeLabels is not null)
            {
                var links = await db.IssueLabels.Include(l => l.Label).Where(l => l.IssueId == issue.Id).ToListAsync(ct);
                var current = links.Select(l => l.Label).ToList();
                if (removeLabels is not null && removeLabels.FirstOrDefault(r => current.All(c => c.Id != r.Id)) is { } absent)
                {
                    throw AnvilException.NotFound($"label '{absent.Name}' is not on this issue");
                }
                var wanted = (setLabels ?? current.Concat(addLabels ?? []).ToList())
                    .Where(l => removeLabels is null || removeLabels.All(r => r.Id != l.Id)).DistinctBy(l => l.Id).ToList();
                var added = wanted.Where(w => current.All(c => c.Id != w.Id)).ToList();
                var removed = current.Where(c => wanted.All(w => w.Id != c.Id)).ToList();
                db.IssueLabels.RemoveRange(links.Where(l => removed.Any(r => r.Id == l.LabelId)));
                db.IssueLabels.AddRange(added.Select(l => new IssueLabel { IssueId = issue.Id, LabelId = l.Id }));
                if (added.Count + removed.Count > 0)
                {
                    happened.Add(new IssueLabelsChanged(repo, issue, user, added, removed));
                    changed = true;
                }
            }
            if (setAssignees is not null || addAssignees is not null || removeAssignees.Count > 0)
            {
                var links = await db.IssueAssignees.Include(a => a.User).Where(a => a.IssueId == issue.Id).ToListAsync(ct);
                var wanted = (setAssignees ?? links.Select(l => l.User).Concat(addAssignees ?? []).ToList())
                    .Where(u => !removeAssignees.Contains(u.NormalizedUsername)).DistinctBy(u => u.Id).ToList();
                if (wanted.Count > IssueRules.MaxAssignees)
                {
                    throw AnvilException.Invalid($"an issue can have at most {IssueRules.MaxAssignees} assignees");
                }
                var added = wanted.Where(u => links.All(l => l.UserId != u.Id)).ToList();
                var removed = links.Where(l => wanted.All(u => u.Id != l.UserId)).ToList();
                db.IssueAssignees.RemoveRange(removed);
                db.IssueAssignees.AddRange(added.Select(u => new IssueAssignee { IssueId = issue.Id, UserId = u.Id }));
                if (added.Count + removed.Count > 0)
                {
                    happened.Add(new IssueAssigneesChanged(repo, issue, user, added, removed.Select(r => r.User).ToList()));
                    changed = true;
                }
            }
            if (changes.Locked is { } locked && locked != issue.Locked)
            {
                issue.Locked = locked;
                issue.ActiveLockReason = locked ? lockReason : null;
                happened.Add(new IssueLockChanged(repo, issue, user, locked));
                changed = true;
            }
            else if (changes.Locked is true && lockReason != issue.ActiveLockReason)
            {
                // Locked again with another reason: GitHub keeps the latest.
                issue.ActiveLockReason = lockReason;
                changed = true;
            }
            if (changed)
            {
                issue.UpdatedAt = Now;
                await db.SaveChangesAsync(ct);
                foreach (var evt in happened)
                {
                    await events.PublishAsync(evt, ct);
                }
            }
            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(issue);
            }
            if (changed || alsoInTransaction is not null)
            {
                await events.CommitAsync(tx, ct);
            }
            return issue;
        }, ct);
        return await DetailsAsync(repo, await FindAsync(repo.Id, issue.Number, ct), ct);
    }

    /// <summary>Deletes an issue and everything on it; only the repository's owner (admin) may.</summary>
    public async Task DeleteAsync(RepositoryGrant grant, int number, CancellationToken ct)
    {
        var user = caller.RequireUser();
        grant.RequireContribute();
        var issue = await FindAsync(grant.Repository.Id, number, ct);
        grant.Require(RepositoryPermission.Admin);
        if (issue.IsPullRequest)
        {
            throw AnvilException.Invalid("pull requests cannot be deleted; close them instead");
        }
        var deleted = await WithRetryAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var row = await FindAsync(grant.Repository.Id, number, ct);
            db.Issues.Remove(row); // labels, assignees and comments go with it (cascade)
            await AdjustTallyAsync(row.RepositoryId, row.IsPullRequest, row.State, -1, ct);
            await db.SaveChangesAsync(ct);
            await events.PublishAsync(new IssueDeleted(grant.Repository, row, user), ct);
            await events.CommitAsync(tx, ct);
            return row;
        }, ct);
    }

    // ---- helpers ----

    private IQueryable<Issue> IssueRows(long repositoryId) =>
        db.Issues.Include(i => i.Author).Include(i => i.ClosedBy).Where(i => i.RepositoryId == repositoryId);

    private async Task<Issue> FindAsync(long repositoryId, int number, CancellationToken ct) =>
        await IssueRows(repositoryId).FirstOrDefaultAsync(i => i.Number == number, ct) ?? throw IssueNotFound();

    private static AnvilException IssueNotFound() => AnvilException.NotFound("issue not found");

    private async Task<long?> UserIdAsync(string username, CancellationToken ct)
    {
        if (username.Length > 39)
        {
            return null;
        }
        var normalized = NameRules.Normalize(username);
        return await db.Users.Where(u => u.NormalizedUsername == normalized).Select(u => (long?)u.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// The users named, who must be able to read the repository: anyone for a public one; for a private one its
    /// owner, collaborators and site admins (RepositoryAccess's one rule, for users other than the caller).
    /// </summary>
    public async Task<List<User>> AssignableAsync(Repository repo, IEnumerable<string> usernames, CancellationToken ct)
    {
        var wanted = usernames.Select(n => n?.Trim() ?? "").Where(n => n.Length > 0).ToList();
        var normalized = wanted.Select(NameRules.Normalize).Distinct().ToList();
        if (normalized.Count == 0)
        {
            return [];
        }
        if (normalized.Count > IssueRules.MaxAssignees)
        {
            throw AnvilException.Invalid($"an issue can have at most {IssueRules.MaxAssignees} assignees");
        }
        var found = await AssignableUsers(repo).AsNoTracking().Where(u => normalized.Contains(u.NormalizedUsername)).ToListAsync(ct);
        var byName = found.ToDictionary(u => u.NormalizedUsername);
        if (normalized.FirstOrDefault(n => !byName.ContainsKey(n)) is { } missing)
        {
            throw AnvilException.Invalid($"'{wanted.First(w => NameRules.Normalize(w) == missing)}' cannot be assigned: no such user with access to this repository");
        }
        return normalized.Select(n => byName[n]).ToList();
    }

    /// <summary>Who may be assigned in <paramref name="repo"/>: those who may read it (see <see cref="AssignableAsync"/>).</summary>
    private IQueryable<User> AssignableUsers(Repository repo) => access.ReadersOf(repo);

    /// <summary>
    /// GitHub's <c>author_association</c> of each user with the repository, the one answer for issues, comments, pull
    /// requests and reviews alike. As GitHub documents it, it is the user's relation to the repository (OWNER, COLLABORATOR
    /// for one invited to it, NONE), not to the thing they wrote: a collaborator reviewing someone's pull request is a
    /// COLLABORATOR there too.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, string>> AssociationsAsync(Repository repo, IEnumerable<long> userIds, CancellationToken ct)
    {
        var ids = userIds.Distinct().ToList();
        // The owner is the owner whatever the table says: a page written by them alone needs no lookup.
        var others = ids.Where(id => id != repo.OwnerId).ToList();
        var collaborators = others.Count == 0 ? [] :
            (await db.Collaborators.Where(c => c.RepositoryId == repo.Id && others.Contains(c.UserId)).Select(c => c.UserId).ToListAsync(ct)).ToHashSet();
        return ids.ToDictionary(id => id, id => id == repo.OwnerId ? "OWNER" : collaborators.Contains(id) ? "COLLABORATOR" : "NONE");
    }

    /// <summary>Runs <paramref name="work"/> again when a concurrent change to the same issue won (state token, link keys).</summary>
    private async Task<T> WithRetryAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (DbUpdateException) when (attempt < 3 && !ct.IsCancellationRequested)
            {
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateException)
            {
                throw AnvilException.Conflict("the issue was changed at the same time; try again");
            }
        }
    }
}

using System.Text;
using Anvil.Git;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.PullRequests;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Issues;

/// <summary>
/// Writes an issue's history (<see cref="TimelineEvent"/>) from what the services announce: state, labels, assignees,
/// title, lock and draft changes, merges, and mentions by other issues, pull requests, comments and pushed commits.
/// </summary>
public sealed class TimelineRecorder(AnvilDbContext db, DomainEvents events, RepositoryStore store, TimeProvider clock) :
    IDomainEventHandler<IssueOpened>, IDomainEventHandler<IssueEdited>, IDomainEventHandler<IssueClosed>, IDomainEventHandler<IssueReopened>,
    IDomainEventHandler<IssueLabelsChanged>, IDomainEventHandler<IssueAssigneesChanged>, IDomainEventHandler<IssueLockChanged>,
    IDomainEventHandler<IssueCommented>, IDomainEventHandler<IssueCommentEdited>,
    IDomainEventHandler<PullRequestOpened>, IDomainEventHandler<PullRequestMerged>, IDomainEventHandler<PullRequestDraftChanged>,
    IDomainEventHandler<PullRequestReviewDismissed>, IDomainEventHandler<RepositoryPushed>
{
    // A push's commits read for references: more than this (a long history pushed at once) are not looked at.
    private const int MaxPushedCommits = 200;

    /// <summary>Labels and assignees given at creation are listed as added then, as GitHub lists them.</summary>
    public async Task HandleAsync(IssueOpened evt, CancellationToken ct)
    {
        var (repo, issue, actor) = (evt.Repository, evt.Issue, evt.Actor);
        var labels = await db.IssueLabels.Where(l => l.IssueId == issue.Id).Select(l => new { l.Label.Name, l.Label.Color }).ToListAsync(ct);
        var assignees = await db.IssueAssignees.Where(a => a.IssueId == issue.Id).Select(a => a.UserId).ToListAsync(ct);
        await AddAsync([
            .. labels.Select(l => Row(repo, issue, actor, TimelineKinds.Labeled) with { LabelName = l.Name, LabelColor = l.Color }),
            .. assignees.Select(u => Row(repo, issue, actor, TimelineKinds.Assigned) with { SubjectUserId = u }),
        ], ct);
        await CrossReferenceAsync(repo, issue, actor, issue.Body, null, ct);
    }

    public async Task HandleAsync(PullRequestOpened evt, CancellationToken ct) =>
        await CrossReferenceAsync(evt.Repository, evt.PullRequest.Issue, evt.Actor, evt.PullRequest.Issue.Body, null, ct);

    public async Task HandleAsync(IssueEdited evt, CancellationToken ct)
    {
        if (evt.PreviousTitle is { } from && from != evt.Issue.Title)
        {
            await AddAsync([Row(evt.Repository, evt.Issue, evt.Actor, TimelineKinds.Renamed) with { RenamedFrom = from, RenamedTo = evt.Issue.Title }], ct);
        }
        if (evt.PreviousBody is not null)
        {
            await CrossReferenceAsync(evt.Repository, evt.Issue, evt.Actor, evt.Issue.Body, evt.PreviousBody, ct);
        }
    }

    public Task HandleAsync(IssueClosed evt, CancellationToken ct) =>
        AddAsync([Row(evt.Repository, evt.Issue, evt.Actor, TimelineKinds.Closed) with { StateReason = evt.Issue.StateReason }], ct);

    public Task HandleAsync(IssueReopened evt, CancellationToken ct) =>
        AddAsync([Row(evt.Repository, evt.Issue, evt.Actor, TimelineKinds.Reopened)], ct);

    public Task HandleAsync(IssueLabelsChanged evt, CancellationToken ct) =>
        AddAsync([
            .. evt.Added.Select(l => Row(evt.Repository, evt.Issue, evt.Actor, TimelineKinds.Labeled) with { LabelName = l.Name, LabelColor = l.Color }),
            .. evt.Removed.Select(l => Row(evt.Repository, evt.Issue, evt.Actor, TimelineKinds.Unlabeled) with { LabelName = l.Name, LabelColor = l.Color }),
        ], ct);

    public Task HandleAsync(IssueAssigneesChanged evt, CancellationToken ct) =>
        AddAsync([
            .. evt.Added.Select(u => Row(evt.Repository, evt.Issue, evt.Actor, TimelineKinds.Assigned) with { SubjectUserId = u.Id }),
            .. evt.Removed.Select(u => Row(evt.Repository, evt.Issue, evt.Actor, TimelineKinds.Unassigned) with { SubjectUserId = u.Id }),
        ], ct);

    public Task HandleAsync(IssueLockChanged evt, CancellationToken ct) =>
        AddAsync([Row(evt.Repository, evt.Issue, evt.Actor, evt.Locked ? TimelineKinds.Locked : TimelineKinds.Unlocked)], ct);

    public async Task HandleAsync(IssueCommented evt, CancellationToken ct) =>
        await CrossReferenceAsync(evt.Repository, evt.Issue, evt.Actor, evt.Comment.Body, null, ct);

    public async Task HandleAsync(IssueCommentEdited evt, CancellationToken ct) =>
        await CrossReferenceAsync(evt.Repository, evt.Issue, evt.Actor, evt.Comment.Body, evt.PreviousBody, ct);

    /// <summary>A merge closes the pull request without an <see cref="IssueClosed"/> of its own: GitHub lists both events.</summary>
    public Task HandleAsync(PullRequestMerged evt, CancellationToken ct)
    {
        var issue = evt.PullRequest.Issue;
        return AddAsync([
            Row(evt.Repository, issue, evt.Actor, TimelineKinds.Merged) with { CommitId = evt.PullRequest.MergeCommitOid },
            Row(evt.Repository, issue, evt.Actor, TimelineKinds.Closed) with { CommitId = evt.PullRequest.MergeCommitOid },
        ], ct);
    }

    public Task HandleAsync(PullRequestDraftChanged evt, CancellationToken ct) =>
        AddAsync([Row(evt.Repository, evt.PullRequest.Issue, evt.Actor, evt.IsDraft ? TimelineKinds.ConvertToDraft : TimelineKinds.ReadyForReview)], ct);

    /// <summary>Who set whose review aside, at which head, why, and what the review had said (GitHub's <c>dismissed_review</c>).</summary>
    public Task HandleAsync(PullRequestReviewDismissed evt, CancellationToken ct) =>
        AddAsync([Row(evt.Repository, evt.PullRequest.Issue, evt.Actor, TimelineKinds.ReviewDismissed) with
        {
            SubjectUserId = evt.Review.AuthorId, ReviewId = evt.Review.Id, StateReason = evt.PreviousState, Message = evt.Message,
            CommitId = evt.PullRequest.HeadOid,
        }], ct);

    /// <summary>Commits pushed to a branch whose messages mention an issue: <c>referenced</c>, once per issue and commit.</summary>
    public async Task HandleAsync(RepositoryPushed evt, CancellationToken ct)
    {
        var repo = evt.Repository;
        var gitDir = store.Open(repo).GitDir;
        var mentions = new List<(string Commit, int Number)>();
        foreach (var change in evt.Changes.Where(c => !c.IsDelete && RefNames.BranchOf(c.RefName) is not null))
        {
            foreach (var (commit, message) in await MessagesMentioningAsync(gitDir, change, ct))
            {
                mentions.AddRange(IssueReferences.Find(message, repo.Owner.Username, repo.Name).Select(n => (commit, n)));
            }
        }
        if (mentions.Count == 0)
        {
            return;
        }
        var numbers = mentions.Select(m => m.Number).Distinct().ToList();
        var commits = mentions.Select(m => m.Commit).Distinct().ToList();
        var issues = await db.Issues.Where(i => i.RepositoryId == repo.Id && numbers.Contains(i.Number)).ToListAsync(ct);
        var ids = issues.Select(i => i.Id).ToList();
        var known = (await db.TimelineEvents.Where(t => ids.Contains(t.IssueId) && t.Kind == TimelineKinds.Referenced && commits.Contains(t.CommitId!))
            .Select(t => new { t.IssueId, t.CommitId }).ToListAsync(ct)).Select(t => (t.IssueId, t.CommitId!)).ToHashSet();
        // A pull request's own merge or squash commit names it ("Merge pull request #2"): that is its "merged" event.
        var ownMerges = (await db.PullRequests.Where(p => ids.Contains(p.IssueId) && p.MergeCommitOid != null)
            .Select(p => new { p.IssueId, p.MergeCommitOid }).ToListAsync(ct)).Select(p => (p.IssueId, p.MergeCommitOid!)).ToHashSet();
        var rows = new List<NewRow>();
        foreach (var (commit, number) in mentions.Distinct())
        {
            if (issues.FirstOrDefault(i => i.Number == number) is { } issue && !ownMerges.Contains((issue.Id, commit)) && known.Add((issue.Id, commit)))
            {
                rows.Add(Row(repo, issue, evt.Pusher, TimelineKinds.Referenced) with { CommitId = commit });
            }
        }
        await AddAsync(rows, ct);
    }

    /// <summary>The pushed commits (oid, message) that contain a '#', newest first, from one <c>git log</c>.</summary>
    private static async Task<List<(string Oid, string Message)>> MessagesMentioningAsync(string gitDir, RefChange change, CancellationToken ct)
    {
        var result = await GitCli.RunAsync(gitDir,
            ["log", $"--max-count={MaxPushedCommits}", "--fixed-strings", "--grep=#", "--format=%H%x00%B%x1e", .. Webhooks.PushCommits.Range(change), "--"], ct: ct);
        if (!result.Success)
        {
            return [];
        }
        return result.StdoutText.Split('\x1e').Select(r => r.TrimStart('\n')).Where(r => r.Contains('\0'))
            .Select(r => (r[..r.IndexOf('\0')], r[(r.IndexOf('\0') + 1)..])).ToList();
    }

    /// <summary>
    /// <c>cross-referenced</c> on each issue of the repository that <paramref name="text"/> newly mentions (not named in
    /// <paramref name="previousText"/>), once per mentioning issue, never on itself.
    /// </summary>
    private async Task CrossReferenceAsync(Repository repo, Issue source, User actor, string? text, string? previousText, CancellationToken ct)
    {
        var before = IssueReferences.Find(previousText, repo.Owner.Username, repo.Name);
        var numbers = IssueReferences.Find(text, repo.Owner.Username, repo.Name).Where(n => n != source.Number && !before.Contains(n)).ToList();
        if (numbers.Count == 0)
        {
            return;
        }
        var targets = await db.Issues.Where(i => i.RepositoryId == repo.Id && numbers.Contains(i.Number)).ToListAsync(ct);
        var ids = targets.Select(t => t.Id).ToList();
        var already = (await db.TimelineEvents.Where(t => t.SourceIssueId == source.Id && ids.Contains(t.IssueId)).Select(t => t.IssueId).ToListAsync(ct)).ToHashSet();
        await AddAsync(targets.Where(t => !already.Contains(t.Id))
            .Select(t => Row(repo, t, actor, TimelineKinds.CrossReferenced) with { SourceIssueId = source.Id }).ToList(), ct);
    }

    private static NewRow Row(Repository repo, Issue issue, User actor, string kind) => new(repo.Id, issue.Id, actor.Id, kind);

    private sealed record NewRow(long RepositoryId, long IssueId, long? ActorId, string Kind)
    {
        public string? LabelName { get; init; }
        public string? LabelColor { get; init; }
        public long? SubjectUserId { get; init; }
        public string? RenamedFrom { get; init; }
        public string? RenamedTo { get; init; }
        public string? CommitId { get; init; }
        public long? SourceIssueId { get; init; }
        public string? StateReason { get; init; }
        public long? ReviewId { get; init; }
        public string? Message { get; init; }
    }

    private async Task AddAsync(IReadOnlyList<NewRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var entities = rows.Select(r => new TimelineEvent
        {
            RepositoryId = r.RepositoryId, IssueId = r.IssueId, ActorId = r.ActorId, Kind = r.Kind, CreatedAt = now,
            LabelName = r.LabelName, LabelColor = r.LabelColor, SubjectUserId = r.SubjectUserId, RenamedFrom = r.RenamedFrom,
            RenamedTo = r.RenamedTo, CommitId = r.CommitId, SourceIssueId = r.SourceIssueId, StateReason = r.StateReason,
            ReviewId = r.ReviewId, Message = r.Message,
            EffectKey = events.NextEffectKey(),
        }).ToList();
        if (events.Replaying)
        {
            var keys = entities.Select(e => e.EffectKey).ToList();
            var done = (await db.TimelineEvents.Where(t => keys.Contains(t.EffectKey)).Select(t => t.EffectKey).ToListAsync(ct)).ToHashSet();
            entities.RemoveAll(e => done.Contains(e.EffectKey));
        }
        db.TimelineEvents.AddRange(entities);
        await db.SaveChangesAsync(ct);
    }
}

using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Issues;
using Anvil.Server.PullRequests;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Anvil.Web.Ports;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Web;

/// <summary>Issue and pull request pages over <see cref="IssueService"/> and <see cref="PullRequestService"/>, as the API reads them.</summary>
public sealed class WebIssues(IssueService issues, PullRequestService pulls, WebPullRequestLoads loads, PullRequestReviews reviews, LabelService labelService,
    RepositoryAccess access, Caller caller, IWebCode code, AnvilDbContext db, IHostApplicationLifetime lifetime) : IWebIssues, IWebIssueHeads
{
    // The issue this request's page showed (read, so access checked): its live stamp needs no second read of it.
    private (string Owner, string Repo, int Number, long Id)? _shown;

    // A conversation longer than this shows its first entries and says there are more (the API pages the rest).
    private const int MaxTimeline = 300;

    public async Task<IssueListView> ListAsync(string owner, string repo, bool pullRequests, IssueQuery query, int skip, int limit, CancellationToken ct)
    {
        var context = await code.OpenAsync(owner, repo, ct);
        var grant = await access.ReadAsync(owner, repo, ct);
        var filter = new IssueFilter(query.Closed ? IssueStateFilter.Closed : IssueStateFilter.Open, query.Label ?? [], query.Assignee, query.Author, null,
            Order: query.IsPlain ? null : IssueOrder.Parse(query.Sort, query.Ascending));
        var page = await issues.ListRowsAsync(grant, pullRequests, filter, skip, limit, ct);
        var states = pullRequests ? await PullStatesAsync(db, page.Items.Select(i => i.Issue.Id).ToList(), ct) : [];
        var rows = page.Items.Select(i => Row(i, states.GetValueOrDefault(i.Issue.Id))).ToList();
        var (open, shut) = pullRequests ? (page.Tally.OpenPullRequests, page.Tally.ClosedPullRequests) : (page.Tally.OpenIssues, page.Tally.ClosedIssues);
        var filtered = !filter.IsPlain;
        return new IssueListView(context, pullRequests, query, filtered ? null : open, filtered ? null : shut, rows, page.HasMore, await LabelChipsAsync(grant, ct));
    }

    public Task<IssueView> GetAsync(string owner, string repo, int number, CancellationToken ct) => LoadAsync(owner, repo, number, conversation: true, ct);

    public Task<IssueView> GetHeadAsync(string owner, string repo, int number, CancellationToken ct) => LoadAsync(owner, repo, number, conversation: false, ct);

    private async Task<IssueView> LoadAsync(string owner, string repo, int number, bool conversation, CancellationToken ct)
    {
        var context = await code.OpenAsync(owner, repo, ct);
        var grant = await access.ReadAsync(owner, repo, ct);
        var details = await issues.GetAsync(grant, number, ct);
        var issue = details.Issue;
        PullInfo? pull = null;
        var state = default(PullState);
        PullRequestDetails? loaded = null;
        if (issue.IsPullRequest)
        {
            loaded = await loads.GetAsync(owner, repo, number, ct);
            var pr = loaded.PullRequest;
            var headOwner = pr.HeadRepository?.Owner.Username;
            var headLabel = headOwner is { } o && !string.Equals(o, owner, StringComparison.OrdinalIgnoreCase) ? o + ":" + pr.HeadBranch : pr.HeadBranch;
            pull = new PullInfo(pr.BaseBranch, headLabel, pr.MergedBy?.Username, pr.MergedAt, pr.CommitCount, pr.Additions, pr.Deletions, pr.ChangedFiles, pr.Mergeable);
            state = new PullState(pr.IsMerged, pr.IsDraft);
        }
        _shown = (owner, repo, number, issue.Id);
        var viewer = caller.User;
        var may = viewer is null ? IssuePermissions.None
            : new IssuePermissions(IssueRules.MayEdit(grant, issue, viewer), IssueRules.MayChangeState(grant, issue, viewer), IssueRules.MayTriage(grant));
        var opening = new CommentView(0, issue.Author.Username, UserViews.AvatarUrl(issue.Author, ""), Association(details.AuthorAssociation),
            issue.CreatedAt, issue.UpdatedAt, issue.Body, may.Edit);
        var assignees = details.Assignees.Select(a => a.Username).ToList();
        if (!conversation)
        {
            return new IssueView(context, Row(details, state), opening, [], false, assignees, issue.StateReason, issue.Locked, pull, may, [], []);
        }
        var timeline = await issues.TimelineAsync(details, 0, MaxTimeline, ct);
        var sourceStates = await PullStatesAsync(db, timeline.Items.Select(t => t.Source).OfType<IssueDetails>().Where(d => d.Issue.IsPullRequest)
            .Select(d => d.Issue.Id).ToList(), ct);
        var entries = timeline.Items.Select(t => t.Comment is { } c
            ? new TimelineEntry(new CommentView(c.Comment.Id, c.Comment.Author.Username, UserViews.AvatarUrl(c.Comment.Author, ""), Association(c.AuthorAssociation),
                c.Comment.CreatedAt, c.Comment.UpdatedAt, c.Comment.Body, viewer is not null && IssueRules.MayModerate(grant, issue, c.Comment, viewer)), null)
            : new TimelineEntry(null, Event(t.Event!, t.Source is { } s ? Row(s, sourceStates.GetValueOrDefault(s.Issue.Id)) : null))).ToList();
        if (loaded is not null)
        {
            // Reviews are the pull request's own; GitHub's conversation shows them where they happened.
            var (_, submitted, _) = await reviews.ListReviewsAsync(loaded, 0, MaxTimeline, ct);
            var (_, lineComments, _) = await reviews.ListReviewCommentsAsync(loaded, 0, MaxTimeline, ct);
            var linesOf = lineComments.Items.Where(c => c.ReviewId is not null).ToLookup(c => c.ReviewId!.Value,
                c => new ReviewLineView(c.Id, c.Path, c.Line, c.Side, c.Body));
            entries = entries.Concat(submitted.Items.Where(r => !r.IsPending).Select(r => new TimelineEntry(null,
                    new EventView(r.Id, "reviewed", r.Author.Username, r.SubmittedAt, StateReason: r.State, Body: r.Body, Lines: linesOf[r.Id].ToList()))))
                .OrderBy(e => e.At).ToList();
        }
        var (labels, candidates) = may.Triage ? (await LabelChipsAsync(grant, ct), await AssigneeCandidatesAsync(grant.Repository, ct)) : ([], []);
        return new IssueView(context, Row(details, state), opening, entries, timeline.HasMore, assignees, issue.StateReason, issue.Locked, pull, may,
            labels, candidates);
    }

    private static EventView Event(TimelineEvent t, IssueRow? source) =>
        new(t.Id, t.Kind, t.Actor?.Username, t.CreatedAt, t.LabelName is { } name ? new LabelChip(name, t.LabelColor ?? "ededed", "") : null,
            t.SubjectUser?.Username, t.RenamedFrom, t.RenamedTo, t.CommitId, source, t.StateReason, Body: t.Kind == TimelineKinds.ReviewDismissed ? t.Message : null);

    private async Task<IReadOnlyList<LabelChip>> LabelChipsAsync(RepositoryGrant grant, CancellationToken ct) =>
        await db.Labels.AsNoTracking().Where(l => l.RepositoryId == grant.Repository.Id).OrderBy(l => l.NormalizedName)
            .Select(l => new LabelChip(l.Name, l.Color, l.Description)).ToListAsync(ct);

    /// <summary>Those GitHub offers to assign: the owner and the collaborators.</summary>
    private async Task<IReadOnlyList<string>> AssigneeCandidatesAsync(Repository repo, CancellationToken ct)
    {
        // One statement for both.
        var people = await db.Users.AsNoTracking()
            .Where(u => u.Id == repo.OwnerId || db.Collaborators.Any(c => c.RepositoryId == repo.Id && c.UserId == u.Id))
            .Select(u => new { u.Id, u.Username }).ToListAsync(ct);
        return people.Where(u => u.Id == repo.OwnerId).Select(u => u.Username)
            .Concat(people.Where(u => u.Id != repo.OwnerId).Select(u => u.Username).Order(StringComparer.OrdinalIgnoreCase)).ToList();
    }

    public async Task<OpenedIssue> OpenAsync(string owner, string repo, string? title, string? body, CancellationToken ct)
    {
        try
        {
            var opened = await issues.CreateAsync(await access.ReadAsync(owner, repo, ct), new NewIssue(title, body, null, null), ct);
            return new OpenedIssue(opened.Issue.Number, null);
        }
        catch (AnvilException e) when (e.IsInputRefusal() || e.Kind == FailureKind.Forbidden)
        {
            return new OpenedIssue(null, WebAccounts.Sentence(e.Message));
        }
    }

    public async Task<PostedComment> CommentAsync(string owner, string repo, int number, string? body, CancellationToken ct)
    {
        try
        {
            var posted = await issues.AddCommentAsync(await access.ReadAsync(owner, repo, ct), number, body, ct);
            return new PostedComment(posted.Comment.Id, null);
        }
        catch (AnvilException e) when (e.IsInputRefusal() || e.Kind == FailureKind.Forbidden)
        {
            return new PostedComment(null, WebAccounts.Sentence(e.Message));
        }
    }

    public Task<FormResult> SetStateAsync(string owner, string repo, int number, bool open, string? reason, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () =>
        {
            var state = open ? "open" : "closed";
            if (await IsPullAsync(owner, repo, number, ct))
            {
                await pulls.UpdateAsync(await access.ReadAsync(owner, repo, ct), number, new PullRequestChanges(State: state), ct);
            }
            else
            {
                await issues.UpdateAsync(await access.ReadAsync(owner, repo, ct), number, new IssueChanges(State: state, StateReason: open ? "reopened" : reason ?? "completed"), ct);
            }
        });

    public Task<FormResult> EditAsync(string owner, string repo, int number, string? title, string? body, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () =>
        {
            if (await IsPullAsync(owner, repo, number, ct))
            {
                await pulls.UpdateAsync(await access.ReadAsync(owner, repo, ct), number, new PullRequestChanges(Title: title, Body: body), ct);
            }
            else
            {
                await issues.UpdateAsync(await access.ReadAsync(owner, repo, ct), number, new IssueChanges(title, body), ct);
            }
        });

    /// <summary>
    /// A pull request's title, body and state change through its own service: its webhooks say <c>pull_request</c>, and
    /// closing one also settles its checks and merge box.
    /// </summary>
    private async Task<bool> IsPullAsync(string owner, string repo, int number, CancellationToken ct) =>
        (await issues.GetAsync(await access.ReadAsync(owner, repo, ct), number, ct)).Issue.IsPullRequest;

    public Task<FormResult> SetLabelsAsync(string owner, string repo, int number, IReadOnlyList<string> labels, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () => await issues.UpdateAsync(await access.ReadAsync(owner, repo, ct), number, new IssueChanges(Labels: labels.ToList()), ct));

    public Task<FormResult> SetAssigneesAsync(string owner, string repo, int number, IReadOnlyList<string> usernames, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () => await issues.UpdateAsync(await access.ReadAsync(owner, repo, ct), number, new IssueChanges(Assignees: usernames.ToList()), ct));

    public Task<FormResult> SetLockAsync(string owner, string repo, int number, bool locked, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () => await issues.UpdateAsync(await access.ReadAsync(owner, repo, ct), number, new IssueChanges(Locked: locked), ct));

    public Task<FormResult> EditCommentAsync(string owner, string repo, int number, long commentId, string? body, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () => await issues.UpdateCommentAsync(await access.ReadAsync(owner, repo, ct), commentId, number, body, ct));

    public Task<FormResult> DeleteCommentAsync(string owner, string repo, int number, long commentId, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () => await issues.DeleteCommentAsync(await access.ReadAsync(owner, repo, ct), commentId, number, ct));

    public async Task<LabelsView> LabelsAsync(string owner, string repo, CancellationToken ct)
    {
        var context = await code.OpenAsync(owner, repo, ct);
        var grant = await access.ReadAsync(owner, repo, ct);
        var open = await db.IssueLabels.AsNoTracking().Where(l => l.Label.RepositoryId == grant.Repository.Id)
            .Join(db.Issues.Where(i => i.State == IssueState.Open), l => l.IssueId, i => i.Id, (l, i) => l.LabelId)
            .GroupBy(id => id).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var labels = await db.Labels.AsNoTracking().Where(l => l.RepositoryId == grant.Repository.Id).OrderBy(l => l.NormalizedName).ToListAsync(ct);
        return new LabelsView(context, labels.Select(l => new LabelRow(new LabelChip(l.Name, l.Color, l.Description), open.GetValueOrDefault(l.Id))).ToList());
    }

    public Task<FormResult> SaveLabelAsync(string owner, string repo, string? name, string? newName, string? color, string? description, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () =>
        {
            var grant = await access.ReadAsync(owner, repo, ct);
            var input = new LabelInput(newName, color, description ?? "");
            _ = name is null ? await labelService.CreateAsync(grant, input, ct) : await labelService.UpdateAsync(grant, LabelKey.ByName(name), input, ct);
        });

    public Task<FormResult> DeleteLabelAsync(string owner, string repo, string name, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () => await labelService.DeleteAsync(await access.ReadAsync(owner, repo, ct), LabelKey.ByName(name), ct));


    // An open page asks this often whether it is out of date (one small read each time); a stream ends after a while
    // and the browser reconnects.
    private static readonly TimeSpan LivePoll = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LiveAnswerLifetime = TimeSpan.FromMinutes(5);

    public async Task<string> VersionAsync(string owner, string repo, int number, CancellationToken ct)
    {
        var id = _shown is { } s && s.Owner == owner && s.Repo == repo && s.Number == number ? s.Id : (await issues.GetAsync(await access.ReadAsync(owner, repo, ct), number, ct)).Issue.Id;
        return await StampAsync(id, ct);
    }

    private async Task<string> StampAsync(long issueId, CancellationToken ct)
    {
        var row = await StampOf.For(db)(db, issueId, ct);
        var text = row is null ? "" : $"{row.UpdatedAt.Ticks}:{row.CommentCount}:{row.Edited?.Ticks}:{row.Event}|"
            + (row.HeadOid is null ? "" : $"{row.HeadOid}:{row.Mergeable}:{row.MergedAt?.Ticks}:{row.IsDraft}:{row.Review?.Ticks}:{row.LineComment}:{row.Checks}:{row.ChecksDone}");
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
    }

    private sealed record StampRow(DateTime UpdatedAt, int CommentCount, DateTime? Edited, long? Event, string? HeadOid, bool? Mergeable, DateTime? MergedAt,
        bool? IsDraft, DateTime? Review, long? LineComment, int Checks, int ChecksDone);

    // One statement, compiled once: the issue, and its pull request's half when it is one (a left join), each "latest" an
    // indexed max. Every open page asks it every LivePoll.
    private static readonly CompiledPerDatabase<Func<AnvilDbContext, long, CancellationToken, Task<StampRow?>>> StampOf = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, long issueId, CancellationToken ct) => (
            from i in db.Issues.AsNoTracking()
            where i.Id == issueId
            join p in db.PullRequests.AsNoTracking() on i.Id equals p.IssueId into pulls
            from p in pulls.DefaultIfEmpty()
            select new StampRow(i.UpdatedAt, i.CommentCount,
                db.IssueComments.Where(c => c.IssueId == i.Id).Max(c => (DateTime?)c.UpdatedAt),
                db.TimelineEvents.Where(t => t.IssueId == i.Id).Max(t => (long?)t.Id),
                p == null ? null : p.HeadOid,
                p == null ? null : p.Mergeable,
                p == null ? null : p.MergedAt,
                p == null ? null : (bool?)p.IsDraft,
                // Pending reviews change nothing anyone else sees; one submitted keeps its id, so its time counts, and
                // so do the comments it brings.
                db.PullRequestReviews.Where(r => p != null && r.PullRequestId == p.Id && r.State != ReviewStates.Pending).Max(r => (DateTime?)r.SubmittedAt),
                db.PullRequestReviewComments.Where(c => p != null && c.PullRequestId == p.Id && c.ReviewId == null).Max(c => (long?)c.Id),
                db.CheckRuns.Count(c => p != null && c.RepositoryId == p.RepositoryId && c.HeadSha == p.HeadOid),
                db.CheckRuns.Count(c => p != null && c.RepositoryId == p.RepositoryId && c.HeadSha == p.HeadOid && c.CompletedAt != null))).FirstOrDefault()));

    public async Task StreamChangesAsync(HttpContext http, string owner, string repo, int number)
    {
        var issue = (await issues.GetAsync(await access.ReadAsync(owner, repo, http.RequestAborted), number, http.RequestAborted)).Issue;
        var since = http.Request.Query["since"].ToString();
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        stop.CancelAfter(LiveAnswerLifetime);
        var ct = stop.Token;
        try
        {
            await http.Response.WriteAsync("retry: 2000\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
            while (true)
            {
                var now = await StampAsync(issue.Id, ct);
                if (now != since)
                {
                    await http.Response.WriteAsync($"event: changed\ndata: {now}\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    return;
                }
                await http.Response.WriteAsync(": waiting\n\n", ct);
                await http.Response.Body.FlushAsync(ct);
                await Task.Delay(LivePoll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser left, the server is stopping, or the answer's time is up (the browser reconnects).
        }
    }

    internal readonly record struct PullState(bool Merged, bool Draft);

    /// <summary>Issues and pull requests from several repositories as the lists of search and the dashboard show them.</summary>
    internal static async Task<IReadOnlyList<IssueHit>> HitsAsync(AnvilDbContext db, IReadOnlyList<IssueDetails> details, CancellationToken ct)
    {
        var states = await PullStatesAsync(db, details.Where(d => d.Issue.IsPullRequest).Select(d => d.Issue.Id).ToList(), ct);
        return details.Select(d => new IssueHit(d.Repository.Owner.Username, d.Repository.Name, Row(d, states.GetValueOrDefault(d.Issue.Id)))).ToList();
    }

    internal static async Task<Dictionary<long, PullState>> PullStatesAsync(AnvilDbContext db, List<long> issueIds, CancellationToken ct) =>
        issueIds.Count == 0 ? [] : await db.PullRequests.AsNoTracking().Where(p => issueIds.Contains(p.IssueId))
            .Select(p => new { p.IssueId, p.MergedAt, p.IsDraft }).ToDictionaryAsync(p => p.IssueId, p => new PullState(p.MergedAt != null, p.IsDraft), ct);

    internal static IssueRow Row(IssueDetails d, PullState pull) =>
        new(d.Issue.Number, d.Issue.Title, d.Issue.IsPullRequest, d.Issue.State == IssueState.Open, pull.Merged, pull.Draft, d.Issue.Author.Username,
            d.Issue.CreatedAt, d.Issue.ClosedAt, d.CommentCount, d.Labels.Select(l => new LabelChip(l.Name, l.Color, l.Description)).ToList());

    /// <summary>GitHub's badge text beside a comment's author: "Owner", "Collaborator"…; nothing for "NONE".</summary>
    private static string Association(string association) =>
        association is "NONE" or "" ? "" : association[..1] + association[1..].ToLowerInvariant().Replace('_', ' ');
}

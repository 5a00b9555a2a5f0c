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
public sealed class WebIssues(IssueService issues, PullRequestService pulls, RepositoryAccess access, IWebCode code, AnvilDbContext db) : IWebIssues
{
    // A conversation longer than this shows its first comments and says there are more (the API pages the rest).
    private const int MaxComments = 250;

    public async Task<IssueListView> ListAsync(string owner, string repo, bool pullRequests, bool closed, int skip, int limit, CancellationToken ct)
    {
        var context = await code.OpenAsync(owner, repo, ct);
        var grant = await access.ReadAsync(owner, repo, ct);
        var filter = IssueFilter.OpenIssues with { State = closed ? IssueStateFilter.Closed : IssueStateFilter.Open };
        var page = await issues.ListRowsAsync(grant, pullRequests, filter, skip, limit, ct);
        var states = pullRequests ? await PullStatesAsync(db, page.Items.Select(i => i.Issue.Id).ToList(), ct) : [];
        var rows = page.Items.Select(i => Row(i, states.GetValueOrDefault(i.Issue.Id))).ToList();
        var (open, shut) = pullRequests ? (page.Tally.OpenPullRequests, page.Tally.ClosedPullRequests) : (page.Tally.OpenIssues, page.Tally.ClosedIssues);
        return new IssueListView(context, pullRequests, closed, open, shut, rows, page.HasMore);
    }

    public async Task<IssueView> GetAsync(string owner, string repo, int number, CancellationToken ct)
    {
        var context = await code.OpenAsync(owner, repo, ct);
        var (details, comments) = await issues.ListCommentsAsync(owner, repo, number, 0, MaxComments, ct);
        var issue = details.Issue;
        PullInfo? pull = null;
        var state = default(PullState);
        if (issue.IsPullRequest)
        {
            var pr = (await pulls.GetAsync(owner, repo, number, ct)).PullRequest;
            var head = await db.PullRequests.AsNoTracking().Where(p => p.Id == pr.Id)
                .Select(p => new { HeadOwner = p.HeadRepository != null ? p.HeadRepository.Owner.Username : null, MergedBy = p.MergedBy != null ? p.MergedBy.Username : null })
                .FirstAsync(ct);
            var headLabel = head.HeadOwner is { } o && !string.Equals(o, owner, StringComparison.OrdinalIgnoreCase) ? o + ":" + pr.HeadBranch : pr.HeadBranch;
            pull = new PullInfo(pr.BaseBranch, headLabel, head.MergedBy, pr.MergedAt, pr.CommitCount, pr.Additions, pr.Deletions, pr.ChangedFiles, pr.Mergeable);
            state = new PullState(pr.IsMerged, pr.IsDraft);
        }
        var opening = new CommentView(0, issue.Author.Username, UserViews.AvatarUrl(issue.Author, ""), Association(details.AuthorAssociation),
            issue.CreatedAt, issue.UpdatedAt, issue.Body);
        var conversation = comments.Items.Select(c => new CommentView(c.Comment.Id, c.Comment.Author.Username, UserViews.AvatarUrl(c.Comment.Author, ""),
            Association(c.AuthorAssociation), c.Comment.CreatedAt, c.Comment.UpdatedAt, c.Comment.Body)).ToList();
        return new IssueView(context, Row(details, state), opening, conversation, comments.HasMore, details.Assignees.Select(a => a.Username).ToList(),
            issue.StateReason, issue.Locked, pull);
    }

    public async Task<OpenedIssue> OpenAsync(string owner, string repo, string? title, string? body, CancellationToken ct)
    {
        try
        {
            var opened = await issues.CreateAsync(owner, repo, new NewIssue(title, body, null, null), ct);
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
            var posted = await issues.AddCommentAsync(owner, repo, number, body, ct);
            return new PostedComment(posted.Comment.Id, null);
        }
        catch (AnvilException e) when (e.IsInputRefusal() || e.Kind == FailureKind.Forbidden)
        {
            return new PostedComment(null, WebAccounts.Sentence(e.Message));
        }
    }

    public async Task<FormResult> SetStateAsync(string owner, string repo, int number, bool open, string? reason, CancellationToken ct)
    {
        try
        {
            var issue = (await issues.GetAsync(owner, repo, number, ct)).Issue;
            var state = open ? "open" : "closed";
            if (issue.IsPullRequest)
            {
                // A pull request's state goes through its own service: closing one also stops its checks and merge box.
                await pulls.UpdateAsync(owner, repo, number, new PullRequestChanges(State: state), ct);
            }
            else
            {
                await issues.UpdateAsync(owner, repo, number, new IssueChanges(State: state, StateReason: open ? "reopened" : reason ?? "completed"), ct);
            }
            return FormResult.Done;
        }
        catch (AnvilException e) when (e.IsInputRefusal() || e.Kind == FailureKind.Forbidden)
        {
            return new FormResult(WebAccounts.Sentence(e.Message));
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
        await db.PullRequests.AsNoTracking().Where(p => issueIds.Contains(p.IssueId))
            .Select(p => new { p.IssueId, p.MergedAt, p.IsDraft }).ToDictionaryAsync(p => p.IssueId, p => new PullState(p.MergedAt != null, p.IsDraft), ct);

    internal static IssueRow Row(IssueDetails d, PullState pull) =>
        new(d.Issue.Number, d.Issue.Title, d.Issue.IsPullRequest, d.Issue.State == IssueState.Open, pull.Merged, pull.Draft, d.Issue.Author.Username,
            d.Issue.CreatedAt, d.Issue.ClosedAt, d.CommentCount, d.Labels.Select(l => new LabelChip(l.Name, l.Color, l.Description)).ToList());

    /// <summary>GitHub's badge text beside a comment's author: "Owner", "Collaborator"…; nothing for "NONE".</summary>
    private static string Association(string association) =>
        association is "NONE" or "" ? "" : association[..1] + association[1..].ToLowerInvariant().Replace('_', ' ');
}

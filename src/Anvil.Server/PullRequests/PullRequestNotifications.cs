using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Notifications;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.PullRequests;

/// <summary>
/// Tells people about pull requests they take part in: its author of reviews, merges and closes; participants (assignees,
/// commenters, reviewers) of the same; anyone @-mentioned who can see the repository. Comments, assignments and
/// mentions in the issue half of a pull request are <see cref="Notifications.IssueNotifications"/>'s.
/// </summary>
public sealed class PullRequestNotifications(AnvilDbContext db, NotificationService notifications)
    : IDomainEventHandler<PullRequestOpened>, IDomainEventHandler<PullRequestMerged>, IDomainEventHandler<PullRequestClosed>, IDomainEventHandler<PullRequestReopened>,
      IDomainEventHandler<PullRequestReviewSubmitted>, IDomainEventHandler<PullRequestReviewCommented>
{
    private const string SubjectType = "PullRequest";

    public async Task HandleAsync(PullRequestOpened evt, CancellationToken ct)
    {
        var recipients = new Dictionary<long, string>();
        foreach (var id in await db.IssueAssignees.Where(a => a.IssueId == evt.PullRequest.IssueId).Select(a => a.UserId).ToListAsync(ct))
        {
            recipients[id] = NotificationReasons.Assign;
        }
        await AddMentionsAsync(recipients, evt.Repository, evt.PullRequest.Issue.Body, ct);
        await SendAsync(evt.Repository, evt.PullRequest, evt.Actor, "opened", recipients, ct);
    }

    public Task HandleAsync(PullRequestMerged evt, CancellationToken ct) => ToParticipantsAsync(evt.Repository, evt.PullRequest, evt.Actor, "merged", null, ct);

    public Task HandleAsync(PullRequestClosed evt, CancellationToken ct) => ToParticipantsAsync(evt.Repository, evt.PullRequest, evt.Actor, "closed", null, ct);

    public Task HandleAsync(PullRequestReopened evt, CancellationToken ct) => ToParticipantsAsync(evt.Repository, evt.PullRequest, evt.Actor, "reopened", null, ct);

    public Task HandleAsync(PullRequestReviewSubmitted evt, CancellationToken ct) =>
        ToParticipantsAsync(evt.Repository, evt.PullRequest, evt.Actor, evt.Review.State switch
        {
            ReviewStates.Approved => "approved",
            ReviewStates.ChangesRequested => "requested changes",
            _ => "reviewed",
        }, evt.Review.Body, ct);

    public Task HandleAsync(PullRequestReviewCommented evt, CancellationToken ct) =>
        ToParticipantsAsync(evt.Repository, evt.PullRequest, evt.Actor, "commented", evt.Comment.Body, ct);

    /// <summary>
    /// The author (reason author), everyone else taking part — assignees (assign), those who commented or reviewed
    /// (comment), as GitHub gives them, so <c>participating=true</c> keeps them — and mentions in <paramref name="text"/>.
    /// </summary>
    private async Task ToParticipantsAsync(Repository repo, PullRequest pr, User actor, string action, string? text, CancellationToken ct)
    {
        var recipients = new Dictionary<long, string>();
        var issueId = pr.IssueId;
        var commenters = await db.IssueComments.Where(c => c.IssueId == issueId).Select(c => c.AuthorId)
            .Concat(db.PullRequestReviews.Where(r => r.PullRequestId == pr.Id).Select(r => r.AuthorId))
            .Concat(db.PullRequestReviewComments.Where(c => c.PullRequestId == pr.Id).Select(c => c.AuthorId))
            .Distinct().ToListAsync(ct);
        var assignees = await db.IssueAssignees.Where(a => a.IssueId == issueId).Select(a => a.UserId).ToListAsync(ct);
        // Later reasons win: being assigned says more than having commented.
        foreach (var (ids, reason) in new[] { (commenters, NotificationReasons.Comment), (assignees, NotificationReasons.Assign) })
        {
            foreach (var id in await notifications.UsersWithAccessAsync(repo, ids, ct))
            {
                recipients[id] = reason;
            }
        }
        await AddMentionsAsync(recipients, repo, text, ct);
        recipients[pr.Issue.AuthorId] = NotificationReasons.Author;
        await SendAsync(repo, pr, actor, action, recipients, ct);
    }

    private async Task AddMentionsAsync(Dictionary<long, string> recipients, Repository repo, string? text, CancellationToken ct)
    {
        foreach (var id in await notifications.MentionedUsersWithAccessAsync(repo, text, ct))
        {
            recipients[id] = NotificationReasons.Mention;
        }
    }

    private Task SendAsync(Repository repo, PullRequest pr, User actor, string action, Dictionary<long, string> recipients, CancellationToken ct) =>
        notifications.NotifyAsync(new NotificationRequest(repo, actor, SubjectType, pr.Issue.Number, pr.Issue.Title, action, recipients), ct);
}

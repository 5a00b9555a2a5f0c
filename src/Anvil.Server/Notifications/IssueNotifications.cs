using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Notifications;

/// <summary>
/// Who hears about what happens on an issue (and on the issue half of a pull request): the author and participants
/// (commenters, assignees) of new comments, a newly assigned user, users @mentioned in a body or comment, and the
/// author when someone else closes or reopens it. Never the actor; at most one notification per user per event, and
/// only to users who can see the repository now.
/// </summary>
public sealed class IssueNotifications(NotificationService notifications, AnvilDbContext db) :
    IDomainEventHandler<IssueOpened>, IDomainEventHandler<IssueEdited>, IDomainEventHandler<IssueClosed>, IDomainEventHandler<IssueReopened>,
    IDomainEventHandler<IssueAssigneesChanged>, IDomainEventHandler<IssueCommented>, IDomainEventHandler<IssueCommentEdited>
{
    public const string Mentioned = "mentioned you";
    public const string Assigned = "assigned you";
    public const string Commented = "commented";

    public async Task HandleAsync(IssueOpened evt, CancellationToken ct)
    {
        var to = new Recipients();
        to.Add(await notifications.MentionedUsersWithAccessAsync(evt.Repository, evt.Issue.Body, ct), NotificationReasons.Mention);
        to.Add(await db.IssueAssignees.Where(a => a.IssueId == evt.Issue.Id).Select(a => a.UserId).ToListAsync(ct), NotificationReasons.Assign);
        await SendAsync(evt.Repository, evt.Issue, evt.Actor, to, reason => reason == NotificationReasons.Mention ? Mentioned : Assigned, ct);
    }

    public async Task HandleAsync(IssueEdited evt, CancellationToken ct)
    {
        if (evt.PreviousBody is null)
        {
            return;
        }
        await NotifyNewMentionsAsync(evt.Repository, evt.Issue, evt.Actor, evt.Issue.Body, evt.PreviousBody, ct);
    }

    public Task HandleAsync(IssueClosed evt, CancellationToken ct) => TellAuthorAsync(evt.Repository, evt.Issue, evt.Actor, "closed", ct);

    public Task HandleAsync(IssueReopened evt, CancellationToken ct) => TellAuthorAsync(evt.Repository, evt.Issue, evt.Actor, "reopened", ct);

    public async Task HandleAsync(IssueAssigneesChanged evt, CancellationToken ct)
    {
        var to = new Recipients();
        to.Add(evt.Added.Select(u => u.Id), NotificationReasons.Assign);
        await SendAsync(evt.Repository, evt.Issue, evt.Actor, to, _ => Assigned, ct);
    }

    public async Task HandleAsync(IssueCommented evt, CancellationToken ct)
    {
        var issue = evt.Issue;
        var to = new Recipients();
        to.Add(await notifications.MentionedUsersWithAccessAsync(evt.Repository, evt.Comment.Body, ct), NotificationReasons.Mention);
        to.Add(await db.IssueAssignees.Where(a => a.IssueId == issue.Id).Select(a => a.UserId).ToListAsync(ct), NotificationReasons.Assign);
        to.Add([issue.AuthorId], NotificationReasons.Author);
        to.Add(await db.IssueComments.Where(c => c.IssueId == issue.Id).Select(c => c.AuthorId).Distinct().ToListAsync(ct), NotificationReasons.Comment);
        await SendAsync(evt.Repository, issue, evt.Actor, to, reason => reason == NotificationReasons.Mention ? Mentioned : Commented, ct);
    }

    public Task HandleAsync(IssueCommentEdited evt, CancellationToken ct) =>
        NotifyNewMentionsAsync(evt.Repository, evt.Issue, evt.Actor, evt.Comment.Body, evt.PreviousBody, ct);

    /// <summary>An edit tells only those it newly mentions: everyone else was told (or not) when the text first appeared.</summary>
    private async Task NotifyNewMentionsAsync(Repository repo, Issue issue, User actor, string text, string previousText, CancellationToken ct)
    {
        var before = NotificationService.Mentions(previousText);
        if (NotificationService.Mentions(text).All(before.Contains))
        {
            return;
        }
        var mentioned = await notifications.MentionedUsersWithAccessAsync(repo, text, ct);
        var earlier = await notifications.MentionedUsersWithAccessAsync(repo, previousText, ct);
        var to = new Recipients();
        to.Add(mentioned.Except(earlier), NotificationReasons.Mention);
        await SendAsync(repo, issue, actor, to, _ => Mentioned, ct);
    }

    private async Task TellAuthorAsync(Repository repo, Issue issue, User actor, string action, CancellationToken ct)
    {
        if (issue.IsPullRequest)
        {
            return; // a pull request's close and reopen reach all its participants through PullRequestNotifications
        }
        var to = new Recipients();
        to.Add([issue.AuthorId], NotificationReasons.Author);
        await SendAsync(repo, issue, actor, to, _ => action, ct);
    }

    private async Task SendAsync(Repository repo, Issue issue, User actor, Recipients to, Func<string, string> actionFor, CancellationToken ct)
    {
        to.Remove(actor.Id);
        if (to.Count == 0)
        {
            return;
        }
        var allowed = (await notifications.UsersWithAccessAsync(repo, to.UserIds, ct)).ToHashSet();
        foreach (var group in to.Where(r => allowed.Contains(r.Key)).GroupBy(r => r.Value))
        {
            await notifications.NotifyAsync(new NotificationRequest(repo, actor, issue.IsPullRequest ? "PullRequest" : "Issue", issue.Number,
                issue.Title, actionFor(group.Key), group.ToDictionary(r => r.Key, r => r.Value)), ct);
        }
    }

    /// <summary>One reason per user: the first one given wins, so add the most specific reasons first.</summary>
    private sealed class Recipients : Dictionary<long, string>
    {
        public IReadOnlyCollection<long> UserIds => Keys;

        public void Add(IEnumerable<long> userIds, string reason)
        {
            foreach (var id in userIds)
            {
                TryAdd(id, reason);
            }
        }
    }
}

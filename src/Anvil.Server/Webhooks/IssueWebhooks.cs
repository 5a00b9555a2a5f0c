using System.Text.Json.Nodes;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Webhooks;

/// <summary>
/// GitHub's <c>issues</c> event: opened, edited, closed, reopened, labeled, unlabeled, assigned, unassigned, locked,
/// unlocked, deleted. The issue is the v1 issue view. Pull requests raise these events too, but on GitHub their hooks
/// hear <c>pull_request</c> instead: label, assignee and lock changes on a pull request are handed to
/// <see cref="PullRequestEventHooks"/>; its other events the pull-request feature raises itself.
/// </summary>
public sealed class IssueWebhooks(WebhookQueue queue, WebhookPayloads payloads, IssueService issues, PullRequestEventHooks pullRequestHooks) :
    IDomainEventHandler<IssueOpened>, IDomainEventHandler<IssueEdited>, IDomainEventHandler<IssueClosed>, IDomainEventHandler<IssueReopened>,
    IDomainEventHandler<IssueLabelsChanged>, IDomainEventHandler<IssueAssigneesChanged>, IDomainEventHandler<IssueLockChanged>,
    IDomainEventHandler<IssueDeleted>
{
    public const string EventName = "issues";

    public Task HandleAsync(IssueOpened evt, CancellationToken ct) => SendAsync(evt.Repository, evt.Issue, evt.Actor, "opened", [], ct);

    public Task HandleAsync(IssueEdited evt, CancellationToken ct)
    {
        var changes = new JsonObject();
        if (evt.PreviousTitle is not null)
        {
            changes["title"] = new JsonObject { ["from"] = evt.PreviousTitle };
        }
        if (evt.PreviousBody is not null)
        {
            changes["body"] = new JsonObject { ["from"] = evt.PreviousBody };
        }
        return SendAsync(evt.Repository, evt.Issue, evt.Actor, "edited", [("changes", changes)], ct);
    }

    public Task HandleAsync(IssueClosed evt, CancellationToken ct) => SendAsync(evt.Repository, evt.Issue, evt.Actor, "closed", [], ct);

    public Task HandleAsync(IssueReopened evt, CancellationToken ct) => SendAsync(evt.Repository, evt.Issue, evt.Actor, "reopened", [], ct);

    public Task HandleAsync(IssueLockChanged evt, CancellationToken ct) =>
        SendAsync(evt.Repository, evt.Issue, evt.Actor, evt.Locked ? "locked" : "unlocked", [], ct);

    /// <summary>One delivery per label, as on GitHub.</summary>
    public async Task HandleAsync(IssueLabelsChanged evt, CancellationToken ct)
    {
        foreach (var (labels, action) in new[] { (evt.Added, "labeled"), (evt.Removed, "unlabeled") })
        {
            foreach (var label in labels)
            {
                await SendAsync(evt.Repository, evt.Issue, evt.Actor, action, [("label", WebhookPayloads.Node(label.ToV1(evt.Repository, payloads.BaseUrl)))], ct);
            }
        }
    }

    /// <summary>One delivery per user, as on GitHub.</summary>
    public async Task HandleAsync(IssueAssigneesChanged evt, CancellationToken ct)
    {
        foreach (var (users, action) in new[] { (evt.Added, "assigned"), (evt.Removed, "unassigned") })
        {
            foreach (var user in users)
            {
                await SendAsync(evt.Repository, evt.Issue, evt.Actor, action, [("assignee", payloads.Sender(user))], ct);
            }
        }
    }

    /// <summary>The issue as it was: its labels and assignees went with it.</summary>
    public async Task HandleAsync(IssueDeleted evt, CancellationToken ct)
    {
        if (!evt.Issue.IsPullRequest)
        {
            var issue = WebhookPayloads.Node((await issues.DetailsAsync(evt.Repository, evt.Issue, ct)).ToV1(payloads.BaseUrl));
            await DispatchAsync(evt.Repository, evt.Actor, "deleted", issue, [], ct);
        }
    }

    private async Task SendAsync(Repository repo, Issue issue, User actor, string action, (string Name, JsonNode Value)[] extra, CancellationToken ct)
    {
        if (issue.IsPullRequest)
        {
            // Opening, editing, closing and reopening a pull request raise pull-request events of their own.
            if (action is "labeled" or "unlabeled" or "assigned" or "unassigned" or "locked" or "unlocked")
            {
                var fields = new JsonObject();
                foreach (var (name, value) in extra)
                {
                    fields[name] = value;
                }
                await pullRequestHooks.SendForIssueAsync(repo, issue.Id, actor, action, fields, ct);
            }
            return;
        }
        var current = WebhookPayloads.Node((await issues.CurrentAsync(repo, issue.Number, ct)).ToV1(payloads.BaseUrl));
        await DispatchAsync(repo, actor, action, current, extra, ct);
    }

    private async Task DispatchAsync(Repository repo, User actor, string action, JsonObject issue, (string Name, JsonNode Value)[] extra, CancellationToken ct)
    {
        var fields = new JsonObject { ["action"] = action, ["issue"] = issue };
        foreach (var (name, value) in extra)
        {
            fields[name] = value;
        }
        await queue.DispatchAsync(repo, EventName, await payloads.BuildAsync(repo, actor, fields, ct), ct);
    }
}

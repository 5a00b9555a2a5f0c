using System.Text.Json.Nodes;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Webhooks;

/// <summary>
/// GitHub's <c>issue_comment</c> event: created, edited, deleted — on issues and, as on GitHub, on pull requests
/// (whose <c>issue</c> then carries <c>pull_request</c> links).
/// </summary>
public sealed class IssueCommentWebhooks(WebhookQueue queue, WebhookPayloads payloads, IssueService issues) :
    IDomainEventHandler<IssueCommented>, IDomainEventHandler<IssueCommentEdited>, IDomainEventHandler<IssueCommentDeleted>
{
    public const string EventName = "issue_comment";

    public Task HandleAsync(IssueCommented evt, CancellationToken ct) => SendAsync(evt.Repository, evt.Issue, evt.Comment, evt.Actor, "created", null, ct);

    public Task HandleAsync(IssueCommentEdited evt, CancellationToken ct) =>
        SendAsync(evt.Repository, evt.Issue, evt.Comment, evt.Actor, "edited",
            new JsonObject { ["body"] = new JsonObject { ["from"] = evt.PreviousBody } }, ct);

    public Task HandleAsync(IssueCommentDeleted evt, CancellationToken ct) => SendAsync(evt.Repository, evt.Issue, evt.Comment, evt.Actor, "deleted", null, ct);

    private async Task SendAsync(Repository repo, Issue issue, IssueComment comment, User actor, string action, JsonObject? changes, CancellationToken ct)
    {
        var current = await issues.CurrentAsync(repo, issue.Number, ct);
        var fields = new JsonObject { ["action"] = action };
        if (changes is not null)
        {
            fields["changes"] = changes;
        }
        fields["issue"] = WebhookPayloads.Node(current.ToV1(payloads.BaseUrl));
        fields["comment"] = WebhookPayloads.Node((await issues.CommentDetailsAsync(repo, current.Issue, comment, ct)).ToV1(payloads.BaseUrl));
        await queue.DispatchAsync(repo, EventName, await payloads.BuildAsync(repo, actor, fields, ct), ct);
    }
}

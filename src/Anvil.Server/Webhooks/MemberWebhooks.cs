using System.Text;
using System.Text.Json.Nodes;
using Anvil.Git;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;

namespace Anvil.Server.Webhooks;

/// <summary>
/// <c>member</c> (action <c>removed</c>) when a collaborator goes; <c>deleted_forks</c> lists the forks of theirs that
/// went with their access (an Anvil addition to GitHub's payload).
/// </summary>
public sealed class MemberWebhooks(WebhookQueue queue, WebhookPayloads payloads) : IDomainEventHandler<CollaboratorRemoved>
{
    public async Task HandleAsync(CollaboratorRemoved evt, CancellationToken ct)
    {
        var fields = new JsonObject
        {
            ["action"] = "removed",
            ["member"] = payloads.Sender(evt.Member),
            ["deleted_forks"] = new JsonArray(evt.DeletedForks.Select(f => (JsonNode)new JsonObject
            {
                ["id"] = f.Id,
                ["full_name"] = f.FullName,
                ["forked_from"] = f.ParentFullName,
            }).ToArray()),
        };
        await queue.DispatchAsync(evt.Repository, "member", await payloads.BuildAsync(evt.Repository, evt.Actor, fields, ct), ct);
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Anvil.Git;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;

namespace Anvil.Server.Webhooks;

public sealed class StarWebhooks(WebhookQueue queue, WebhookPayloads payloads, TimeProvider clock) : IDomainEventHandler<RepositoryStarred>
{
    public async Task HandleAsync(RepositoryStarred evt, CancellationToken ct)
    {
        var fields = new JsonObject
        {
            ["action"] = evt.Starred ? "created" : "deleted",
            ["starred_at"] = evt.Starred ? Infrastructure.Http.Rfc3339DateTimeConverter.Format(clock.GetUtcNow().UtcDateTime) : null,
        };
        await queue.DispatchAsync(evt.Repository, "star", await payloads.BuildAsync(evt.Repository, evt.Actor, fields, ct), ct);
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Anvil.Git;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Repositories;

namespace Anvil.Server.Webhooks;

/// <summary><c>fork</c> goes to the parent's hooks: <c>forkee</c> is the new repository.</summary>
public sealed class ForkWebhooks(WebhookQueue queue, WebhookPayloads payloads) : IDomainEventHandler<RepositoryForked>
{
    public async Task HandleAsync(RepositoryForked evt, CancellationToken ct)
    {
        var fields = new JsonObject { ["forkee"] = await payloads.RepositoryAsync(evt.Fork, ct) };
        await queue.DispatchAsync(evt.Parent, "fork", await payloads.BuildAsync(evt.Parent, evt.Actor, fields, ct), ct);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Webhooks;

/// <summary>
/// The parts every GitHub webhook payload shares (<c>repository</c>, <c>sender</c>), in the v1
/// surface's shapes, so a payload's objects look exactly like the API's. Built while handling the
/// request (or the background work) that caused the event; the payload is then frozen in the delivery row.
/// </summary>
public sealed class WebhookPayloads(RepositoryViews views, PublicAddress address)
{
    public string BaseUrl => address.BaseUrl;

    public async Task<JsonObject> RepositoryAsync(Repository repo, CancellationToken ct)
    {
        var node = Node(await views.V1Async(repo, ct));
        // The viewer's permissions belong to an API response, not to a message sent to third parties.
        node.Remove("permissions");
        return node;
    }

    public JsonObject Sender(User user) => Node(user.ToV1Simple(BaseUrl));

    /// <summary>A payload: <paramref name="fields"/> followed by <c>repository</c> and <c>sender</c>.</summary>
    public async Task<JsonObject> BuildAsync(Repository repo, User sender, JsonObject fields, CancellationToken ct)
    {
        fields["repository"] = await RepositoryAsync(repo, ct);
        fields["sender"] = Sender(sender);
        return fields;
    }

    public static JsonObject Node<T>(T value) => JsonSerializer.SerializeToNode(value, Surfaces.V1Json)!.AsObject();
}

using System.Net.Http.Json;
using System.Net.WebSockets;
using Anvil.Server.Notifications;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Notifications;

namespace Anvil.Server.Tests.Cluster;

/// <summary>Two nodes of one installation (one PostgreSQL, one Redis) behind an imaginary load balancer.</summary>
public sealed class ClusterNotificationTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_notification_created_on_one_node_reaches_a_socket_held_by_another()
    {
        await using var nodeA = new PostgresServer();
        nodeA.Settings["REDIS_URL"] = redis.Url;
        await nodeA.InitializeAsync();
        await using var nodeB = await nodeA.StartNodeAsync();

        var alice = await nodeA.SignUpAsync();
        var bob = await nodeA.SignUpAsync();
        using (var c = alice.Client())
        {
            (await c.PostAsJsonAsync("/api/repositories", new { name = "shared", visibility = "public" })).EnsureSuccessStatusCode();
        }

        using var socketOnB = new ClientWebSocket();
        await socketOnB.ConnectAsync(NotificationProbe.WsUri(nodeB, alice.SessionToken), CancellationToken.None);
        await NotificationProbe.ReceiveAsync(socketOnB, "connected");

        await NotificationProbe.NotifyAsync(nodeA, bob, alice.Username, "shared", (alice, NotificationReasons.Comment));
        var pushed = await NotificationProbe.ReceiveAsync(socketOnB, "notification");
        Assert.Equal(bob.Username, pushed.Str("notification.actor.username"));
        Assert.Equal($"{alice.Username}/shared", pushed.Str("notification.repository.fullName"));
    }
}

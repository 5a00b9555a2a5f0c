using System.Net.WebSockets;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Notifications;

/// <summary>A stopping server closes its sockets at once instead of waiting out the shutdown timeout for them.</summary>
public sealed class ShutdownTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task Stopping_closes_open_sockets_with_going_away_and_does_not_wait_for_them()
    {
        var alice = await server.SignUpAsync();
        var node = await server.StartNodeAsync(("ANVIL_SHUTDOWN_SECONDS", "60"));
        var sockets = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var ws = new ClientWebSocket();
                await ws.ConnectAsync(NotificationProbe.WsUri(node, alice.SessionToken), CancellationToken.None);
                Assert.Equal("connected", (await NotificationProbe.ReceiveAsync(ws)).Str("type"));
                sockets.Add(ws);
            }

            var stopping = node.StopAsync();
            foreach (var ws in sockets)
            {
                // The client sees the server's close and answers it, as browsers and the ws library do.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var result = await ws.ReceiveAsync(new byte[1024], timeout.Token);
                Assert.Equal(WebSocketMessageType.Close, result.MessageType);
                Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, ws.CloseStatus); // 1001
                Assert.Equal("going away", ws.CloseStatusDescription);
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            }
            // Without the close the stop would wait ANVIL_SHUTDOWN_SECONDS (60 s) for the sockets' requests; the
            // guard only keeps a regression from hanging the run.
            Assert.Same(stopping, await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(45))));
            await stopping;
        }
        finally
        {
            foreach (var ws in sockets)
            {
                ws.Dispose();
            }
            await node.DisposeAsync();
        }
    }
}

using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Notifications;
using Anvil.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Notifications;

/// <summary>Test-side helpers: raise a notification as a feature would, and read a socket.</summary>
public static class NotificationProbe
{
    public static Uri WsUri(AnvilServer server, string token) => new($"ws://{server.BaseUri.Authority}/ws?token={Uri.EscapeDataString(token)}");

    /// <summary>Creates notifications through the service, in a scope of <paramref name="server"/>, as features do.</summary>
    public static async Task NotifyAsync(AnvilServer server, TestUser actor, string owner, string repoName, params (TestUser User, string Reason)[] recipients)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
        var repo = await db.Repositories.Include(r => r.Owner).FirstAsync(r => r.Name == repoName && r.Owner.Username == owner);
        var actorUser = await db.Users.FirstAsync(u => u.Id == actor.Id);
        await scope.ServiceProvider.GetRequiredService<NotificationService>().NotifyAsync(new NotificationRequest(repo, actorUser, "Issue", 7,
            "Crash on start", "commented", recipients.ToDictionary(r => r.User.Id, r => r.Reason)), CancellationToken.None);
    }

    /// <summary>The next message (of <paramref name="type"/>, skipping others such as heartbeats), within a minute (generous for a busy machine).</summary>
    public static async Task<JsonNode> ReceiveAsync(ClientWebSocket ws, string? type = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var buffer = new byte[64 * 1024];
            var result = await ws.ReceiveAsync(buffer, timeout.Token);
            var node = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count))!;
            if (type is null || node.Str("type") == type)
            {
                return node;
            }
        }
    }
}

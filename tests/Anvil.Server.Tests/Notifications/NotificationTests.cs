using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Notifications;
using Anvil.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Notifications;

public abstract class NotificationTests(AnvilServer server)
{
    private Uri WsUri(string token) => NotificationProbe.WsUri(server, token);

    private static Task<JsonNode> ReceiveAsync(ClientWebSocket ws, string? type = null) => NotificationProbe.ReceiveAsync(ws, type);

    private async Task<(string Owner, string Name)> CreateRepoAsync(TestUser owner, bool isPrivate = false)
    {
        using var c = owner.Client();
        var name = "r" + Guid.NewGuid().ToString("N")[..8];
        await (await c.PostAsJsonAsync("/api/repositories", new { name, visibility = isPrivate ? "private" : "public" })).JsonAsync(HttpStatusCode.Created);
        return (owner.Username, name);
    }

    private Task NotifyAsync(TestUser actor, string owner, string repoName, params (TestUser User, string Reason)[] recipients) =>
        NotificationProbe.NotifyAsync(server, actor, owner, repoName, recipients);

    [Fact]
    public async Task Socket_refuses_bad_tokens_before_the_upgrade()
    {
        using var c = server.Anonymous();
        foreach (var url in new[] { "/ws?token=nonsense", "/ws?token=shp_" + new string('x', 40), "/ws" })
        {
            var req = new HttpRequestMessage(HttpMethod.Get, url);
            req.Headers.Add("Connection", "Upgrade");
            req.Headers.Add("Upgrade", "websocket");
            req.Headers.Add("Sec-WebSocket-Version", "13");
            req.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
            await (await c.SendAsync(req)).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        using var ws = new ClientWebSocket();
        await Assert.ThrowsAnyAsync<WebSocketException>(() => ws.ConnectAsync(WsUri("bad-token"), CancellationToken.None));
        await (await c.GetAsync("/ws")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Socket_greets_answers_ping_and_pushes_new_notifications_to_every_open_socket()
    {
        var alice = await server.SignUpAsync();
        var bob = await server.SignUpAsync();
        var (owner, name) = await CreateRepoAsync(alice);
        using var first = new ClientWebSocket();
        await first.ConnectAsync(WsUri(alice.SessionToken), CancellationToken.None);
        var hello = await ReceiveAsync(first);
        Assert.Equal("connected", hello.Str("type"));
        Assert.Equal(alice.Id.ToString(), hello.Str("userId"));

        await first.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"ping\"}"), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("pong", (await ReceiveAsync(first, "pong")).Str("type"));

        using var second = new ClientWebSocket();
        await second.ConnectAsync(WsUri(await alice.CreateTokenAsync("notifications")), CancellationToken.None);
        await ReceiveAsync(second, "connected");

        await NotifyAsync(bob, owner, name, (alice, NotificationReasons.Comment));
        foreach (var ws in new[] { first, second })
        {
            var pushed = await ReceiveAsync(ws, "notification");
            Assert.Equal("commented", pushed.Str("notification.action"));
            Assert.Equal("Crash on start", pushed.Str("notification.subject.title"));
            Assert.Equal(bob.Username, pushed.Str("notification.actor.username"));
            Assert.Equal($"{owner}/{name}", pushed.Str("notification.repository.fullName"));
        }
        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task A_token_without_the_notifications_scope_cannot_listen()
    {
        var alice = await server.SignUpAsync();
        using var c = server.Anonymous();
        var req = new HttpRequestMessage(HttpMethod.Get, "/ws?token=" + await alice.CreateTokenAsync("repo"));
        req.Headers.Add("Connection", "Upgrade");
        req.Headers.Add("Upgrade", "websocket");
        req.Headers.Add("Sec-WebSocket-Version", "13");
        req.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        await (await c.SendAsync(req)).ErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Inbox_lists_counts_marks_read_and_deletes_only_ones_own_notifications()
    {
        var alice = await server.SignUpAsync();
        var bob = await server.SignUpAsync();
        var carol = await server.SignUpAsync();
        var (owner, name) = await CreateRepoAsync(alice);
        await NotifyAsync(bob, owner, name, (alice, NotificationReasons.Comment), (carol, NotificationReasons.Mention), (bob, NotificationReasons.Author));
        await NotifyAsync(carol, owner, name, (alice, NotificationReasons.Mention));

        using var c = alice.Client();
        var inbox = await (await c.GetAsync("/api/notifications")).JsonAsync();
        var items = inbox["notifications"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Equal(2, inbox["unreadCount"]!.GetValue<int>());
        Assert.Equal("mention", items[0]!.Str("reason")); // newest first
        Assert.Equal(2, (await (await c.GetAsync("/api/notifications/unread-count")).JsonAsync())["count"]!.GetValue<int>());

        // The actor is never notified of their own action.
        using var b = bob.Client();
        Assert.Empty((await (await b.GetAsync("/api/notifications")).JsonAsync())["notifications"]!.AsArray());

        var id = items[0]!.Str("id");
        using var carolClient = carol.Client();
        await (await carolClient.PatchAsync($"/api/notifications/{id}/read", null)).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.PatchAsync($"/api/notifications/{id}/read", null)).JsonAsync();
        var unread = await (await c.GetAsync("/api/notifications?unread=true")).JsonAsync();
        Assert.Single(unread["notifications"]!.AsArray());
        Assert.Equal(1, unread["unreadCount"]!.GetValue<int>());

        using var v1 = server.WithBearer(await alice.CreateTokenAsync("notifications"));
        var threads = (await (await v1.GetAsync("/api/v1/notifications")).JsonAsync()).AsArray();
        Assert.Single(threads);
        Assert.Equal("Issue", threads[0]!.Str("subject.type"));
        Assert.Equal(HttpStatusCode.ResetContent, (await v1.PatchAsync($"/api/v1/notifications/threads/{threads[0]!.Str("id")}", null)).StatusCode);
        Assert.Empty((await (await v1.GetAsync("/api/v1/notifications")).JsonAsync()).AsArray());
        Assert.Equal(2, (await (await v1.GetAsync("/api/v1/notifications?all=true")).JsonAsync()).AsArray().Count);

        await (await c.PostAsync("/api/notifications/mark-all-read", null)).JsonAsync();
        await (await c.DeleteAsync($"/api/notifications/{id}")).JsonAsync();
        await (await c.DeleteAsync($"/api/notifications/{id}")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.PatchAsync("/api/notifications/abc/read", null)).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync("/api/notifications?unread=maybe")).ErrorAsync(HttpStatusCode.BadRequest);

        using var noScope = server.WithBearer(await alice.CreateTokenAsync("repo"));
        await (await noScope.GetAsync("/api/v1/notifications")).ErrorAsync(HttpStatusCode.Forbidden);
        using var anon = server.Anonymous();
        await (await anon.GetAsync("/api/notifications")).ErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void Mentions_are_found_like_github_finds_them()
    {
        Assert.Equal(["alice", "bob-smith"], NotificationService.Mentions("hey @Alice and @bob-smith, mail me at x@example.com").Order());
        Assert.Empty(NotificationService.Mentions("no mentions here, email@host.com"));
    }
}

public sealed class NotificationTestsOnSqlite(SqliteServer s) : NotificationTests(s), IClassFixture<SqliteServer>;

public sealed class NotificationTestsOnPostgres(PostgresServer s) : NotificationTests(s), IClassFixture<PostgresServer>;

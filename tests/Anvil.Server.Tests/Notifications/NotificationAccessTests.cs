using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;

namespace Anvil.Server.Tests.Notifications;

/// <summary>
/// Notifications follow access: a user sees (lists, counts, threads, marks, socket pushes) only what is about things they
/// may read now. Losing access hides the old ones; getting it back shows them again.
/// </summary>
public abstract class NotificationAccessTests(AnvilServer server)
{
    private static async Task<JsonNode> InboxAsync(TestUser user)
    {
        using var c = user.Client();
        return await (await c.GetAsync("/api/notifications?limit=100")).JsonAsync();
    }

    private static List<string> Repositories(JsonNode inbox) =>
        inbox["notifications"]!.AsArray().Select(n => n!.Str("repository.fullName")).ToList();

    private static async Task MentionAsync(TestRepo repo, TestUser user, string title)
    {
        using var c = repo.Owner.Client();
        await repo.CreateIssueAsync(c, new { title, body = $"cc @{user.Username}" });
    }

    private static async Task SetAccessAsync(TestRepo repo, TestUser user, bool granted)
    {
        using var c = repo.Owner.Client();
        var res = granted
            ? await c.PutAsJsonAsync($"{repo.V1}/collaborators/{user.Username}", new { permission = "pull" })
            : await c.DeleteAsync($"{repo.V1}/collaborators/{user.Username}");
        Assert.Equal(HttpStatusCode.NoContent, res.StatusCode);
    }

    [Fact]
    public async Task Losing_access_hides_a_repositorys_notifications_everywhere_and_regaining_it_shows_them_again()
    {
        var secret = await TestRepo.CreateAsync(server, isPrivate: true);
        var open = await TestRepo.CreateAsync(server);
        var reader = await secret.AddCollaboratorAsync("pull");
        await MentionAsync(secret, reader, "Secret roadmap");
        await MentionAsync(open, reader, "Public bug");
        var before = await InboxAsync(reader);
        Assert.Equal([$"{open.Owner.Username}/{open.Name}", $"{secret.Owner.Username}/{secret.Name}"], Repositories(before));
        var hiddenId = before["notifications"]![1]!.Str("id");
        using var v1 = server.WithBearer(await reader.CreateTokenAsync("notifications"));
        Assert.Equal(2, (await (await v1.GetAsync("/api/v1/notifications")).JsonAsync()).AsArray().Count);

        await SetAccessAsync(secret, reader, granted: false);

        // sigmagit: list, count, mark read, delete.
        var after = await InboxAsync(reader);
        Assert.Equal([$"{open.Owner.Username}/{open.Name}"], Repositories(after));
        Assert.Equal(1, after["unreadCount"]!.GetValue<int>());
        Assert.DoesNotContain(secret.Name, after.ToJsonString());
        using var rc = reader.Client();
        Assert.Equal(1, (await (await rc.GetAsync("/api/notifications/unread-count")).JsonAsync())["count"]!.GetValue<int>());
        await (await rc.PatchAsync($"/api/notifications/{hiddenId}/read", null)).ErrorAsync(HttpStatusCode.NotFound);
        await (await rc.DeleteAsync($"/api/notifications/{hiddenId}")).ErrorAsync(HttpStatusCode.NotFound);

        // v1: list (unread and all), thread, mark read, delete.
        var threads = (await (await v1.GetAsync("/api/v1/notifications?all=true")).JsonAsync()).AsArray();
        Assert.Equal(open.Name, Assert.Single(threads)!.Str("repository.name"));
        await (await v1.GetAsync($"/api/v1/notifications/threads/{hiddenId}")).ErrorAsync(HttpStatusCode.NotFound);
        await (await v1.PatchAsync($"/api/v1/notifications/threads/{hiddenId}", null)).ErrorAsync(HttpStatusCode.NotFound);
        await (await v1.DeleteAsync($"/api/v1/notifications/threads/{hiddenId}")).ErrorAsync(HttpStatusCode.NotFound);

        // Marking everything read marks only what the reader can see.
        Assert.Equal(1, (await (await rc.PostAsync("/api/notifications/mark-all-read", null)).JsonAsync())["updated"]!.GetValue<int>());

        await SetAccessAsync(secret, reader, granted: true);
        var again = await InboxAsync(reader);
        Assert.Equal(2, again["notifications"]!.AsArray().Count);
        Assert.Equal(1, again["unreadCount"]!.GetValue<int>());
        var back = again["notifications"]!.AsArray().Single(n => n!.Str("id") == hiddenId)!;
        Assert.True(back["unread"]!.GetValue<bool>());
        Assert.Equal("Secret roadmap", back.Str("subject.title"));
        await (await v1.GetAsync($"/api/v1/notifications/threads/{hiddenId}")).JsonAsync();
    }

    [Fact]
    public async Task The_socket_pushes_nothing_about_a_repository_the_user_can_no_longer_read()
    {
        var secret = await TestRepo.CreateAsync(server, isPrivate: true);
        var open = await TestRepo.CreateAsync(server);
        var reader = await secret.AddCollaboratorAsync("pull");
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(NotificationProbe.WsUri(server, reader.SessionToken), CancellationToken.None);
        await NotificationProbe.ReceiveAsync(ws, "connected");
        await MentionAsync(secret, reader, "While a reader");
        Assert.Equal("While a reader", (await NotificationProbe.ReceiveAsync(ws, "notification")).Str("notification.subject.title"));

        await SetAccessAsync(secret, reader, granted: false);
        // Told directly, as any feature would: the service itself refuses to tell a non-reader.
        await NotificationProbe.NotifyAsync(server, secret.Owner, secret.Owner.Username, secret.Name, (reader, "mention"));
        await MentionAsync(secret, reader, "After leaving");
        await MentionAsync(open, reader, "Public news");

        // Messages on one socket keep their order: the next notification is the public one.
        var next = await NotificationProbe.ReceiveAsync(ws, "notification");
        Assert.Equal("Public news", next.Str("notification.subject.title"));
        Assert.Equal($"{open.Owner.Username}/{open.Name}", next.Str("notification.repository.fullName"));
        Assert.Equal(["Public news"], (await InboxAsync(reader))["notifications"]!.AsArray().Select(n => n!.Str("subject.title")));
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }
}

public sealed class NotificationAccessTestsOnSqlite(SqliteServer s) : NotificationAccessTests(s), IClassFixture<SqliteServer>;

public sealed class NotificationAccessTestsOnPostgres(PostgresServer s) : NotificationAccessTests(s), IClassFixture<PostgresServer>;

using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;

namespace Anvil.Server.Tests.Notifications;

public abstract class IssueNotificationTests(AnvilServer server)
{
    /// <summary>The user's inbox, newest first.</summary>
    private static async Task<List<JsonNode>> InboxAsync(TestUser user)
    {
        using var c = user.Client();
        var body = await (await c.GetAsync("/api/notifications?limit=100")).JsonAsync();
        return body["notifications"]!.AsArray().Select(n => n!).ToList();
    }

    private static async Task<JsonNode> CommentAsync(TestRepo repo, TestUser user, int number, string body)
    {
        using var c = user.Client();
        return (await (await c.PostAsJsonAsync($"{repo.Api}/issues/{number}/comments", new { body })).JsonAsync(HttpStatusCode.Created))["comment"]!;
    }

    private static async Task PatchAsync(TestRepo repo, TestUser user, int number, object changes)
    {
        using var c = user.Client();
        await (await c.PatchAsJsonAsync($"{repo.Api}/issues/{number}", changes)).JsonAsync();
    }

    private static async Task<int> OpenAsync(TestRepo repo, TestUser author, string title, string body = "", string[]? assignees = null)
    {
        using var c = author.Client();
        return (await repo.CreateIssueAsync(c, new { title, body, assignees })).Int("number");
    }

    [Fact]
    public async Task A_comment_tells_author_commenters_assignees_and_mentioned_users_once_each_but_not_the_commenter()
    {
        var repo = await TestRepo.CreateAsync(server);
        var (bob, carol, dave, erin) = (await server.SignUpAsync(), await server.SignUpAsync(), await server.SignUpAsync(), await server.SignUpAsync());
        var number = await OpenAsync(repo, bob, "Crash on start");
        await CommentAsync(repo, carol, number, "same here");
        await PatchAsync(repo, repo.Owner, number, new { assignees = new[] { dave.Username } });
        var before = new Dictionary<string, int>();
        foreach (var u in new[] { bob, carol, dave, erin, repo.Owner })
        {
            before[u.Username] = (await InboxAsync(u)).Count;
        }

        await CommentAsync(repo, repo.Owner, number, $"@{erin.Username} and @{bob.Username}, please look; cc @{repo.Owner.Username} @nosuch{Guid.NewGuid():N}"[..^24]);

        async Task<JsonNode> OnlyNewAsync(TestUser user)
        {
            var inbox = await InboxAsync(user);
            Assert.Equal(before[user.Username] + 1, inbox.Count);
            var n = inbox[0];
            Assert.Equal("Issue", n.Str("subject.type"));
            Assert.Equal(number, n["subject"]!.Int("number"));
            Assert.Equal("Crash on start", n.Str("subject.title"));
            Assert.Equal($"{repo.Owner.Username}/{repo.Name}", n.Str("repository.fullName"));
            Assert.Equal(repo.Owner.Username, n.Str("actor.username"));
            Assert.True(n["unread"]!.GetValue<bool>());
            return n;
        }
        var toBob = await OnlyNewAsync(bob); // author and mentioned: one notification, for the mention
        Assert.Equal(("mention", "mentioned you"), (toBob.Str("reason"), toBob.Str("action")));
        var toErin = await OnlyNewAsync(erin);
        Assert.Equal(("mention", "mentioned you"), (toErin.Str("reason"), toErin.Str("action")));
        var toCarol = await OnlyNewAsync(carol);
        Assert.Equal(("comment", "commented"), (toCarol.Str("reason"), toCarol.Str("action")));
        var toDave = await OnlyNewAsync(dave);
        Assert.Equal(("assign", "commented"), (toDave.Str("reason"), toDave.Str("action")));
        Assert.Equal(before[repo.Owner.Username], (await InboxAsync(repo.Owner)).Count); // mentioning yourself tells no one

        // The author commenting on their own issue tells the others, not themself.
        await CommentAsync(repo, bob, number, "thanks all");
        Assert.Equal(before[bob.Username] + 1, (await InboxAsync(bob)).Count);
        Assert.Equal("comment", (await InboxAsync(repo.Owner))[0].Str("reason")); // the owner had commented
        Assert.Equal(before[erin.Username] + 1, (await InboxAsync(erin)).Count); // being mentioned once is not taking part
        Assert.Equal(bob.Username, (await InboxAsync(carol))[0].Str("actor.username"));
    }

    [Fact]
    public async Task Private_repositories_tell_only_users_who_can_see_them()
    {
        var repo = await TestRepo.CreateAsync(server, isPrivate: true);
        var reader = await repo.AddCollaboratorAsync("pull");
        var leaving = await repo.AddCollaboratorAsync("push");
        var stranger = await server.SignUpAsync();
        var number = await OpenAsync(repo, repo.Owner, "Secret plans", $"for @{reader.Username} and @{stranger.Username}");
        Assert.Equal("mention", Assert.Single(await InboxAsync(reader)).Str("reason"));
        Assert.Empty(await InboxAsync(stranger));

        await CommentAsync(repo, leaving, number, "on it");
        using (var c = repo.Owner.Client())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"{repo.V1}/collaborators/{leaving.Username}")).StatusCode);
        }
        var leavingBefore = (await InboxAsync(leaving)).Count;
        await CommentAsync(repo, reader, number, $"noted, @{stranger.Username} @{leaving.Username}");
        Assert.Equal(leavingBefore, (await InboxAsync(leaving)).Count); // a former participant is no longer told
        Assert.Empty(await InboxAsync(stranger));
        Assert.Equal("author", (await InboxAsync(repo.Owner))[0].Str("reason"));
    }

    [Fact]
    public async Task Newly_assigned_users_and_authors_of_issues_others_close_or_reopen_are_told()
    {
        var repo = await TestRepo.CreateAsync(server);
        var writer = await repo.AddCollaboratorAsync("push");
        var author = await server.SignUpAsync();
        var number = await OpenAsync(repo, author, "Assign me");

        await PatchAsync(repo, repo.Owner, number, new { assignees = new[] { writer.Username, repo.Owner.Username } });
        var assigned = Assert.Single(await InboxAsync(writer));
        Assert.Equal(("assign", "assigned you"), (assigned.Str("reason"), assigned.Str("action")));
        Assert.Empty(await InboxAsync(repo.Owner)); // assigning yourself tells no one
        await PatchAsync(repo, repo.Owner, number, new { assignees = new[] { writer.Username } });
        Assert.Single(await InboxAsync(writer)); // still assigned: not newly

        await PatchAsync(repo, writer, number, new { state = "closed" });
        var closed = Assert.Single(await InboxAsync(author));
        Assert.Equal(("author", "closed", writer.Username), (closed.Str("reason"), closed.Str("action"), closed.Str("actor.username")));
        await PatchAsync(repo, repo.Owner, number, new { state = "open" });
        Assert.Equal("reopened", (await InboxAsync(author))[0].Str("action"));
        await PatchAsync(repo, author, number, new { state = "closed" });
        Assert.Equal(2, (await InboxAsync(author)).Count); // closing your own issue tells you nothing

        // Assigned when the issue is opened.
        var other = await OpenAsync(repo, repo.Owner, "Already assigned", assignees: [writer.Username]);
        var atOpen = (await InboxAsync(writer))[0];
        Assert.Equal((other, "assigned you"), (atOpen["subject"]!.Int("number"), atOpen.Str("action")));
    }

    [Fact]
    public async Task Edits_tell_only_users_they_newly_mention()
    {
        var repo = await TestRepo.CreateAsync(server);
        var (bob, carol) = (await server.SignUpAsync(), await server.SignUpAsync());
        var number = await OpenAsync(repo, repo.Owner, "Edit me", $"hi @{bob.Username}");
        Assert.Single(await InboxAsync(bob));
        await PatchAsync(repo, repo.Owner, number, new { body = $"hi @{bob.Username} and @{carol.Username}" });
        Assert.Single(await InboxAsync(bob));
        Assert.Equal("mention", Assert.Single(await InboxAsync(carol)).Str("reason"));
        await PatchAsync(repo, repo.Owner, number, new { title = "Edited", body = $"hi @{carol.Username}" });
        Assert.Single(await InboxAsync(carol));

        var comment = await CommentAsync(repo, repo.Owner, number, "no one yet");
        using var c = repo.Owner.Client();
        await (await c.PatchAsJsonAsync($"{repo.Api}/issues/comments/{comment.Str("id")}", new { body = $"now @{bob.Username}" })).JsonAsync();
        var toBob = await InboxAsync(bob);
        Assert.Equal(2, toBob.Count);
        Assert.Equal(("mention", "Edited"), (toBob[0].Str("reason"), toBob[0].Str("subject.title")));
    }

    [Fact]
    public async Task A_comment_made_over_HTTP_reaches_the_authors_open_socket()
    {
        var repo = await TestRepo.CreateAsync(server);
        var author = await server.SignUpAsync();
        var commenter = await server.SignUpAsync();
        var number = await OpenAsync(repo, author, "Live please");
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(NotificationProbe.WsUri(server, author.SessionToken), CancellationToken.None);
        Assert.Equal("connected", (await NotificationProbe.ReceiveAsync(ws)).Str("type"));

        await CommentAsync(repo, commenter, number, "pushing this to you");

        var pushed = (await NotificationProbe.ReceiveAsync(ws, "notification"))["notification"]!;
        Assert.Equal(("author", "commented"), (pushed.Str("reason"), pushed.Str("action")));
        Assert.Equal(("Issue", number, "Live please"), (pushed.Str("subject.type"), pushed["subject"]!.Int("number"), pushed.Str("subject.title")));
        Assert.Equal(commenter.Username, pushed.Str("actor.username"));
        Assert.Equal((await InboxAsync(author))[0].Str("id"), pushed.Str("id"));
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }
}

public sealed class IssueNotificationTestsOnSqlite(IssuesSqliteServer s) : IssueNotificationTests(s), IClassFixture<IssuesSqliteServer>;

public sealed class IssueNotificationTestsOnPostgres(IssuesPostgresServer s) : IssueNotificationTests(s), IClassFixture<IssuesPostgresServer>;

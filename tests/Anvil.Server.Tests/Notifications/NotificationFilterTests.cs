using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Notifications;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;

namespace Anvil.Server.Tests.Notifications;

/// <summary>GitHub's filters on <c>GET /api/v1/notifications</c>: <c>participating</c>, <c>since</c> and <c>before</c>.</summary>
public abstract class NotificationFilterTests(AnvilServer server)
{
    [Fact]
    public async Task Participating_keeps_threads_the_user_takes_part_in_and_drops_those_they_only_watch()
    {
        var repo = await TestRepo.CreateAsync(server);
        var me = await repo.AddCollaboratorAsync("push");
        using var oc = repo.Owner.Client();
        using var mc = me.Client();
        async Task<int> OpenAsync(HttpClient c, object body) =>
            (await (await c.PostAsJsonAsync($"{repo.V1}/issues", body)).JsonAsync(HttpStatusCode.Created))["number"]!.GetValue<int>();
        async Task CommentAsync(HttpClient c, int number, string body) =>
            await (await c.PostAsJsonAsync($"{repo.V1}/issues/{number}/comments", new { body })).JsonAsync(HttpStatusCode.Created);

        // Opened by them, assigned to them, mentioning them, commented on by them: each then hears of the next step.
        await CommentAsync(oc, await OpenAsync(mc, new { title = "Authored" }), "seen");
        await OpenAsync(oc, new { title = "Assigned", assignees = new[] { me.Username } });
        await OpenAsync(oc, new { title = "Mentioned", body = $"cc @{me.Username}" });
        var discussed = await OpenAsync(oc, new { title = "Discussed" });
        await CommentAsync(mc, discussed, "my two cents");
        await CommentAsync(oc, discussed, "thanks");
        // A pull request they commented on, closed by its author.
        await (await oc.PutAsJsonAsync($"{repo.V1}/contents/README.md", new { message = "init", content = Convert.ToBase64String("hi\n"u8.ToArray()) }))
            .JsonAsync(HttpStatusCode.Created);
        var main = (await (await oc.GetAsync($"{repo.V1}/branches/main")).JsonAsync()).Str("commit.sha");
        await (await oc.PostAsJsonAsync($"{repo.V1}/git/refs", new { @ref = "refs/heads/feature", sha = main })).JsonAsync(HttpStatusCode.Created);
        await (await oc.PutAsJsonAsync($"{repo.V1}/contents/feature.txt", new { message = "feature", content = Convert.ToBase64String("f\n"u8.ToArray()), branch = "feature" }))
            .JsonAsync(HttpStatusCode.Created);
        var pull = (await (await oc.PostAsJsonAsync($"{repo.V1}/pulls", new { title = "Reviewed", head = "feature", @base = "main" }))
            .JsonAsync(HttpStatusCode.Created))["number"]!.GetValue<int>();
        await CommentAsync(mc, pull, "looks fine");
        await (await oc.PatchAsJsonAsync($"{repo.V1}/pulls/{pull}", new { state = "closed" })).JsonAsync();
        // What a watcher of the repository hears, and what they hear when their access goes: no part taken.
        await NotificationProbe.NotifyAsync(server, repo.Owner, repo.Owner.Username, repo.Name, (me, NotificationReasons.Subscribed));
        await NotificationProbe.NotifyAsync(server, repo.Owner, repo.Owner.Username, repo.Name, (me, NotificationReasons.AccessRemoved));

        using var v1 = server.WithBearer(await me.CreateTokenAsync("notifications"));
        async Task<List<(string Title, string Reason)>> ThreadsAsync(string query) =>
            (await (await v1.GetAsync("/api/v1/notifications" + query)).JsonAsync()).AsArray()
                .Select(n => (n!.Str("subject.title"), n.Str("reason"))).OrderBy(t => t.Item1).ThenBy(t => t.Item2).ToList();

        List<(string, string)> participating =
            [("Assigned", "assign"), ("Authored", "author"), ("Discussed", "comment"), ("Mentioned", "mention"), ("Reviewed", "comment")];
        Assert.Equal(participating, await ThreadsAsync("?participating=true"));
        Assert.Equal(participating, await ThreadsAsync("?participating=TRUE&all=true"));
        Assert.Equal([.. participating.Take(2), ("Crash on start", "access_removed"), ("Crash on start", "subscribed"), .. participating.Skip(2)],
            await ThreadsAsync(""));
        Assert.Equal(7, (await ThreadsAsync("?participating=false")).Count);
    }

    [Fact]
    public async Task Participating_since_and_before_narrow_the_list_and_bad_values_are_400()
    {
        var repo = await TestRepo.CreateAsync(server);
        var reader = await repo.AddCollaboratorAsync("pull");
        using (var oc = repo.Owner.Client())
        {
            await repo.CreateIssueAsync(oc, new { title = "Look here", body = $"cc @{reader.Username}" });
        }
        using var v1 = server.WithBearer(await reader.CreateTokenAsync("notifications"));
        async Task<List<string>> TitlesAsync(string query) =>
            (await (await v1.GetAsync("/api/v1/notifications" + query)).JsonAsync()).AsArray().Select(n => n!.Str("subject.title")).ToList();

        var thread = Assert.Single((await (await v1.GetAsync("/api/v1/notifications")).JsonAsync()).AsArray())!;
        Assert.Equal("mention", thread.Str("reason"));
        var updated = DateTimeOffset.Parse(thread.Str("updated_at"), System.Globalization.CultureInfo.InvariantCulture);
        string At(DateTimeOffset t) => Uri.EscapeDataString(t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(["Look here"], await TitlesAsync("?participating=true"));
        Assert.Equal(["Look here"], await TitlesAsync("?participating=False&all=true"));
        Assert.Equal(["Look here"], await TitlesAsync($"?since={At(updated)}"));
        Assert.Empty(await TitlesAsync($"?since={At(updated.AddSeconds(1))}"));
        Assert.Equal(["Look here"], await TitlesAsync($"?before={At(updated.AddSeconds(1))}"));
        Assert.Empty(await TitlesAsync($"?before={At(updated)}"));
        // A date alone is its midnight UTC.
        Assert.Equal(["Look here"], await TitlesAsync($"?since={updated.UtcDateTime:yyyy-MM-dd}"));

        var bad = await (await v1.GetAsync("/api/v1/notifications?since=yesterday")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("since", bad);
        await (await v1.GetAsync("/api/v1/notifications?before=soon")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await v1.GetAsync("/api/v1/notifications?participating=maybe")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["Look here"], await TitlesAsync(""));
    }
}

public sealed class NotificationFilterTestsOnSqlite(SqliteServer s) : NotificationFilterTests(s), IClassFixture<SqliteServer>;

public sealed class NotificationFilterTestsOnPostgres(PostgresServer s) : NotificationFilterTests(s), IClassFixture<PostgresServer>;

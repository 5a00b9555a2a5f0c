using System.Net;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;

namespace Anvil.Server.Tests.Notifications;

/// <summary>GitHub's filters on <c>GET /api/v1/notifications</c>: <c>participating</c>, <c>since</c> and <c>before</c>.</summary>
public abstract class NotificationFilterTests(AnvilServer server)
{
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

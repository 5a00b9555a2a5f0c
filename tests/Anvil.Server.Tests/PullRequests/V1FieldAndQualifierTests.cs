using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>Fields and qualifiers GitHub clients read: lock reasons, review <c>_links</c>, search <c>score</c>, @me and merged in search, subscription_url.</summary>
public abstract class V1FieldAndQualifierTests(PullsServer server)
{
    [Fact]
    public async Task A_lock_reason_is_kept_shown_and_cleared_on_unlock()
    {
        using var repo = await PullRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await (await c.PostAsJsonAsync($"{repo.V1}/issues", new { title = "heated" })).JsonAsync(HttpStatusCode.Created);
        async Task<JsonNode> Issue() => await (await c.GetAsync($"{repo.V1}/issues/1")).JsonAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await c.PutAsJsonAsync($"{repo.V1}/issues/1/lock", new { lock_reason = "too heated" })).StatusCode);
        var locked = await Issue();
        Assert.True(locked["locked"]!.GetValue<bool>());
        Assert.Equal("too heated", locked.Str("active_lock_reason"));
        var refused = await (await c.PutAsJsonAsync($"{repo.V1}/issues/1/lock", new { lock_reason = "bored" })).ErrorBodyAsync((HttpStatusCode)422);
        Assert.Equal("lock_reason", refused["errors"]![0]!.Str("field"));
        Assert.Equal("too heated", (await Issue()).Str("active_lock_reason"));
        Assert.Equal(HttpStatusCode.NoContent, (await c.PutAsJsonAsync($"{repo.V1}/issues/1/lock", new { lock_reason = "resolved" })).StatusCode);
        Assert.Equal("resolved", (await Issue()).Str("active_lock_reason"));

        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"{repo.V1}/issues/1/lock")).StatusCode);
        var unlocked = await Issue();
        Assert.False(unlocked["locked"]!.GetValue<bool>());
        Assert.Null(unlocked["active_lock_reason"]);
        Assert.True(unlocked.AsObject().ContainsKey("active_lock_reason"));
        Assert.Equal(HttpStatusCode.NoContent, (await c.PutAsync($"{repo.V1}/issues/1/lock", null)).StatusCode);
        var plain = await Issue();
        Assert.True(plain["locked"]!.GetValue<bool>());
        Assert.Null(plain["active_lock_reason"]);
    }

    [Fact]
    public async Task Reviews_and_review_comments_carry_links()
    {
        using var repo = await PullRepo.CreateAsync(server);
        await repo.CommitAsync("feature", "feature.txt", "one\n", from: "main");
        await repo.PushAsync("feature");
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Linked", headBranch = "feature", baseBranch = "main" });
        var v1 = $"{repo.V1}/pulls/{pr.Number()}";
        using var reviewer = (await server.SignUpAsync()).Client();
        var review = await (await reviewer.PostAsJsonAsync($"{v1}/reviews", new { @event = "COMMENT", body = "a thought" })).JsonAsync();
        Assert.Equal(review.Str("html_url"), review.Str("_links.html.href"));
        Assert.EndsWith(v1, review.Str("_links.pull_request.href"));
        var line = await (await reviewer.PostAsJsonAsync($"{v1}/comments", new { body = "here", path = "feature.txt", line = 1, side = "RIGHT" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(line.Str("url"), line.Str("_links.self.href"));
        Assert.Equal(line.Str("html_url"), line.Str("_links.html.href"));
        Assert.EndsWith(v1, line.Str("_links.pull_request.href"));
        var listed = Assert.Single((await (await reviewer.GetAsync($"{v1}/comments")).JsonAsync()).AsArray())!;
        Assert.Equal(line.Str("url"), listed.Str("_links.self.href"));
        Assert.Equal(review.Str("_links.html.href"), (await (await reviewer.GetAsync($"{v1}/reviews")).JsonAsync())[0]!.Str("_links.html.href"));
    }

    [Fact]
    public async Task Issue_search_knows_me_merged_and_scores_its_items()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var helper = await server.SignUpAsync();
        using var c = repo.Owner.Client();
        foreach (var branch in new[] { "merged-one", "open-one" })
        {
            await repo.CommitAsync(branch, branch + ".txt", branch + "\n", from: "main");
            await repo.PushAsync(branch);
            await repo.CreatePullAsync(repo.Owner, new { title = branch, headBranch = branch, baseBranch = "main" });
        }
        await (await c.PostAsJsonAsync($"{repo.Pulls}/1/merge", new { mergeStrategy = "merge" })).JsonAsync();
        using (var h = helper.Client())
        {
            await (await h.PostAsJsonAsync($"{repo.V1}/issues", new { title = "from the helper" })).JsonAsync(HttpStatusCode.Created);
        }
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/3/assignees", new { assignees = new[] { repo.Owner.Username } })).JsonAsync(HttpStatusCode.Created);

        async Task<List<string>> Titles(HttpClient client, string q)
        {
            var body = await (await client.GetAsync($"/api/v1/search/issues?q={Uri.EscapeDataString($"repo:{repo.Owner.Username}/{repo.Name} {q}")}")).JsonAsync();
            Assert.All(body["items"]!.AsArray(), i => Assert.Equal(1.0, i!["score"]!.GetValue<double>()));
            return body["items"]!.AsArray().Select(i => i!.Str("title")).Order().ToList();
        }
        Assert.Equal(["merged-one"], await Titles(c, "is:merged"));
        Assert.Equal(["open-one"], await Titles(c, "is:unmerged"));
        Assert.Equal(["merged-one", "open-one"], await Titles(c, "author:@me"));
        Assert.Equal(["open-one"], await Titles(c, "author:@me is:open"));
        Assert.Equal(["from the helper"], await Titles(c, "assignee:@me"));
        Assert.Equal(["from the helper"], await Titles(c, $"assignee:{repo.Owner.Username}"));
        using (var h = helper.Client())
        {
            Assert.Equal(["from the helper"], await Titles(h, "author:@ME"));
            Assert.Empty(await Titles(h, "assignee:@me"));
        }
        await (await server.Anonymous().GetAsync($"/api/v1/search/issues?q={Uri.EscapeDataString("author:@me")}")).ErrorAsync((HttpStatusCode)422);

        var repos = await (await c.GetAsync($"/api/v1/search/repositories?q={Uri.EscapeDataString($"{repo.Name} user:{repo.Owner.Username}")}")).JsonAsync();
        var hit = Assert.Single(repos["items"]!.AsArray())!;
        Assert.Equal(repo.Name, hit.Str("name"));
        Assert.Equal(1.0, hit["score"]!.GetValue<double>());
        var users = await (await c.GetAsync($"/api/v1/search/users?q={repo.Owner.Username}")).JsonAsync();
        Assert.All(users["items"]!.AsArray(), u => Assert.Equal(1.0, u!["score"]!.GetValue<double>()));
    }

    [Fact]
    public async Task Notification_threads_carry_their_subscription_url()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var helper = await server.SignUpAsync();
        using var c = repo.Owner.Client();
        await (await c.PostAsJsonAsync($"{repo.V1}/issues", new { title = "for you", assignees = new[] { helper.Username } })).JsonAsync(HttpStatusCode.Created);
        using var h = server.WithBearer(await helper.CreateTokenAsync("notifications"));
        JsonArray threads = [];
        // The notification is written as the outbox delivers the event, in the background: wait for it.
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); threads.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(50))
        {
            threads = (await (await h.GetAsync("/api/v1/notifications?all=True")).JsonAsync()).AsArray();
        }
        var thread = Assert.Single(threads)!;
        Assert.Equal(thread.Str("url") + "/subscription", thread.Str("subscription_url"));
        Assert.EndsWith($"/api/v1/notifications/threads/{thread.Str("id")}/subscription", thread.Str("subscription_url"));
        await (await h.GetAsync("/api/v1/notifications?all=yes")).ErrorAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class V1FieldAndQualifierTestsOnSqlite(PullsSqliteServer s) : V1FieldAndQualifierTests(s), IClassFixture<PullsSqliteServer>;

public sealed class V1FieldAndQualifierTestsOnPostgres(PullsPostgresServer s) : V1FieldAndQualifierTests(s), IClassFixture<PullsPostgresServer>;

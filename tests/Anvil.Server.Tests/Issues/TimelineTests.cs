using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.PullRequests;

namespace Anvil.Server.Tests.Issues;

/// <summary>An issue's history: GitHub's issue events, the repository's events list and the timeline that interleaves comments.</summary>
public abstract class TimelineTests(AnvilServer server)
{
    private static async Task<JsonArray> ListAsync(HttpClient c, string url) => (JsonArray)await (await c.GetAsync(url)).JsonAsync();

    private static List<string> Kinds(JsonArray items) => items.Select(i => i!.Str("event")).ToList();

    [Fact]
    public async Task Labels_assignees_rename_lock_and_state_are_listed_in_order_with_their_details()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var helper = await server.SignUpAsync();
        using var c = repo.Owner.Client();
        (await c.PutAsJsonAsync($"{repo.V1}/collaborators/{helper.Username}", new { permission = "push" })).EnsureSuccessStatusCode();
        await (await c.PostAsJsonAsync($"{repo.V1}/labels", new { name = "regression", color = "d73a4a" })).JsonAsync(HttpStatusCode.Created);
        await (await c.PostAsJsonAsync($"{repo.V1}/issues", new { title = "First title", labels = new[] { "regression" } })).JsonAsync(HttpStatusCode.Created);

        (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { title = "Second title", assignees = new[] { helper.Username } })).EnsureSuccessStatusCode();
        (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { labels = Array.Empty<string>() })).EnsureSuccessStatusCode();
        (await c.PutAsync($"{repo.V1}/issues/1/lock", null)).EnsureSuccessStatusCode();
        (await c.DeleteAsync($"{repo.V1}/issues/1/lock")).EnsureSuccessStatusCode();
        (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state = "closed", state_reason = "not_planned" })).EnsureSuccessStatusCode();
        (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state = "open" })).EnsureSuccessStatusCode();
        // Nothing changed, nothing listed.
        (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { title = "Second title" })).EnsureSuccessStatusCode();

        var events = await ListAsync(c, $"{repo.V1}/issues/1/events");
        Assert.Equal(["labeled", "renamed", "assigned", "unlabeled", "locked", "unlocked", "closed", "reopened"], Kinds(events));
        Assert.Equal("regression", events[0]!.Str("label.name"));
        Assert.Equal("d73a4a", events[0]!.Str("label.color"));
        Assert.Equal("First title", events[1]!.Str("rename.from"));
        Assert.Equal("Second title", events[1]!.Str("rename.to"));
        Assert.Equal(helper.Username, events[2]!.Str("assignee.login"));
        Assert.Equal(repo.Owner.Username, events[2]!.Str("assigner.login"));
        Assert.Equal("not_planned", events[6]!.Str("state_reason"));
        Assert.All(events, e => Assert.Equal(repo.Owner.Username, e!.Str("actor.login")));
        Assert.Null(events[1]!["label"]); // only the fields of its kind

        var id = events[6]!["id"]!.GetValue<long>();
        var one = await (await c.GetAsync($"{repo.V1}/issues/events/{id}")).JsonAsync();
        Assert.Equal("closed", one.Str("event"));
        Assert.Equal(1, one["issue"]!.Int("number"));
        Assert.EndsWith($"/issues/events/{id}", one.Str("url"));

        var repoEvents = await ListAsync(c, $"{repo.V1}/issues/events");
        Assert.Equal("reopened", repoEvents[0]!.Str("event")); // newest first
        Assert.Equal("Second title", repoEvents[0]!.Str("issue.title"));
        await (await c.GetAsync($"{repo.V1}/issues/events/999999")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Mentions_by_other_issues_and_comments_are_cross_references_on_the_timeline_only()
    {
        using var repo = await PullRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await (await c.PostAsJsonAsync($"{repo.V1}/issues", new { title = "Target" })).JsonAsync(HttpStatusCode.Created);
        await (await c.PostAsJsonAsync($"{repo.V1}/issues", new { title = "Mentions it", body = $"Same as #1 and {repo.Owner.Username}/{repo.Name}#1, not `#1`." })).JsonAsync(HttpStatusCode.Created);
        await (await c.PostAsJsonAsync($"{repo.V1}/issues", new { title = "Quiet", body = "```\n#1 in code\n```\nand #3 itself" })).JsonAsync(HttpStatusCode.Created);
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/3/comments", new { body = "Actually related to #1" })).JsonAsync(HttpStatusCode.Created);
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/comments", new { body = "Thanks" })).JsonAsync(HttpStatusCode.Created);
        // Mentioning again from the same issue adds nothing.
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/2/comments", new { body = "Still #1" })).JsonAsync(HttpStatusCode.Created);

        var timeline = await ListAsync(c, $"{repo.V1}/issues/1/timeline");
        Assert.Equal(["cross-referenced", "cross-referenced", "commented"], Kinds(timeline));
        Assert.Equal(2, timeline[0]!["source"]!["issue"]!.Int("number"));
        Assert.Equal("issue", timeline[0]!.Str("source.type"));
        Assert.Equal(3, timeline[1]!["source"]!["issue"]!.Int("number"));
        Assert.Equal("Thanks", timeline[2]!.Str("body"));
        Assert.Equal(repo.Owner.Username, timeline[2]!.Str("actor.login"));
        Assert.Empty(await ListAsync(c, $"{repo.V1}/issues/1/events"));
        Assert.Equal(["commented"], Kinds(await ListAsync(c, $"{repo.V1}/issues/3/timeline"))); // its own number is no reference

        var page = await c.GetAsync($"{repo.V1}/issues/1/timeline?per_page=2&page=2");
        var second = (JsonArray)await page.JsonAsync();
        Assert.Equal(["commented"], Kinds(second));
        Assert.Contains("rel=\"first\"", page.Headers.GetValues("Link").Single());
    }

    [Fact]
    public async Task Pushed_commits_reference_issues_once_and_a_merge_lists_merged_and_closed()
    {
        using var repo = await PullRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await (await c.PostAsJsonAsync($"{repo.V1}/issues", new { title = "Crash on start" })).JsonAsync(HttpStatusCode.Created);
        var commit = await repo.CommitAsync("feature", "fix.txt", "fixed\n", from: "main", message: "Handle the crash (see #1)");
        await repo.PushAsync("feature");
        await repo.GitAsync("push", "-q", "origin", "feature:copy");

        var events = await ListAsync(c, $"{repo.V1}/issues/1/events");
        var referenced = Assert.Single(events)!;
        Assert.Equal("referenced", referenced.Str("event"));
        Assert.Equal(commit, referenced.Str("commit_id"));
        Assert.EndsWith($"/commits/{commit}", referenced.Str("commit_url"));

        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Fix the crash", headBranch = "feature", baseBranch = "main", isDraft = true });
        (await c.PatchAsJsonAsync($"{repo.V1}/pulls/{pr.Number()}", new { draft = false })).EnsureSuccessStatusCode();
        await repo.MergeableAsync(pr.Number(), true);
        var merged = await (await c.PostAsJsonAsync($"{repo.Pulls}/{pr.Number()}/merge", new { mergeStrategy = "merge" })).JsonAsync();

        var prEvents = await ListAsync(c, $"{repo.V1}/issues/{pr.Number()}/events");
        Assert.Equal(["ready_for_review", "merged", "closed"], Kinds(prEvents));
        Assert.Equal(merged.Str("mergeCommitOid"), prEvents[1]!.Str("commit_id"));
    }

    [Fact]
    public async Task A_private_repositorys_history_is_not_found_for_strangers()
    {
        using var repo = await PullRepo.CreateAsync(server, isPrivate: true);
        using var c = repo.Owner.Client();
        await (await c.PostAsJsonAsync($"{repo.V1}/issues", new { title = "Secret" })).JsonAsync(HttpStatusCode.Created);
        (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state = "closed" })).EnsureSuccessStatusCode();
        var id = (await ListAsync(c, $"{repo.V1}/issues/1/events"))[0]!["id"]!.GetValue<long>();
        var stranger = await server.SignUpAsync();
        using var s = stranger.Client();
        using var anonymous = server.Anonymous();
        foreach (var client in new[] { s, anonymous })
        {
            await (await client.GetAsync($"{repo.V1}/issues/1/events")).ErrorAsync(HttpStatusCode.NotFound);
            await (await client.GetAsync($"{repo.V1}/issues/1/timeline")).ErrorAsync(HttpStatusCode.NotFound);
            await (await client.GetAsync($"{repo.V1}/issues/events")).ErrorAsync(HttpStatusCode.NotFound);
            await (await client.GetAsync($"{repo.V1}/issues/events/{id}")).ErrorAsync(HttpStatusCode.NotFound);
        }
    }
}

public sealed class TimelineTestsOnSqlite(PullsSqliteServer s) : TimelineTests(s), IClassFixture<PullsSqliteServer>;

public sealed class TimelineTestsOnPostgres(PullsPostgresServer s) : TimelineTests(s), IClassFixture<PullsPostgresServer>;

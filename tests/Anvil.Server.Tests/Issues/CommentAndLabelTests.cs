using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Issues;

public abstract class CommentAndLabelTests(AnvilServer server)
{
    [Fact]
    public async Task Comments_are_listed_added_edited_and_deleted_on_the_sigmagit_surface()
    {
        var repo = await TestRepo.CreateAsync(server);
        var stranger = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        await repo.CreateIssueAsync();
        using var s = stranger.Client();
        using var o = other.Client();
        using var owner = repo.Owner.Client();

        var first = (await (await s.PostAsJsonAsync($"{repo.Api}/issues/1/comments", new { body = "first!" })).JsonAsync(HttpStatusCode.Created))["comment"]!;
        Assert.Equal("first!", first.Str("body"));
        Assert.Equal(stranger.Username, first.Str("author.username"));
        Assert.Equal(1, first.Int("issueNumber"));
        var second = (await (await o.PostAsJsonAsync($"{repo.Api}/issues/1/comments", new { body = "second" })).JsonAsync(HttpStatusCode.Created))["comment"]!;
        Assert.Equal(2, (await repo.IssueAsync(1)).Int("commentCount"));

        var list = await (await server.Anonymous().GetAsync($"{repo.Api}/issues/1/comments")).JsonAsync();
        Assert.Equal(["first!", "second"], list["comments"]!.AsArray().Select(c => c!.Str("body")));
        Assert.False(list["hasMore"]!.GetValue<bool>());
        var page = await (await owner.GetAsync($"{repo.Api}/issues/1/comments?limit=1")).JsonAsync();
        Assert.Single(page["comments"]!.AsArray());
        Assert.True(page["hasMore"]!.GetValue<bool>());

        // Own comment: edit and delete, by either route.
        var edited = (await (await s.PatchAsJsonAsync($"{repo.Api}/issues/1/comments/{first.Str("id")}", new { body = "first (edited)" })).JsonAsync())["comment"]!;
        Assert.Equal("first (edited)", edited.Str("body"));
        await (await o.PatchAsJsonAsync($"{repo.Api}/issues/comments/{first.Str("id")}", new { body = "hijack" })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await o.DeleteAsync($"{repo.Api}/issues/1/comments/{first.Str("id")}")).ErrorAsync(HttpStatusCode.Forbidden);
        await (await s.PatchAsJsonAsync($"{repo.Api}/issues/1/comments/{first.Str("id")}", new { body = "" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await s.PatchAsJsonAsync($"{repo.Api}/issues/1/comments/{first.Str("id")}", new { body = new string('x', 65_537) })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await s.PatchAsJsonAsync($"{repo.Api}/issues/2/comments/{first.Str("id")}", new { body = "wrong issue" })).ErrorAsync(HttpStatusCode.NotFound);
        Assert.True((await (await s.DeleteAsync($"{repo.Api}/issues/comments/{first.Str("id")}")).JsonAsync())["success"]!.GetValue<bool>());
        // The owner may delete anyone's.
        Assert.True((await (await owner.DeleteAsync($"{repo.Api}/issues/1/comments/{second.Str("id")}")).JsonAsync())["success"]!.GetValue<bool>());
        Assert.Equal(0, (await repo.IssueAsync(1)).Int("commentCount"));
        list = await (await owner.GetAsync($"{repo.Api}/issues/1/comments")).JsonAsync();
        Assert.Empty(list["comments"]!.AsArray());

        await (await s.PostAsJsonAsync($"{repo.Api}/issues/1/comments", new { body = "  " })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await s.PostAsJsonAsync($"{repo.Api}/issues/1/comments", new { })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await s.PostAsJsonAsync($"{repo.Api}/issues/9/comments", new { body = "nowhere" })).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await repo.IssueAsync(1)).Int("commentCount"));
    }

    [Fact]
    public async Task Comments_in_GitHubs_shape_with_Link_pagination()
    {
        var repo = await TestRepo.CreateAsync(server);
        var writer = await repo.AddCollaboratorAsync("push");
        var outsider = await server.SignUpAsync();
        await repo.CreateIssueAsync();
        using var w = server.WithBearer(await writer.CreateTokenAsync("repo"));
        using var x = outsider.Client();
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var c = await (await x.PostAsJsonAsync($"{repo.V1}/issues/1/comments", new { body = $"comment {i}" })).JsonAsync(HttpStatusCode.Created);
            ids.Add(c["id"]!.GetValue<long>());
            Assert.Equal(outsider.Username, c.Str("user.login"));
            Assert.Equal("NONE", c.Str("author_association"));
            Assert.EndsWith($"{repo.V1}/issues/1", c.Str("issue_url"));
            Assert.EndsWith($"{repo.V1}/issues/comments/{ids[^1]}", c.Str("url"));
            Assert.Contains($"#issuecomment-{ids[^1]}", c.Str("html_url"));
            Assert.NotEmpty(c.Str("node_id"));
            Assert.NotNull(c["created_at"]);
            Assert.NotNull(c["updated_at"]);
        }
        var res = await w.GetAsync($"{repo.V1}/issues/1/comments?per_page=2");
        Assert.Equal(["comment 0", "comment 1"], (await res.JsonAsync()).AsArray().Select(c => c!.Str("body")));
        Assert.Contains("rel=\"next\"", res.Headers.GetValues("Link").Single());
        Assert.Equal(3, (await (await w.GetAsync($"{repo.V1}/issues/1")).JsonAsync()).Int("comments"));

        var one = await (await w.GetAsync($"{repo.V1}/issues/comments/{ids[0]}")).JsonAsync();
        Assert.Equal("comment 0", one.Str("body"));
        // A writer moderates any comment, as on GitHub.
        var edited = await (await w.PatchAsJsonAsync($"{repo.V1}/issues/comments/{ids[0]}", new { body = "moderated" })).JsonAsync();
        Assert.Equal("moderated", edited.Str("body"));
        Assert.Equal(HttpStatusCode.NoContent, (await w.DeleteAsync($"{repo.V1}/issues/comments/{ids[1]}")).StatusCode);
        await (await w.GetAsync($"{repo.V1}/issues/comments/{ids[1]}")).ErrorAsync(HttpStatusCode.NotFound);
        await (await x.PatchAsJsonAsync($"{repo.V1}/issues/comments/{ids[2]}", new { body = "" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(2, (await (await w.GetAsync($"{repo.V1}/issues/1")).JsonAsync()).Int("comments"));

        // A comment is found only through its own repository.
        var elsewhere = await TestRepo.CreateAsync(server, owner: repo.Owner);
        await (await w.GetAsync($"{elsewhere.V1}/issues/comments/{ids[0]}")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Labels_are_created_updated_and_deleted_on_the_sigmagit_surface()
    {
        var repo = await TestRepo.CreateAsync(server);
        var reader = await repo.AddCollaboratorAsync("pull");
        using var owner = repo.Owner.Client();
        using var r = reader.Client();

        var label = (await (await owner.PostAsJsonAsync($"{repo.Api}/labels", new { name = "needs triage", color = "#A1B2C3", description = "new" }))
            .JsonAsync(HttpStatusCode.Created))["label"]!;
        Assert.Equal("needs triage", label.Str("name"));
        Assert.Equal("a1b2c3", label.Str("color"));
        Assert.Equal("new", label.Str("description"));
        var id = label.Str("id");

        await (await owner.PostAsJsonAsync($"{repo.Api}/labels", new { name = "NEEDS TRIAGE", color = "ffffff" })).ErrorAsync(HttpStatusCode.Conflict);
        await (await owner.PostAsJsonAsync($"{repo.Api}/labels", new { name = "x", color = "red" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await owner.PostAsJsonAsync($"{repo.Api}/labels", new { name = "", color = "ffffff" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await owner.PostAsJsonAsync($"{repo.Api}/labels", new { name = new string('n', 51), color = "ffffff" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await owner.PostAsJsonAsync($"{repo.Api}/labels", new { name = "ok", color = "ffffff", description = new string('d', 101) })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await owner.PostAsJsonAsync($"{repo.Api}/labels", new { name = "no-color" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await r.PostAsJsonAsync($"{repo.Api}/labels", new { name = "reader's", color = "ffffff" })).ErrorAsync(HttpStatusCode.Forbidden);

        var updated = (await (await owner.PatchAsJsonAsync($"{repo.Api}/labels/{id}", new { name = "triage", color = "000000" })).JsonAsync())["label"]!;
        Assert.Equal("triage", updated.Str("name"));
        Assert.Equal("000000", updated.Str("color"));
        Assert.Equal("new", updated.Str("description"));
        await (await owner.PatchAsJsonAsync($"{repo.Api}/labels/{id}", new { name = "Bug" })).ErrorAsync(HttpStatusCode.Conflict);
        await (await r.PatchAsJsonAsync($"{repo.Api}/labels/{id}", new { name = "mine" })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await owner.PatchAsJsonAsync($"{repo.Api}/labels/999999", new { name = "ghost" })).ErrorAsync(HttpStatusCode.NotFound);
        await (await owner.PatchAsJsonAsync($"{repo.Api}/labels/abc", new { name = "ghost" })).ErrorAsync(HttpStatusCode.NotFound);

        await repo.CreateIssueAsync(owner, new { title = "labelled", labels = new[] { "triage", "bug" } });
        var filtered = await (await owner.GetAsync($"{repo.Api}/issues?labels=triage")).JsonAsync();
        Assert.Single(filtered["issues"]!.AsArray());

        await (await r.DeleteAsync($"{repo.Api}/labels/{id}")).ErrorAsync(HttpStatusCode.Forbidden);
        Assert.True((await (await owner.DeleteAsync($"{repo.Api}/labels/{id}")).JsonAsync())["success"]!.GetValue<bool>());
        Assert.Equal(["bug"], (await repo.IssueAsync(1)).Strings("labels", "name"));
        var names = (await (await owner.GetAsync($"{repo.Api}/labels")).JsonAsync()).Strings("labels", "name");
        Assert.DoesNotContain("triage", names);

        // A label from another repository is a different label.
        var other = await TestRepo.CreateAsync(server, owner: repo.Owner);
        var otherBug = (await (await owner.GetAsync($"{other.Api}/labels")).JsonAsync())["labels"]!.AsArray().Single(l => l!.Str("name") == "bug")!;
        await (await owner.DeleteAsync($"{repo.Api}/labels/{otherBug.Str("id")}")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Labels_and_issue_labels_in_GitHubs_shape()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write"));
        var created = await (await c.PostAsJsonAsync($"{repo.V1}/labels", new { name = "Priority High", color = "ff0000", description = "urgent" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Priority High", created.Str("name"));
        Assert.False(created["default"]!.GetValue<bool>());
        var one = await (await c.GetAsync($"{repo.V1}/labels/priority%20high")).JsonAsync();
        Assert.Equal(created["id"]!.GetValue<long>(), one["id"]!.GetValue<long>());
        var renamed = await (await c.PatchAsJsonAsync($"{repo.V1}/labels/Priority%20High", new { new_name = "p1", color = "00ff00" })).JsonAsync();
        Assert.Equal("p1", renamed.Str("name"));
        Assert.Equal("00ff00", renamed.Str("color"));
        await (await c.PostAsJsonAsync($"{repo.V1}/labels", new { name = "x", color = "12345" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        // A taken name is GitHub's 422 naming the field (the sigmagit surface's 409 is above).
        var taken = await (await c.PostAsJsonAsync($"{repo.V1}/labels", new { name = "p1", color = "123456" })).ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Validation Failed", taken.Str("message"));
        var field = Assert.Single(taken["errors"]!.AsArray())!;
        Assert.Equal(("Label", "name", "already_exists"), (field.Str("resource"), field.Str("field"), field.Str("code")));
        await (await c.GetAsync($"{repo.V1}/labels/Priority%20High")).ErrorAsync(HttpStatusCode.NotFound);
        var page = await c.GetAsync($"{repo.V1}/labels?per_page=3");
        Assert.Equal(3, (await page.JsonAsync()).AsArray().Count);
        Assert.Contains("rel=\"last\"", page.Headers.GetValues("Link").Single());

        await repo.CreateIssueAsync();
        var added = await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/labels", new { labels = new[] { "bug", "p1" } })).JsonAsync();
        Assert.Equal(["bug", "p1"], added.AsArray().Select(l => l!.Str("name")));
        added = await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/labels", new[] { "question", "bug" })).JsonAsync();
        Assert.Equal(["bug", "p1", "question"], added.AsArray().Select(l => l!.Str("name")));
        var listed = await (await c.GetAsync($"{repo.V1}/issues/1/labels")).JsonAsync();
        Assert.Equal(["bug", "p1", "question"], listed.AsArray().Select(l => l!.Str("name")));
        var remaining = await (await c.DeleteAsync($"{repo.V1}/issues/1/labels/p1")).JsonAsync();
        Assert.Equal(["bug", "question"], remaining.AsArray().Select(l => l!.Str("name")));
        await (await c.DeleteAsync($"{repo.V1}/issues/1/labels/p1")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.DeleteAsync($"{repo.V1}/issues/1/labels/never-existed")).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        var replaced = await (await c.PutAsJsonAsync($"{repo.V1}/issues/1/labels", new { labels = new[] { "documentation" } })).JsonAsync();
        Assert.Equal(["documentation"], replaced.AsArray().Select(l => l!.Str("name")));
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/labels", new[] { "nope" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/labels", new { labels = "bug" })).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"{repo.V1}/issues/1/labels")).StatusCode);
        Assert.Empty((await (await c.GetAsync($"{repo.V1}/issues/1/labels")).JsonAsync()).AsArray());

        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"{repo.V1}/labels/p1")).StatusCode);
        await (await c.DeleteAsync($"{repo.V1}/labels/p1")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Concurrent_label_adds_and_state_changes_keep_everything_consistent()
    {
        var repo = await TestRepo.CreateAsync(server);
        await repo.CreateIssueAsync();
        using var c = repo.Owner.Client();
        var labels = new[] { "bug", "documentation", "duplicate", "enhancement", "question", "wontfix" };
        var results = await Task.WhenAll(labels.Select(l => c.PostAsJsonAsync($"{repo.V1}/issues/1/labels", new[] { l }))
            .Concat(Enumerable.Range(0, 6).Select(i => c.PatchAsJsonAsync($"{repo.Api}/issues/1", new { state = i % 2 == 0 ? "closed" : "open" }))));
        Assert.All(results, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        var issue = await repo.IssueAsync(1);
        Assert.Equal(labels, issue.Strings("labels", "name"));
        var list = await (await c.GetAsync($"{repo.Api}/issues?state=all")).JsonAsync();
        var open = issue.Str("state") == "open" ? 1 : 0;
        Assert.Equal(open, list.Int("openCount"));
        Assert.Equal(1 - open, list.Int("closedCount"));
    }
}

public sealed class CommentAndLabelTestsOnSqlite(IssuesSqliteServer s) : CommentAndLabelTests(s), IClassFixture<IssuesSqliteServer>;

public sealed class CommentAndLabelTestsOnPostgres(IssuesPostgresServer s) : CommentAndLabelTests(s), IClassFixture<IssuesPostgresServer>;

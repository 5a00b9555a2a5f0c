using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Issues;

public abstract class IssueTests(AnvilServer server)
{
    [Fact]
    public async Task Create_then_get_and_list_in_the_sigmagit_shape()
    {
        var repo = await TestRepo.CreateAsync(server);
        var helper = await repo.AddCollaboratorAsync("pull");
        using var c = repo.Owner.Client();
        var issue = await repo.CreateIssueAsync(c, new { title = "  Crash on start  ", body = "stack trace", labels = new[] { "bug", "Enhancement" }, assignees = new[] { helper.Username } });

        Assert.Equal(1, issue.Int("number"));
        Assert.Equal("Crash on start", issue.Str("title"));
        Assert.Equal("stack trace", issue.Str("body"));
        Assert.Equal("open", issue.Str("state"));
        Assert.False(issue["locked"]!.GetValue<bool>());
        Assert.Equal(repo.Owner.Id.ToString(), issue.Str("author.id"));
        Assert.Equal(repo.Owner.Username, issue.Str("author.username"));
        Assert.NotNull(issue["author"]!["avatarUrl"]);
        Assert.Equal(["bug", "enhancement"], issue.Strings("labels", "name"));
        var bug = issue["labels"]![0]!;
        Assert.Equal("d73a4a", bug.Str("color"));
        Assert.NotEmpty(bug.Str("id"));
        Assert.NotEmpty(bug.Str("description"));
        Assert.Equal([helper.Username], issue.Strings("assignees", "username"));
        Assert.Equal(0, issue.Int("commentCount"));
        Assert.NotNull(issue["createdAt"]);
        Assert.NotNull(issue["updatedAt"]);
        Assert.Null(issue["closedAt"]);
        Assert.Null(issue["closedBy"]);
        Assert.Equal(JsonValueKind.String, issue["id"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, issue["commentCount"]!.GetValueKind());

        Assert.Equal(issue.ToJsonString(), (await repo.IssueAsync(1)).ToJsonString());
        var list = await (await c.GetAsync($"{repo.Api}/issues")).JsonAsync();
        Assert.Equal(issue.ToJsonString(), Assert.Single(list["issues"]!.AsArray())!.ToJsonString());
        Assert.False(list["hasMore"]!.GetValue<bool>());
        Assert.Equal(1, list.Int("openCount"));
        Assert.Equal(0, list.Int("closedCount"));
    }

    [Fact]
    public async Task New_repositories_have_the_default_labels()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = server.Anonymous();
        var labels = await (await c.GetAsync($"{repo.Api}/labels")).JsonAsync();
        var names = labels.Strings("labels", "name");
        Assert.Contains("bug", names);
        Assert.Contains("enhancement", names);
        Assert.Contains("documentation", names);
        Assert.Contains("question", names);
        Assert.Contains("good first issue", names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        var v1 = await (await c.GetAsync($"{repo.V1}/labels")).JsonAsync();
        var bug = v1.AsArray().Single(l => l!.Str("name") == "bug")!;
        Assert.True(bug["default"]!.GetValue<bool>());
        Assert.Equal("d73a4a", bug.Str("color"));
        Assert.EndsWith($"{repo.V1}/labels/bug", bug.Str("url"));
        Assert.IsType<long>(bug["id"]!.GetValue<long>());

        // A fork gets a set of its own.
        var forker = await server.SignUpAsync();
        using var f = forker.Client();
        await (await f.PostAsJsonAsync($"{repo.Api}/fork", new { })).JsonAsync(HttpStatusCode.Created);
        var forkLabels = await (await c.GetAsync($"/api/repositories/{forker.Username}/{repo.Name}/labels")).JsonAsync();
        Assert.Equal(names, forkLabels.Strings("labels", "name"));
        Assert.NotEqual(labels.Strings("labels", "id"), forkLabels.Strings("labels", "id"));
    }

    [Fact]
    public async Task Numbers_count_up_per_repository_and_are_never_reused()
    {
        var a = await TestRepo.CreateAsync(server);
        var b = await TestRepo.CreateAsync(server);
        Assert.Equal(1, (await a.CreateIssueAsync()).Int("number"));
        Assert.Equal(2, (await a.CreateIssueAsync()).Int("number"));
        Assert.Equal(1, (await b.CreateIssueAsync()).Int("number"));
        Assert.Equal(3, (await a.CreateIssueAsync()).Int("number"));
        using var c = a.Owner.Client();
        (await c.DeleteAsync($"{a.Api}/issues/3")).EnsureSuccessStatusCode();
        Assert.Equal(4, (await a.CreateIssueAsync()).Int("number"));
        await (await c.GetAsync($"{a.Api}/issues/3")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Two_hundred_concurrent_creates_get_exactly_the_numbers_1_to_200()
    {
        var repo = await TestRepo.CreateAsync(server);
        var token = await repo.Owner.CreateTokenAsync("repo:write");
        using var session = repo.Owner.Client();
        using var pat = server.WithBearer(token);
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            // Both surfaces and both credentials draw from the same sequence.
            var res = i % 2 == 0
                ? await session.PostAsJsonAsync($"{repo.Api}/issues", new { title = $"issue {i}" })
                : await pat.PostAsJsonAsync($"{repo.V1}/issues", new { title = $"issue {i}" });
            var body = await res.JsonAsync(HttpStatusCode.Created);
            return (body["issue"] ?? body).Int("number");
        }));
        Assert.Equal(Enumerable.Range(1, 200), responses.Order());

        var listed = new List<int>();
        for (var offset = 0; ; offset += 100)
        {
            var page = await (await session.GetAsync($"{repo.Api}/issues?state=all&limit=100&offset={offset}")).JsonAsync();
            listed.AddRange(page["issues"]!.AsArray().Select(i => i!.Int("number")));
            Assert.Equal(200, page.Int("openCount"));
            if (!page["hasMore"]!.GetValue<bool>())
            {
                break;
            }
        }
        Assert.Equal(Enumerable.Range(1, 200).Reverse(), listed);
        Assert.Equal(201, (await repo.CreateIssueAsync()).Int("number"));
    }

    [Fact]
    public async Task Patch_changes_title_body_state_labels_assignees_and_lock()
    {
        var repo = await TestRepo.CreateAsync(server);
        var helper = await repo.AddCollaboratorAsync("push");
        using var c = repo.Owner.Client();
        await repo.CreateIssueAsync();
        var before = await repo.IssueAsync(1);

        var closed = (await (await c.PatchAsJsonAsync($"{repo.Api}/issues/1", new
        {
            title = "Renamed", body = "new body", state = "closed", labels = new[] { "question" }, assignees = new[] { helper.Username, repo.Owner.Username }, locked = true,
        })).JsonAsync())["issue"]!;
        Assert.Equal("Renamed", closed.Str("title"));
        Assert.Equal("new body", closed.Str("body"));
        Assert.Equal("closed", closed.Str("state"));
        Assert.True(closed["locked"]!.GetValue<bool>());
        Assert.Equal(["question"], closed.Strings("labels", "name"));
        Assert.Equal(new[] { repo.Owner.Username, helper.Username }.Order(), closed.Strings("assignees", "username").Order());
        Assert.NotNull(closed["closedAt"]);
        Assert.Equal(repo.Owner.Username, closed.Str("closedBy.username"));
        Assert.True(DateTime.Parse(closed.Str("updatedAt")) >= DateTime.Parse(before.Str("updatedAt")));

        var list = await (await c.GetAsync($"{repo.Api}/issues")).JsonAsync();
        Assert.Empty(list["issues"]!.AsArray());
        Assert.Equal(0, list.Int("openCount"));
        Assert.Equal(1, list.Int("closedCount"));

        var reopened = (await (await c.PatchAsJsonAsync($"{repo.Api}/issues/1", new { state = "open", labels = Array.Empty<string>(), assignees = Array.Empty<string>(), locked = false }))
            .JsonAsync())["issue"]!;
        Assert.Equal("open", reopened.Str("state"));
        Assert.Null(reopened["closedAt"]);
        Assert.Null(reopened["closedBy"]);
        Assert.Empty(reopened["labels"]!.AsArray());
        Assert.Empty(reopened["assignees"]!.AsArray());
        Assert.False(reopened["locked"]!.GetValue<bool>());
        list = await (await c.GetAsync($"{repo.Api}/issues")).JsonAsync();
        Assert.Equal(1, list.Int("openCount"));
        Assert.Equal(0, list.Int("closedCount"));

        // Closing twice counts once.
        (await c.PatchAsJsonAsync($"{repo.Api}/issues/1", new { state = "closed" })).EnsureSuccessStatusCode();
        (await c.PatchAsJsonAsync($"{repo.Api}/issues/1", new { state = "closed" })).EnsureSuccessStatusCode();
        list = await (await c.GetAsync($"{repo.Api}/issues?state=closed")).JsonAsync();
        Assert.Equal(0, list.Int("openCount"));
        Assert.Equal(1, list.Int("closedCount"));
        Assert.Single(list["issues"]!.AsArray());
    }

    [Fact]
    public async Task Filters_really_filter_and_pages_follow_number_order()
    {
        var repo = await TestRepo.CreateAsync(server);
        var alice = await repo.AddCollaboratorAsync("push");
        var bob = await repo.AddCollaboratorAsync("pull");
        using var owner = repo.Owner.Client();
        using var asAlice = alice.Client();
        using var asBob = bob.Client();
        await repo.CreateIssueAsync(owner, new { title = "1", labels = new[] { "bug" } });
        await repo.CreateIssueAsync(owner, new { title = "2", labels = new[] { "bug", "question" }, assignees = new[] { alice.Username } });
        await repo.CreateIssueAsync(asAlice, new { title = "3", labels = new[] { "question" } });
        await repo.CreateIssueAsync(asBob, new { title = "4" });
        await repo.CreateIssueAsync(asAlice, new { title = "5", labels = new[] { "bug", "question" }, assignees = new[] { bob.Username } });
        (await owner.PatchAsJsonAsync($"{repo.Api}/issues/5", new { state = "closed" })).EnsureSuccessStatusCode();

        async Task<List<int>> Numbers(string query)
        {
            var page = await (await owner.GetAsync($"{repo.Api}/issues?{query}")).JsonAsync();
            var v1 = await (await owner.GetAsync($"{repo.V1}/issues?{query}")).JsonAsync();
            var numbers = page["issues"]!.AsArray().Select(i => i!.Int("number")).ToList();
            Assert.Equal(numbers, v1.AsArray().Select(i => i!.Int("number")));
            return numbers;
        }

        Assert.Equal<int>([4, 3, 2, 1], await Numbers(""));
        Assert.Equal<int>([5], await Numbers("state=closed"));
        Assert.Equal<int>([5, 4, 3, 2, 1], await Numbers("state=all"));
        Assert.Equal<int>([2, 1], await Numbers("labels=bug"));
        Assert.Equal<int>([5, 2], await Numbers("state=all&labels=BUG,question"));
        Assert.Equal<int>([], await Numbers("labels=bug,no-such-label"));
        Assert.Equal<int>([2], await Numbers($"assignee={alice.Username}"));
        Assert.Equal<int>([5], await Numbers($"state=all&assignee={bob.Username}"));
        Assert.Equal<int>([4, 3, 1], await Numbers("assignee=none"));
        Assert.Equal<int>([5, 2], await Numbers("state=all&assignee=*"));
        Assert.Equal<int>([5, 3], await Numbers($"state=all&creator={alice.Username}"));
        Assert.Equal<int>([4], await Numbers($"creator={bob.Username}"));
        Assert.Equal<int>([], await Numbers("creator=nobody-at-all"));
        Assert.Equal<int>([3], await Numbers($"labels=question&creator={alice.Username}"));

        var first = await (await owner.GetAsync($"{repo.Api}/issues?state=all&limit=2")).JsonAsync();
        Assert.Equal([5, 4], first["issues"]!.AsArray().Select(i => i!.Int("number")));
        Assert.True(first["hasMore"]!.GetValue<bool>());
        var last = await (await owner.GetAsync($"{repo.Api}/issues?state=all&limit=2&offset=4")).JsonAsync();
        Assert.Equal([1], last["issues"]!.AsArray().Select(i => i!.Int("number")));
        Assert.False(last["hasMore"]!.GetValue<bool>());
        var keyset = await (await owner.GetAsync($"{repo.Api}/issues?state=all&limit=2&before=4")).JsonAsync();
        Assert.Equal([3, 2], keyset["issues"]!.AsArray().Select(i => i!.Int("number")));

        var v1Page = await owner.GetAsync($"{repo.V1}/issues?state=all&per_page=2&page=2");
        var v1Numbers = (await v1Page.JsonAsync()).AsArray().Select(i => i!.Int("number"));
        Assert.Equal([3, 2], v1Numbers);
        var link = v1Page.Headers.GetValues("Link").Single();
        Assert.Contains("page=3>; rel=\"next\"", link);
        Assert.Contains("page=3>; rel=\"last\"", link);
        Assert.Contains("page=1>; rel=\"first\"", link);
        Assert.Contains("page=1>; rel=\"prev\"", link);
        Assert.StartsWith("<http://", link);

        await (await owner.GetAsync($"{repo.Api}/issues?state=sideways")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await owner.GetAsync($"{repo.V1}/issues?state=sideways")).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await owner.GetAsync($"{repo.Api}/issues?limit=0")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    public static TheoryData<string, object> InvalidCreates => new()
    {
        { "empty title", new { title = "   " } },
        { "long title", new { title = new string('t', 257) } },
        { "long body", new { title = "ok", body = new string('b', 65_537) } },
        { "unknown label", new { title = "ok", labels = new[] { "bug", "not-a-label" } } },
        { "unknown assignee", new { title = "ok", assignees = new[] { "no-such-user-anywhere" } } },
    };

    [Theory]
    [MemberData(nameof(InvalidCreates))]
    public async Task Invalid_issues_are_refused_on_both_surfaces_and_nothing_is_written(string why, object body)
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        Assert.False(string.IsNullOrEmpty(await (await c.PostAsJsonAsync($"{repo.Api}/issues", body)).ErrorAsync(HttpStatusCode.BadRequest)), why);
        await (await c.PostAsJsonAsync($"{repo.V1}/issues", body)).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        var list = await (await c.GetAsync($"{repo.Api}/issues?state=all")).JsonAsync();
        Assert.Empty(list["issues"]!.AsArray());
        Assert.Equal(0, list.Int("openCount"));
        Assert.Equal(1, (await repo.CreateIssueAsync()).Int("number")); // no number was used up
    }

    [Fact]
    public async Task Boundary_lengths_are_accepted()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        var issue = await repo.CreateIssueAsync(c, new { title = new string('t', 256), body = new string('b', 65_536) });
        Assert.Equal(256, issue.Str("title").Length);
        Assert.Equal(65_536, issue.Str("body").Length);
    }

    [Fact]
    public async Task Invalid_patches_change_nothing()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await repo.CreateIssueAsync(c, new { title = "keep", labels = new[] { "bug" } });
        var before = await repo.IssueAsync(1);
        await (await c.PatchAsJsonAsync($"{repo.Api}/issues/1", new { title = "", state = "closed" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PatchAsJsonAsync($"{repo.Api}/issues/1", new { state = "done" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state = "closed", labels = new[] { "nope" } })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { title = new string('x', 257), state = "closed" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state_reason = "bored" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.SendRawAsync(HttpMethod.Patch, $"{repo.Api}/issues/1", "{\"title\":")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.SendRawAsync(HttpMethod.Post, $"{repo.Api}/issues", "")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.SendRawAsync(HttpMethod.Post, $"{repo.Api}/issues", "{\"title\": 5}")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PostAsJsonAsync($"{repo.Api}/issues", new { body = "no title" })).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before.ToJsonString(), (await repo.IssueAsync(1)).ToJsonString());
        var list = await (await c.GetAsync($"{repo.Api}/issues")).JsonAsync();
        Assert.Equal(1, list.Int("openCount"));
        Assert.Equal(0, list.Int("closedCount"));
    }

    [Fact]
    public async Task Unknown_issues_and_repositories_are_404()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await (await c.GetAsync($"{repo.Api}/issues/1")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{repo.Api}/issues/abc")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{repo.V1}/issues/99999999999")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.PatchAsJsonAsync($"{repo.Api}/issues/7", new { title = "x" })).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"/api/repositories/{repo.Owner.Username}/missing/issues")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.PostAsJsonAsync($"/api/v1/repos/{repo.Owner.Username}/missing/issues", new { title = "x" })).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task V1_issue_has_GitHubs_fields()
    {
        var repo = await TestRepo.CreateAsync(server);
        var helper = await repo.AddCollaboratorAsync("push");
        var token = await repo.Owner.CreateTokenAsync("repo");
        using var c = server.WithBearer(token);
        var res = await c.PostAsJsonAsync($"{repo.V1}/issues", new { title = "From the API", body = "hello", labels = new object[] { "bug", new { name = "question" } }, assignee = helper.Username });
        var issue = await res.JsonAsync(HttpStatusCode.Created);
        Assert.IsType<long>(issue["id"]!.GetValue<long>());
        Assert.Equal(1, issue.Int("number"));
        Assert.NotEmpty(issue.Str("node_id"));
        Assert.Equal("From the API", issue.Str("title"));
        Assert.Equal("hello", issue.Str("body"));
        Assert.Equal("open", issue.Str("state"));
        Assert.Null(issue["state_reason"]);
        Assert.False(issue["locked"]!.GetValue<bool>());
        Assert.Equal(repo.Owner.Username, issue.Str("user.login"));
        Assert.Equal(["bug", "question"], issue.Strings("labels", "name"));
        Assert.Equal(helper.Username, issue.Str("assignee.login"));
        Assert.Equal([helper.Username], issue.Strings("assignees", "login"));
        Assert.Equal(0, issue.Int("comments"));
        Assert.Null(issue["closed_at"]);
        Assert.Null(issue["closed_by"]);
        Assert.Equal("OWNER", issue.Str("author_association"));
        Assert.EndsWith($"{repo.V1}/issues/1", issue.Str("url"));
        Assert.EndsWith($"/{repo.Owner.Username}/{repo.Name}/issues/1", issue.Str("html_url"));
        Assert.EndsWith(repo.V1, issue.Str("repository_url"));
        Assert.EndsWith($"{repo.V1}/issues/1/comments", issue.Str("comments_url"));
        Assert.False(issue.AsObject().ContainsKey("pull_request"));
        Assert.NotNull(issue["created_at"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", issue.Str("updated_at"));

        var closed = await (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state = "closed", state_reason = "not_planned" })).JsonAsync();
        Assert.Equal("closed", closed.Str("state"));
        Assert.Equal("not_planned", closed.Str("state_reason"));
        Assert.Equal(repo.Owner.Username, closed.Str("closed_by.login"));
        Assert.NotNull(closed["closed_at"]);
        var reopened = await (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state = "open" })).JsonAsync();
        Assert.Equal("reopened", reopened.Str("state_reason"));

        Assert.Equal(HttpStatusCode.NoContent, (await c.PutAsync($"{repo.V1}/issues/1/lock", null)).StatusCode);
        Assert.True((await (await c.GetAsync($"{repo.V1}/issues/1")).JsonAsync())["locked"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"{repo.V1}/issues/1/lock")).StatusCode);
        Assert.False((await (await c.GetAsync($"{repo.V1}/issues/1")).JsonAsync())["locked"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"{repo.V1}/issues/1")).StatusCode);
        await (await c.GetAsync($"{repo.V1}/issues/1")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_an_issue_takes_its_comments_and_keeps_counts_right()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await repo.CreateIssueAsync();
        await repo.CreateIssueAsync();
        var comment = await (await c.PostAsJsonAsync($"{repo.Api}/issues/2/comments", new { body = "hi" })).JsonAsync(HttpStatusCode.Created);
        (await c.PatchAsJsonAsync($"{repo.Api}/issues/1", new { state = "closed" })).EnsureSuccessStatusCode();
        Assert.True((await (await c.DeleteAsync($"{repo.Api}/issues/2")).JsonAsync())["success"]!.GetValue<bool>());
        Assert.True((await (await c.DeleteAsync($"{repo.Api}/issues/1")).JsonAsync())["success"]!.GetValue<bool>());
        var list = await (await c.GetAsync($"{repo.Api}/issues?state=all")).JsonAsync();
        Assert.Empty(list["issues"]!.AsArray());
        Assert.Equal(0, list.Int("openCount"));
        Assert.Equal(0, list.Int("closedCount"));
        await (await c.GetAsync($"{repo.V1}/issues/comments/{comment["comment"]!.Str("id")}")).ErrorAsync(HttpStatusCode.NotFound);
    }
}

public sealed class IssueTestsOnSqlite(IssuesSqliteServer s) : IssueTests(s), IClassFixture<IssuesSqliteServer>;

public sealed class IssueTestsOnPostgres(IssuesPostgresServer s) : IssueTests(s), IClassFixture<IssuesPostgresServer>;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Issues;

/// <summary>GitHub's cross-repository issue lists, a repository's comments, and assignees on v1.</summary>
public abstract class V1CallerIssueTests(AnvilServer server)
{
    private static List<string> Titles(JsonNode list) => list.AsArray().Select(i => i!.Str("title")).ToList();

    private static async Task<List<string>> TitlesAsync(HttpClient c, string url) => Titles(await (await c.GetAsync(url)).JsonAsync());

    [Fact]
    public async Task Issues_of_the_caller_across_repositories_by_filter_only_where_they_may_read()
    {
        var open = await TestRepo.CreateAsync(server);
        var secret = await TestRepo.CreateAsync(server, isPrivate: true, owner: open.Owner);
        var helper = await secret.AddCollaboratorAsync("push");
        var stranger = await server.SignUpAsync();
        using var owner = open.Owner.Client();
        await open.CreateIssueAsync(owner, new { title = "public, assigned", assignees = new[] { helper.Username } });
        await secret.CreateIssueAsync(owner, new { title = "private, assigned", assignees = new[] { helper.Username } });
        await secret.CreateIssueAsync(owner, new { title = "private, unassigned" });
        using (var s = stranger.Client())
        {
            await open.CreateIssueAsync(s, new { title = "by the stranger" });
        }

        using var h = server.WithBearer(await helper.CreateTokenAsync("repo"));
        Assert.Equal(["private, assigned", "public, assigned"], await TitlesAsync(h, "/api/v1/issues"));
        Assert.Equal(["public, assigned", "private, assigned"], await TitlesAsync(h, "/api/v1/user/issues?direction=asc"));
        Assert.Empty(await TitlesAsync(h, "/api/v1/issues?filter=created"));
        Assert.Equal(["private, unassigned", "private, assigned"], await TitlesAsync(h, "/api/v1/issues?filter=repos"));
        using var s2 = stranger.Client();
        Assert.Equal(["by the stranger"], await TitlesAsync(s2, "/api/v1/issues?filter=created"));
        Assert.Equal(["by the stranger"], await TitlesAsync(s2, "/api/v1/issues?filter=subscribed"));
        Assert.Empty(await TitlesAsync(s2, "/api/v1/issues?filter=all"));
        Assert.Equal(["by the stranger", "private, unassigned", "private, assigned", "public, assigned"],
            await TitlesAsync(owner, "/api/v1/user/issues?filter=all"));
        Assert.Equal(["private, assigned", "public, assigned"], await TitlesAsync(h, "/api/v1/issues?filter=subscribed"));
        Assert.Empty(await TitlesAsync(h, "/api/v1/issues?filter=mentioned"));

        // State, labels, since, sort and direction as on a repository's list.
        await (await owner.PostAsJsonAsync($"{secret.V1}/labels", new { name = "needs-triage", color = "d73a4a" })).JsonAsync(HttpStatusCode.Created);
        await (await owner.PostAsJsonAsync($"{secret.V1}/issues/2/labels", new { labels = new[] { "needs-triage" } })).JsonAsync();
        Assert.Equal(["private, unassigned"], await TitlesAsync(owner, "/api/v1/issues?filter=all&labels=Needs-Triage"));
        Assert.Empty(await TitlesAsync(owner, "/api/v1/issues?filter=all&labels=needs-triage,nothing"));
        await (await owner.PatchAsJsonAsync($"{open.V1}/issues/1", new { state = "closed" })).JsonAsync();
        Assert.Equal(["public, assigned"], await TitlesAsync(h, "/api/v1/issues?state=closed"));
        Assert.Equal(["private, assigned"], await TitlesAsync(h, "/api/v1/issues?state=open"));
        Assert.Equal(["public, assigned", "private, assigned"], await TitlesAsync(h, "/api/v1/issues?state=all&sort=updated"));
        var future = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        Assert.Empty(await TitlesAsync(h, $"/api/v1/issues?state=all&since={future}"));
        var paged = await h.GetAsync("/api/v1/issues?state=all&per_page=1");
        Assert.Equal(["private, assigned"], Titles(await paged.JsonAsync()));
        Assert.Contains("rel=\"last\"", paged.Headers.GetValues("Link").Single());

        // Losing access to the private repository takes its issues out of the list.
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{secret.V1}/collaborators/{helper.Username}")).StatusCode);
        Assert.Equal(["public, assigned"], await TitlesAsync(h, "/api/v1/issues?state=all"));
        Assert.Empty(await TitlesAsync(h, "/api/v1/issues?filter=repos&state=all"));

        await (await h.GetAsync("/api/v1/issues?filter=everything")).ErrorAsync((HttpStatusCode)422);
        await (await h.GetAsync("/api/v1/issues?state=maybe")).ErrorAsync((HttpStatusCode)422);
        await (await h.GetAsync("/api/v1/issues?sort=votes")).ErrorAsync((HttpStatusCode)422);
        using var anonymous = server.Anonymous();
        var body = await (await anonymous.GetAsync("/api/v1/issues")).ErrorBodyAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Requires authentication", body["message"]!.GetValue<string>());
        await (await anonymous.GetAsync("/api/v1/user/issues")).ErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_repositorys_comments_sort_direction_and_since()
    {
        var repo = await TestRepo.CreateAsync(server, isPrivate: true);
        using var c = repo.Owner.Client();
        await repo.CreateIssueAsync("first");
        await repo.CreateIssueAsync("second");
        var ids = new List<long>();
        foreach (var (number, text) in new[] { (1, "one"), (2, "two"), (1, "three") })
        {
            var made = await (await c.PostAsJsonAsync($"{repo.V1}/issues/{number}/comments", new { body = text })).JsonAsync(HttpStatusCode.Created);
            ids.Add(made["id"]!.GetValue<long>());
        }
        await (await c.PatchAsJsonAsync($"{repo.V1}/issues/comments/{ids[0]}", new { body = "one, edited" })).JsonAsync();

        async Task<List<string>> Bodies(string query) =>
            (await (await c.GetAsync($"{repo.V1}/issues/comments{query}")).JsonAsync()).AsArray().Select(x => x!.Str("body")).ToList();
        Assert.Equal(["one, edited", "two", "three"], await Bodies(""));
        Assert.Equal(["three", "two", "one, edited"], await Bodies("?sort=created&direction=desc"));
        Assert.Equal(["one, edited", "two", "three"], await Bodies("?direction=desc"));
        Assert.Equal(["two", "three", "one, edited"], await Bodies("?sort=updated"));
        Assert.Equal(["one, edited", "three", "two"], await Bodies("?sort=updated&direction=desc"));
        var listed = (await (await c.GetAsync($"{repo.V1}/issues/comments")).JsonAsync()).AsArray();
        Assert.EndsWith($"{repo.V1}/issues/2", listed[1]!.Str("issue_url"));
        Assert.Equal("OWNER", listed[0]!.Str("author_association"));
        var future = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        Assert.Empty(await Bodies($"?since={future}"));
        Assert.Equal(3, (await Bodies("?since=2000-01-01T00:00:00Z")).Count);
        var paged = await c.GetAsync($"{repo.V1}/issues/comments?per_page=2");
        Assert.Equal(2, (await paged.JsonAsync()).AsArray().Count);
        Assert.Contains("page=2>; rel=\"last\"", paged.Headers.GetValues("Link").Single());

        await (await c.GetAsync($"{repo.V1}/issues/comments?sort=votes")).ErrorAsync((HttpStatusCode)422);
        await (await c.GetAsync($"{repo.V1}/issues/comments?since=yesterday")).ErrorAsync(HttpStatusCode.BadRequest);
        using var stranger = (await server.SignUpAsync()).Client();
        await (await stranger.GetAsync($"{repo.V1}/issues/comments")).ErrorAsync(HttpStatusCode.NotFound);
        await (await server.Anonymous().GetAsync($"{repo.V1}/issues/comments")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Assignees_are_added_removed_listed_and_checked()
    {
        var repo = await TestRepo.CreateAsync(server, isPrivate: true);
        var helper = await repo.AddCollaboratorAsync("push");
        var reader = await repo.AddCollaboratorAsync("pull");
        var stranger = await server.SignUpAsync();
        await repo.CreateIssueAsync("needs hands");
        using var c = repo.Owner.Client();
        static List<string> Logins(JsonNode issue) => issue["assignees"]!.AsArray().Select(a => a!.Str("login")).ToList();

        var added = await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/assignees", new { assignees = new[] { helper.Username } }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal([helper.Username], Logins(added));
        Assert.Equal(helper.Username, added.Str("assignee.login"));
        added = await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/assignees", new { assignees = new[] { repo.Owner.Username, helper.Username } }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(new[] { repo.Owner.Username, helper.Username }.Order(), Logins(added).Order());

        // Someone who cannot read the repository cannot be assigned, and nothing changes.
        var refused = await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/assignees", new { assignees = new[] { reader.Username, stranger.Username } }))
            .ErrorBodyAsync((HttpStatusCode)422);
        Assert.Equal("Validation Failed", refused["message"]!.GetValue<string>());
        Assert.Equal(2, Logins(await (await c.GetAsync($"{repo.V1}/issues/1")).JsonAsync()).Count);

        var removed = await (await c.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"{repo.V1}/issues/1/assignees")
        {
            Content = JsonContent.Create(new { assignees = new[] { repo.Owner.Username, "nobody-assigned" } }),
        })).JsonAsync();
        Assert.Equal([helper.Username], Logins(removed));

        // A reader may not change assignees; a stranger does not see the repository.
        using var r = reader.Client();
        await (await r.PostAsJsonAsync($"{repo.V1}/issues/1/assignees", new { assignees = new[] { reader.Username } })).ErrorAsync(HttpStatusCode.Forbidden);
        using var s = stranger.Client();
        await (await s.PostAsJsonAsync($"{repo.V1}/issues/1/assignees", new { assignees = new[] { stranger.Username } })).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/99/assignees", new { assignees = new[] { helper.Username } })).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.PostAsJsonAsync($"{repo.V1}/issues/1/assignees", new { assignees = "not a list" })).ErrorAsync(HttpStatusCode.BadRequest);

        var available = (await (await c.GetAsync($"{repo.V1}/assignees")).JsonAsync()).AsArray().Select(u => u!.Str("login")).ToList();
        Assert.Equal([repo.Owner.Username, helper.Username, reader.Username], available);
        Assert.Equal(HttpStatusCode.NoContent, (await c.GetAsync($"{repo.V1}/assignees/{reader.Username}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await c.GetAsync($"{repo.V1}/assignees/{repo.Owner.Username.ToUpperInvariant()}")).StatusCode);
        await (await c.GetAsync($"{repo.V1}/assignees/{stranger.Username}")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{repo.V1}/assignees/no-such-user-here")).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.GetAsync($"{repo.V1}/assignees")).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.GetAsync($"{repo.V1}/assignees/{repo.Owner.Username}")).ErrorAsync(HttpStatusCode.NotFound);
    }
}

public sealed class V1CallerIssueTestsOnSqlite(IssuesSqliteServer s) : V1CallerIssueTests(s), IClassFixture<IssuesSqliteServer>;

public sealed class V1CallerIssueTestsOnPostgres(IssuesPostgresServer s) : V1CallerIssueTests(s), IClassFixture<IssuesPostgresServer>;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>Requested reviewers and editing or deleting review comments on v1, as GitHub answers them.</summary>
public abstract class V1ReviewRequestTests(PullsServer server)
{
    private static List<string> Logins(JsonNode list) => list.AsArray().Select(u => u!.Str("login")).ToList();

    private static HttpRequestMessage Delete(string url, object body) => new(HttpMethod.Delete, url) { Content = JsonContent.Create(body) };

    private async Task<(PullRepo Repo, string Pull, TestUser Writer, TestUser Reader, TestUser Stranger)> ScenarioAsync()
    {
        var repo = await PullRepo.CreateAsync(server, isPrivate: true);
        await repo.CommitAsync("feature", "feature.txt", "one\n", from: "main");
        await repo.PushAsync("feature");
        var writer = await server.SignUpAsync();
        var reader = await server.SignUpAsync();
        using (var o = repo.Owner.Client())
        {
            (await o.PutAsJsonAsync($"{repo.V1}/collaborators/{writer.Username}", new { permission = "push" })).EnsureSuccessStatusCode();
            (await o.PutAsJsonAsync($"{repo.V1}/collaborators/{reader.Username}", new { permission = "pull" })).EnsureSuccessStatusCode();
        }
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Please look", headBranch = "feature", baseBranch = "main" });
        return (repo, $"{repo.V1}/pulls/{pr.Number()}", writer, reader, await server.SignUpAsync());
    }

    [Fact]
    public async Task Reviewers_are_requested_listed_removed_and_answered_by_reviewing()
    {
        var (repo, pull, writer, reader, stranger) = await ScenarioAsync();
        using var repoOwner = repo;
        using var o = repo.Owner.Client();

        var requested = await (await o.PostAsJsonAsync($"{pull}/requested_reviewers", new { reviewers = new[] { writer.Username, reader.Username } }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(new[] { writer.Username, reader.Username }.Order(), Logins(requested["requested_reviewers"]!).Order());
        var listed = await (await o.GetAsync($"{pull}/requested_reviewers")).JsonAsync();
        Assert.Equal(new[] { writer.Username, reader.Username }.Order(), Logins(listed["users"]!).Order());
        Assert.Empty(listed["teams"]!.AsArray());
        Assert.Equal(2, (await (await o.GetAsync(pull)).JsonAsync())["requested_reviewers"]!.AsArray().Count);
        // Asking again changes nothing.
        await (await o.PostAsJsonAsync($"{pull}/requested_reviewers", new { reviewers = new[] { writer.Username } })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(2, (await (await o.GetAsync($"{pull}/requested_reviewers")).JsonAsync())["users"]!.AsArray().Count);

        // A review by a requested reviewer answers their request.
        using var w = writer.Client();
        await (await w.PostAsJsonAsync($"{pull}/reviews", new { @event = "APPROVE" })).JsonAsync();
        Assert.Equal([reader.Username], Logins((await (await o.GetAsync($"{pull}/requested_reviewers")).JsonAsync())["users"]!));

        var removed = await (await o.SendAsync(Delete($"{pull}/requested_reviewers", new { reviewers = new[] { reader.Username } }))).JsonAsync();
        Assert.Empty(removed["requested_reviewers"]!.AsArray());
        Assert.Empty((await (await o.GetAsync($"{pull}/requested_reviewers")).JsonAsync())["users"]!.AsArray());
    }

    [Fact]
    public async Task Requests_that_cannot_be_made_are_refused_and_change_nothing()
    {
        var (repo, pull, writer, reader, stranger) = await ScenarioAsync();
        using var repoOwner = repo;
        using var o = repo.Owner.Client();
        await (await o.PostAsJsonAsync($"{pull}/requested_reviewers", new { reviewers = new[] { writer.Username } })).JsonAsync(HttpStatusCode.Created);

        // The stranger may not read the repository; the author cannot review their own; a name must be a user; no teams.
        foreach (var body in new object[]
        {
            new { reviewers = new[] { reader.Username, stranger.Username } },
            new { reviewers = new[] { repo.Owner.Username } },
            new { reviewers = new[] { "no-such-user-anywhere" } },
            new { reviewers = Array.Empty<string>(), team_reviewers = new[] { "core" } },
        })
        {
            var refused = await (await o.PostAsJsonAsync($"{pull}/requested_reviewers", body)).ErrorBodyAsync((HttpStatusCode)422);
            Assert.Equal("Validation Failed", refused["message"]!.GetValue<string>());
        }
        await (await o.PostAsJsonAsync($"{pull}/requested_reviewers", new { reviewers = "nobody" })).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal([writer.Username], Logins((await (await o.GetAsync($"{pull}/requested_reviewers")).JsonAsync())["users"]!));

        // A reader sees the requests but may not make or remove them; a stranger does not see the pull request.
        using var r = reader.Client();
        Assert.Equal([writer.Username], Logins((await (await r.GetAsync($"{pull}/requested_reviewers")).JsonAsync())["users"]!));
        await (await r.PostAsJsonAsync($"{pull}/requested_reviewers", new { reviewers = new[] { reader.Username } })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await r.SendAsync(Delete($"{pull}/requested_reviewers", new { reviewers = new[] { writer.Username } }))).ErrorAsync(HttpStatusCode.Forbidden);
        using var s = stranger.Client();
        await (await s.GetAsync($"{pull}/requested_reviewers")).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.PostAsJsonAsync($"{pull}/requested_reviewers", new { reviewers = new[] { writer.Username } })).ErrorAsync(HttpStatusCode.NotFound);
        await (await server.Anonymous().GetAsync($"{pull}/requested_reviewers")).ErrorAsync(HttpStatusCode.NotFound);
        await (await o.GetAsync($"{repo.V1}/pulls/99/requested_reviewers")).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal([writer.Username], Logins((await (await o.GetAsync($"{pull}/requested_reviewers")).JsonAsync())["users"]!));
    }

    [Fact]
    public async Task Review_comments_are_edited_and_deleted_by_their_author_or_a_writer()
    {
        var (repo, pull, writer, reader, stranger) = await ScenarioAsync();
        using var repoOwner = repo;
        using var r = reader.Client();
        var comment = await (await r.PostAsJsonAsync($"{pull}/comments", new { body = "typo?", path = "feature.txt", line = 1, side = "RIGHT" }))
            .JsonAsync(HttpStatusCode.Created);
        var url = $"{repo.V1}/pulls/comments/{comment["id"]!.GetValue<long>()}";

        var edited = await (await r.PatchAsJsonAsync(url, new { body = "typo, line 1" })).JsonAsync();
        Assert.Equal("typo, line 1", edited.Str("body"));
        Assert.Equal(comment.Str("url"), edited.Str("url"));
        Assert.Equal("typo, line 1", (await (await r.GetAsync(url)).JsonAsync()).Str("body"));
        Assert.Equal("typo, line 1", Assert.Single((await (await r.GetAsync($"{pull}/comments")).JsonAsync()).AsArray())!.Str("body"));
        await (await r.PatchAsJsonAsync(url, new { body = "" })).ErrorAsync((HttpStatusCode)422);
        await (await r.PatchAsJsonAsync(url, new { })).ErrorAsync(HttpStatusCode.BadRequest); // a required field missing: 400, as on every JsonBody route

        // Another reader may not touch it; a stranger does not see it; a writer moderates.
        var other = await server.SignUpAsync();
        using (var ow = repo.Owner.Client())
        {
            (await ow.PutAsJsonAsync($"{repo.V1}/collaborators/{other.Username}", new { permission = "pull" })).EnsureSuccessStatusCode();
        }
        using var x = other.Client();
        await (await x.PatchAsJsonAsync(url, new { body = "mine now" })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await x.DeleteAsync(url)).ErrorAsync(HttpStatusCode.Forbidden);
        using var s = stranger.Client();
        await (await s.GetAsync(url)).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.PatchAsJsonAsync(url, new { body = "hidden" })).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("typo, line 1", (await (await r.GetAsync(url)).JsonAsync()).Str("body"));
        using var w = writer.Client();
        Assert.Equal("typo (fixed)", (await (await w.PatchAsJsonAsync(url, new { body = "typo (fixed)" })).JsonAsync()).Str("body"));
        Assert.Equal(HttpStatusCode.NoContent, (await w.DeleteAsync(url)).StatusCode);
        await (await r.GetAsync(url)).ErrorAsync(HttpStatusCode.NotFound);
        await (await r.DeleteAsync(url)).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await r.GetAsync($"{pull}/comments")).JsonAsync()).AsArray());
    }
}

public sealed class V1ReviewRequestTestsOnSqlite(PullsSqliteServer s) : V1ReviewRequestTests(s), IClassFixture<PullsSqliteServer>;

public sealed class V1ReviewRequestTestsOnPostgres(PullsPostgresServer s) : V1ReviewRequestTests(s), IClassFixture<PullsPostgresServer>;

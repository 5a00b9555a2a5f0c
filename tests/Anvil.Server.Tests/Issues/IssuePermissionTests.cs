using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Issues;

/// <summary>Who may do what, for every kind of caller, on a public and on a private repository.</summary>
public abstract class IssuePermissionTests(AnvilServer server)
{
    public enum Who { Anonymous, Stranger, Reader, Writer, Owner, PatWrite, PatRead }

    private sealed record World(TestRepo Repo, Dictionary<Who, HttpClient> Clients, Dictionary<Who, TestUser?> Users) : IDisposable
    {
        public void Dispose()
        {
            foreach (var c in Clients.Values)
            {
                c.Dispose();
            }
        }
    }

    private async Task<World> WorldAsync(bool isPrivate)
    {
        var repo = await TestRepo.CreateAsync(server, isPrivate);
        var stranger = await server.SignUpAsync();
        var reader = await repo.AddCollaboratorAsync("pull");
        var writer = await repo.AddCollaboratorAsync("push");
        var users = new Dictionary<Who, TestUser?>
        {
            [Who.Anonymous] = null, [Who.Stranger] = stranger, [Who.Reader] = reader, [Who.Writer] = writer,
            [Who.Owner] = repo.Owner, [Who.PatWrite] = repo.Owner, [Who.PatRead] = repo.Owner,
        };
        var clients = new Dictionary<Who, HttpClient>
        {
            [Who.Anonymous] = server.Anonymous(),
            [Who.Stranger] = stranger.Client(),
            [Who.Reader] = reader.Client(),
            [Who.Writer] = writer.Client(),
            [Who.Owner] = repo.Owner.Client(),
            [Who.PatWrite] = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write")),
            [Who.PatRead] = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:read")),
        };
        return new World(repo, clients, users);
    }

    public static TheoryData<bool, Who, HttpStatusCode, HttpStatusCode> Reading => new()
    {
        // private?, who, list/get status, create status
        { false, Who.Anonymous, HttpStatusCode.OK, HttpStatusCode.Unauthorized },
        { false, Who.Stranger, HttpStatusCode.OK, HttpStatusCode.Created },
        { false, Who.Reader, HttpStatusCode.OK, HttpStatusCode.Created },
        { false, Who.Writer, HttpStatusCode.OK, HttpStatusCode.Created },
        { false, Who.Owner, HttpStatusCode.OK, HttpStatusCode.Created },
        { false, Who.PatWrite, HttpStatusCode.OK, HttpStatusCode.Created },
        { false, Who.PatRead, HttpStatusCode.OK, HttpStatusCode.Forbidden },
        { true, Who.Anonymous, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized },
        { true, Who.Stranger, HttpStatusCode.NotFound, HttpStatusCode.NotFound },
        { true, Who.Reader, HttpStatusCode.OK, HttpStatusCode.Created },
        { true, Who.Writer, HttpStatusCode.OK, HttpStatusCode.Created },
        { true, Who.Owner, HttpStatusCode.OK, HttpStatusCode.Created },
        { true, Who.PatWrite, HttpStatusCode.OK, HttpStatusCode.Created },
        { true, Who.PatRead, HttpStatusCode.OK, HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Reading))]
    public async Task Seeing_and_opening_issues(bool isPrivate, Who who, HttpStatusCode read, HttpStatusCode create)
    {
        using var w = await WorldAsync(isPrivate);
        await w.Repo.CreateIssueAsync();
        var c = w.Clients[who];
        foreach (var path in new[] { "/issues", "/issues/1", "/issues/1/comments", "/labels" })
        {
            foreach (var root in new[] { w.Repo.Api, w.Repo.V1 })
            {
                var res = await c.GetAsync(root + path);
                if (read == HttpStatusCode.OK)
                {
                    await res.JsonAsync();
                }
                else
                {
                    await res.ErrorAsync(read);
                }
            }
        }
        foreach (var root in new[] { w.Repo.Api, w.Repo.V1 })
        {
            var res = await c.PostAsJsonAsync(root + "/issues", new { title = "from " + who });
            if (create == HttpStatusCode.Created)
            {
                await res.JsonAsync(HttpStatusCode.Created);
            }
            else
            {
                await res.ErrorAsync(create);
            }
            if (who == Who.PatRead)
            {
                Assert.Equal("repo:write", res.Headers.GetValues("X-Accepted-OAuth-Scopes").Single());
            }
            var comment = await c.PostAsJsonAsync(root + "/issues/1/comments", new { body = "me too" });
            if (create == HttpStatusCode.Created)
            {
                await comment.JsonAsync(HttpStatusCode.Created);
            }
            else
            {
                await comment.ErrorAsync(create);
            }
        }
        var expected = create == HttpStatusCode.Created ? 3 : 1;
        var list = await (await w.Clients[Who.Owner].GetAsync($"{w.Repo.Api}/issues")).JsonAsync();
        Assert.Equal(expected, list["issues"]!.AsArray().Count);
        Assert.Equal(expected, list.Int("openCount"));
        Assert.Equal(expected == 3 ? 2 : 0, (await w.Repo.IssueAsync(1)).Int("commentCount"));
    }

    public static TheoryData<Who, bool, bool, bool> Triage => new()
    {
        // who (not the issue's author), may edit title, may close, may label/assign/lock
        { Who.Stranger, false, false, false },
        { Who.Reader, false, false, false },
        { Who.Writer, true, true, true },
        { Who.Owner, true, true, true },
        { Who.PatWrite, true, true, true },
    };

    [Theory]
    [MemberData(nameof(Triage))]
    public async Task Changing_someone_elses_issue(Who who, bool mayEdit, bool mayClose, bool mayTriage)
    {
        using var w = await WorldAsync(isPrivate: false);
        // The author is a fresh user, so nobody in the matrix is the author.
        var author = await server.SignUpAsync();
        using (var a = author.Client())
        {
            await w.Repo.CreateIssueAsync(a, new { title = "theirs" });
        }
        var c = w.Clients[who];
        var url = $"{w.Repo.Api}/issues/1";
        await Expect(await c.PatchAsJsonAsync(url, new { title = "mine now" }), mayEdit);
        await Expect(await c.PatchAsJsonAsync(url, new { body = "rewritten" }), mayEdit);
        await Expect(await c.PatchAsJsonAsync(url, new { state = "closed" }), mayClose);
        await Expect(await c.PatchAsJsonAsync(url, new { state = "open" }), mayClose);
        await Expect(await c.PatchAsJsonAsync(url, new { labels = new[] { "bug" } }), mayTriage);
        await Expect(await c.PatchAsJsonAsync(url, new { assignees = new[] { author.Username } }), mayTriage);
        await Expect(await c.PatchAsJsonAsync(url, new { locked = true }), mayTriage);
        await Expect(await c.PatchAsJsonAsync(url, new { locked = false }), mayTriage);
        await Expect(await c.PostAsJsonAsync($"{w.Repo.V1}/issues/1/labels", new[] { "question" }), mayTriage);
        await Expect(await c.PutAsync($"{w.Repo.V1}/issues/1/lock", null), mayTriage);
        await Expect(await c.DeleteAsync($"{w.Repo.V1}/issues/1/lock"), mayTriage);
        var issue = await w.Repo.IssueAsync(1);
        Assert.Equal(mayEdit ? "mine now" : "theirs", issue.Str("title"));
        Assert.Equal(mayTriage ? ["bug", "question"] : [], issue.Strings("labels", "name"));
    }

    [Fact]
    public async Task The_author_edits_closes_and_reopens_their_own_issue_but_cannot_triage_it()
    {
        using var w = await WorldAsync(isPrivate: false);
        var c = w.Clients[Who.Stranger];
        await w.Repo.CreateIssueAsync(c, new { title = "mine", labels = new[] { "bug" }, assignees = new[] { w.Users[Who.Stranger]!.Username } });
        var issue = await w.Repo.IssueAsync(1);
        Assert.Empty(issue["labels"]!.AsArray()); // dropped, as GitHub drops them for non-writers
        Assert.Empty(issue["assignees"]!.AsArray());
        var url = $"{w.Repo.Api}/issues/1";
        await Expect(await c.PatchAsJsonAsync(url, new { title = "still mine", body = "more" }), true);
        await Expect(await c.PatchAsJsonAsync(url, new { state = "closed" }), true);
        Assert.Equal(w.Users[Who.Stranger]!.Username, (await w.Repo.IssueAsync(1)).Str("closedBy.username"));
        await Expect(await c.PatchAsJsonAsync(url, new { state = "open" }), true);
        await Expect(await c.PatchAsJsonAsync(url, new { labels = new[] { "bug" } }), false);
        await Expect(await c.PatchAsJsonAsync(url, new { locked = true }), false);
        await (await c.DeleteAsync(url)).ErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Only_the_owner_deletes_issues()
    {
        using var w = await WorldAsync(isPrivate: true);
        await w.Repo.CreateIssueAsync();
        var url = $"{w.Repo.Api}/issues/1";
        await (await w.Clients[Who.Anonymous].DeleteAsync(url)).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await w.Clients[Who.Stranger].DeleteAsync(url)).ErrorAsync(HttpStatusCode.NotFound);
        await (await w.Clients[Who.Reader].DeleteAsync(url)).ErrorAsync(HttpStatusCode.Forbidden);
        await (await w.Clients[Who.Writer].DeleteAsync(url)).ErrorAsync(HttpStatusCode.Forbidden);
        await (await w.Clients[Who.PatRead].DeleteAsync(url)).ErrorAsync(HttpStatusCode.Forbidden);
        await w.Repo.IssueAsync(1);
        Assert.Equal(HttpStatusCode.NoContent, (await w.Clients[Who.PatWrite].DeleteAsync($"{w.Repo.V1}/issues/1")).StatusCode);
        await (await w.Clients[Who.Owner].GetAsync(url)).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Locked_issues_take_comments_only_from_writers()
    {
        using var w = await WorldAsync(isPrivate: false);
        await w.Repo.CreateIssueAsync(w.Clients[Who.Reader], new { title = "by the reader" });
        var comment = await (await w.Clients[Who.Reader].PostAsJsonAsync($"{w.Repo.Api}/issues/1/comments", new { body = "early" })).JsonAsync(HttpStatusCode.Created);
        var commentId = comment["comment"]!.Str("id");
        await Expect(await w.Clients[Who.Writer].PatchAsJsonAsync($"{w.Repo.Api}/issues/1", new { locked = true }), true);

        foreach (var who in new[] { Who.Stranger, Who.Reader })
        {
            await (await w.Clients[who].PostAsJsonAsync($"{w.Repo.Api}/issues/1/comments", new { body = "let me in" })).ErrorAsync(HttpStatusCode.Forbidden);
            await (await w.Clients[who].PostAsJsonAsync($"{w.Repo.V1}/issues/1/comments", new { body = "let me in" })).ErrorAsync(HttpStatusCode.Forbidden);
        }
        // The reader wrote the issue and the comment, but a locked conversation is frozen for them.
        await (await w.Clients[Who.Reader].PatchAsJsonAsync($"{w.Repo.Api}/issues/1", new { title = "edited" })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await w.Clients[Who.Reader].PatchAsJsonAsync($"{w.Repo.Api}/issues/comments/{commentId}", new { body = "edited" })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await w.Clients[Who.Writer].PostAsJsonAsync($"{w.Repo.Api}/issues/1/comments", new { body = "collaborator note" })).JsonAsync(HttpStatusCode.Created);
        await (await w.Clients[Who.Owner].PostAsJsonAsync($"{w.Repo.V1}/issues/1/comments", new { body = "owner note" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(3, (await w.Repo.IssueAsync(1)).Int("commentCount"));
    }

    [Fact]
    public async Task Assignees_must_be_able_to_read_the_repository()
    {
        using var w = await WorldAsync(isPrivate: true);
        await w.Repo.CreateIssueAsync();
        var url = $"{w.Repo.Api}/issues/1";
        var stranger = w.Users[Who.Stranger]!.Username;
        await (await w.Clients[Who.Owner].PatchAsJsonAsync(url, new { assignees = new[] { stranger } })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await w.Clients[Who.Owner].PatchAsJsonAsync($"{w.Repo.V1}/issues/1", new { assignees = new[] { stranger } })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        var assigned = (await (await w.Clients[Who.Writer].PatchAsJsonAsync(url, new
        {
            assignees = new[] { w.Users[Who.Reader]!.Username, w.Users[Who.Writer]!.Username, w.Repo.Owner.Username },
        })).JsonAsync())["issue"]!;
        Assert.Equal(3, assigned["assignees"]!.AsArray().Count);

        // On a public repository everyone can read, so anyone can be assigned.
        using var open = await WorldAsync(isPrivate: false);
        await open.Repo.CreateIssueAsync();
        var anyone = await server.SignUpAsync();
        var res = await open.Clients[Who.Writer].PatchAsJsonAsync($"{open.Repo.Api}/issues/1", new { assignees = new[] { anyone.Username } });
        Assert.Equal([anyone.Username], (await res.JsonAsync())["issue"]!.Strings("assignees", "username"));
    }

    private static async Task Expect(HttpResponseMessage res, bool allowed)
    {
        if (allowed)
        {
            Assert.True(res.IsSuccessStatusCode, $"expected success, got {(int)res.StatusCode}: {await res.Content.ReadAsStringAsync()}");
        }
        else
        {
            await res.ErrorAsync(HttpStatusCode.Forbidden);
        }
    }
}

public sealed class IssuePermissionTestsOnSqlite(IssuesSqliteServer s) : IssuePermissionTests(s), IClassFixture<IssuesSqliteServer>;

public sealed class IssuePermissionTestsOnPostgres(IssuesPostgresServer s) : IssuePermissionTests(s), IClassFixture<IssuesPostgresServer>;

using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Browsing;

/// <summary>
/// GET /repos/{o}/{r}/commits as GitHub clients use it: a Link header with <c>last</c> (PyGithub's totalCount reads it)
/// and the since, until, author and path filters.
/// </summary>
public abstract class CommitListV1Tests(AnvilServer server)
{
    private sealed record History(TestUser Owner, string Name, List<string> OldestFirst)
    {
        public string V1 => $"/api/v1/repos/{Owner.Username}/{Name}";
    }

    /// <summary>Seven commits, oldest first: five by Ada (two touching notes.txt), then two by the owner's own address.</summary>
    private async Task<History> HistoryAsync()
    {
        var owner = await server.SignUpAsync();
        var name = await GitWorkTree.CreateRepositoryAsync(owner);
        using var wt = GitWorkTree.Create();
        var oids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            wt.Write(i % 2 == 1 ? "notes.txt" : "main.txt", $"change {i}\n");
            oids.Add(wt.Commit($"ada {i}"));
        }
        wt.AuthorName = "The Owner";
        wt.AuthorEmail = $"{owner.Username.ToUpperInvariant()}@example.com";
        for (var i = 0; i < 2; i++)
        {
            wt.Write("main.txt", $"owner {i}\n");
            oids.Add(wt.Commit($"owner {i}"));
        }
        wt.Push(owner, owner.Username, name, "main");
        return new History(owner, name, oids);
    }

    private static string? Link(HttpResponseMessage res) => res.Headers.TryGetValues("Link", out var values) ? string.Join(", ", values) : null;

    private static List<string> Shas(JsonNode list) => list.AsArray().Select(c => c!.Str("sha")).ToList();

    [Fact]
    public async Task Pages_link_first_and_last_from_the_counted_history()
    {
        var h = await HistoryAsync();
        using var c = h.Owner.Client();
        var url = $"{server.BaseUri.ToString().TrimEnd('/')}{h.V1}/commits";

        var first = await c.GetAsync($"{h.V1}/commits?per_page=2");
        Assert.Equal([h.OldestFirst[6], h.OldestFirst[5]], Shas(await first.JsonAsync()));
        Assert.Equal($"<{url}?per_page=2&page=2>; rel=\"next\", <{url}?per_page=2&page=4>; rel=\"last\"", Link(first));

        var last = await c.GetAsync($"{h.V1}/commits?per_page=2&page=4");
        Assert.Equal([h.OldestFirst[0]], Shas(await last.JsonAsync()));
        Assert.Equal($"<{url}?per_page=2&page=1>; rel=\"first\", <{url}?per_page=2&page=3>; rel=\"prev\"", Link(last));

        // Filtered lists count what the filter keeps.
        var notes = await c.GetAsync($"{h.V1}/commits?path=notes.txt&per_page=1");
        Assert.Equal([h.OldestFirst[3]], Shas(await notes.JsonAsync()));
        Assert.Contains($"<{url}?path=notes.txt&per_page=1&page=2>; rel=\"last\"", Link(notes));
        // Everything on one page: no Link, as on GitHub.
        var all = await c.GetAsync($"{h.V1}/commits");
        Assert.Equal(7, Shas(await all.JsonAsync()).Count);
        Assert.Null(Link(all));
    }

    [Fact]
    public async Task A_commit_names_its_author_as_their_profile_is_now()
    {
        var h = await HistoryAsync();
        using var token = server.WithBearer(await h.Owner.CreateTokenAsync("user"));
        using var anonymous = server.Anonymous();
        var before = (await (await token.GetAsync($"{h.V1}/commits?per_page=1")).JsonAsync())[0]!;
        Assert.Equal((h.Owner.Username, h.OldestFirst[6]), (before.Str("author.login"), before.Str("sha")));
        var oldName = before["author"]!["name"]?.GetValue<string>();

        (await token.PatchAsJsonAsync("/api/v1/user", new { name = "Grace Renamed" })).EnsureSuccessStatusCode();
        // Listed again, signed in and anonymous alike: the commit is the same, the person it names has changed.
        foreach (var reader in new[] { token, anonymous })
        {
            var after = (await (await reader.GetAsync($"{h.V1}/commits?per_page=1")).JsonAsync())[0]!;
            Assert.Equal("Grace Renamed", after.Str("author.name"));
            Assert.NotEqual(oldName, after.Str("author.name"));
            Assert.Equal(before.Str("commit.message"), after.Str("commit.message"));
        }
        // Ada's commits name no account: nobody claims her address.
        var adas = (await (await token.GetAsync($"{h.V1}/commits?author=ada@example.com&per_page=1")).JsonAsync())[0]!;
        Assert.Null(adas["author"]);
    }

    [Fact]
    public async Task Author_since_and_until_filter_the_history()
    {
        var h = await HistoryAsync();
        using var c = h.Owner.Client();
        var byUsername = Shas(await (await c.GetAsync($"{h.V1}/commits?author={h.Owner.Username}")).JsonAsync());
        Assert.Equal([h.OldestFirst[6], h.OldestFirst[5]], byUsername);
        var byEmail = Shas(await (await c.GetAsync($"{h.V1}/commits?author=ADA@example.com")).JsonAsync());
        Assert.Equal(h.OldestFirst.GetRange(0, 5).AsEnumerable().Reverse(), byEmail);
        Assert.Empty((await (await c.GetAsync($"{h.V1}/commits?author=nobody-of-that-name")).JsonAsync()).AsArray());
        // An address is matched whole, never as a pattern.
        Assert.Empty((await (await c.GetAsync($"{h.V1}/commits?author=a.a@example.com")).JsonAsync()).AsArray());

        var dated = (await (await c.GetAsync($"{h.V1}/commits")).JsonAsync()).AsArray()
            .ToDictionary(n => n!.Str("sha"), n => n!.Str("commit.committer.date"));
        var since = dated[h.OldestFirst[2]];
        var until = dated[h.OldestFirst[4]];
        Assert.Equal([h.OldestFirst[6], h.OldestFirst[5], h.OldestFirst[4], h.OldestFirst[3], h.OldestFirst[2]],
            Shas(await (await c.GetAsync($"{h.V1}/commits?since={since}")).JsonAsync()));
        Assert.Equal([h.OldestFirst[4], h.OldestFirst[3], h.OldestFirst[2]],
            Shas(await (await c.GetAsync($"{h.V1}/commits?since={since}&until={until}")).JsonAsync()));

        await (await c.GetAsync($"{h.V1}/commits?since=yesterday-ish")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync($"{h.V1}/commits?since={until}&until={since}")).ErrorAsync(HttpStatusCode.UnprocessableEntity);
    }
}

public sealed class CommitListV1TestsOnSqlite(SqliteServer s) : CommitListV1Tests(s), IClassFixture<SqliteServer>;

public sealed class CommitListV1TestsOnPostgres(PostgresServer s) : CommitListV1Tests(s), IClassFixture<PostgresServer>;

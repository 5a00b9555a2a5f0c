using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Issues;

/// <summary>v1 Link headers as GitHub writes them, seen on the issue list.</summary>
public abstract class LinkHeaderTests(AnvilServer server)
{
    private static string? Link(HttpResponseMessage res) => res.Headers.TryGetValues("Link", out var values) ? string.Join(", ", values) : null;

    [Fact]
    public async Task One_page_has_no_Link_and_the_last_page_points_only_back()
    {
        var repo = await TestRepo.CreateAsync(server);
        for (var i = 0; i < 3; i++)
        {
            await repo.CreateIssueAsync($"issue {i}");
        }
        using var c = repo.Owner.Client();
        var url = $"{server.BaseUri.ToString().TrimEnd('/')}{repo.V1}/issues";

        var everything = await c.GetAsync($"{repo.V1}/issues");
        Assert.Equal(3, (await everything.JsonAsync()).AsArray().Count);
        Assert.Null(Link(everything));
        var exactlyOnePage = await c.GetAsync($"{repo.V1}/issues?per_page=3");
        Assert.Equal(3, (await exactlyOnePage.JsonAsync()).AsArray().Count);
        Assert.Null(Link(exactlyOnePage));

        var first = await c.GetAsync($"{repo.V1}/issues?per_page=2");
        await first.JsonAsync();
        Assert.Equal($"<{url}?per_page=2&page=2>; rel=\"next\", <{url}?per_page=2&page=2>; rel=\"last\"", Link(first));

        var last = await c.GetAsync($"{repo.V1}/issues?per_page=2&page=2");
        Assert.Single((await last.JsonAsync()).AsArray());
        Assert.Equal($"<{url}?per_page=2&page=1>; rel=\"first\", <{url}?per_page=2&page=1>; rel=\"prev\"", Link(last));

        // An empty list has one (empty) page: no Link either.
        var empty = await TestRepo.CreateAsync(server, owner: repo.Owner);
        var none = await c.GetAsync($"{empty.V1}/issues");
        Assert.Empty((await none.JsonAsync()).AsArray());
        Assert.Null(Link(none));
    }
}

public sealed class LinkHeaderTestsOnSqlite(IssuesSqliteServer s) : LinkHeaderTests(s), IClassFixture<IssuesSqliteServer>;

public sealed class LinkHeaderTestsOnPostgres(IssuesPostgresServer s) : LinkHeaderTests(s), IClassFixture<IssuesPostgresServer>;

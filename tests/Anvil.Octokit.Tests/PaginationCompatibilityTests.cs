using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

public abstract class PaginationCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Lists_longer_than_a_page_follow_the_link_header()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("many"));
        for (var n = 1; n <= 12; n++)
        {
            await github.Issue.Create(owner.Username, "many", new NewIssue($"issue {n}"));
        }
        var newestFirst = Enumerable.Range(1, 12).Reverse().ToArray();

        // No PageCount: Octokit follows rel="next" until the server stops sending one.
        var all = await github.Issue.GetAllForRepository(owner.Username, "many", new ApiOptions { PageSize = 5 });
        Assert.Equal(newestFirst, all.Select(i => i.Number));

        var secondPage = await github.Issue.GetAllForRepository(owner.Username, "many", new ApiOptions { PageSize = 5, PageCount = 1, StartPage = 2 });
        Assert.Equal(newestFirst[5..10], secondPage.Select(i => i.Number));

        var twoPages = await github.Issue.GetAllForRepository(owner.Username, "many", new ApiOptions { PageSize = 4, PageCount = 2 });
        Assert.Equal(newestFirst[..8], twoPages.Select(i => i.Number));

        var lastPage = await github.Issue.GetAllForRepository(owner.Username, "many", new ApiOptions { PageSize = 5, StartPage = 3 });
        Assert.Equal(newestFirst[10..], lastPage.Select(i => i.Number));
    }

    [Fact]
    public async Task Stargazers_page_through_every_user()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("popular"));
        var fans = new List<string>();
        for (var n = 0; n < 7; n++)
        {
            var (fan, client) = await OctokitClients.SignUpAsync(server);
            await client.Activity.Starring.StarRepo(owner.Username, "popular");
            fans.Add(fan.Username);
        }

        var stargazers = await github.Activity.Starring.GetAllStargazers(owner.Username, "popular", new ApiOptions { PageSize = 3 });
        Assert.Equal(fans.Order(), stargazers.Select(u => u.Login).Order());
    }
}

public sealed class PaginationCompatibilityOnSqlite(OctokitSqliteServer s) : PaginationCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class PaginationCompatibilityOnPostgres(OctokitPostgresServer s) : PaginationCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

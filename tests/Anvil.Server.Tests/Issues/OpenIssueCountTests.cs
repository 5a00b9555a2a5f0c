using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Repositories;
using Anvil.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Issues;

public abstract class OpenIssueCountTests(AnvilServer server)
{
    /// <summary>(sigmagit openIssueCount, v1 open_issues_count, v1 in the owner's repository list).</summary>
    private static async Task<(int Sigmagit, int V1, int V1List)> CountsAsync(TestRepo repo)
    {
        using var c = repo.Owner.Client();
        var sigmagit = (await (await c.GetAsync(repo.Api)).JsonAsync())["repo"]!.Int("openIssueCount");
        var v1 = (await (await c.GetAsync(repo.V1)).JsonAsync()).Int("open_issues_count");
        var list = (await (await c.GetAsync("/api/v1/user/repos?per_page=100")).JsonAsync()).AsArray().Single(r => r!.Str("name") == repo.Name)!;
        Assert.Equal(v1, list.Int("open_issues"));
        return (sigmagit, v1, list.Int("open_issues_count"));
    }

    [Fact]
    public async Task Repository_views_count_open_issues_after_every_change()
    {
        var repo = await TestRepo.CreateAsync(server);
        Assert.Equal((0, 0, 0), await CountsAsync(repo));
        var first = (await repo.CreateIssueAsync("one")).Int("number");
        var second = (await repo.CreateIssueAsync("two")).Int("number");
        await repo.CreateIssueAsync("three");
        Assert.Equal((3, 3, 3), await CountsAsync(repo));

        using var c = repo.Owner.Client();
        await (await c.PatchAsJsonAsync($"{repo.Api}/issues/{first}", new { state = "closed" })).JsonAsync();
        await (await c.PatchAsJsonAsync($"{repo.Api}/issues/{second}", new { state = "closed" })).JsonAsync();
        Assert.Equal((1, 1, 1), await CountsAsync(repo));
        await (await c.PatchAsJsonAsync($"{repo.Api}/issues/{first}", new { state = "open" })).JsonAsync();
        Assert.Equal((2, 2, 2), await CountsAsync(repo));
        await (await c.DeleteAsync($"{repo.Api}/issues/{first}")).JsonAsync();
        await (await c.DeleteAsync($"{repo.Api}/issues/{second}")).JsonAsync(); // a closed one: no open count moves
        Assert.Equal((1, 1, 1), await CountsAsync(repo));

        // GitHub's open_issues_count includes open pull requests; sigmagit lists pull requests apart, so its count does not.
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
            var row = await db.Repositories.Include(r => r.Owner).FirstAsync(r => r.Name == repo.Name && r.OwnerId == repo.Owner.Id);
            var author = await db.Users.FirstAsync(u => u.Id == repo.Owner.Id);
            await scope.ServiceProvider.GetRequiredService<Anvil.Server.Issues.IssueService>().CreateIssueRowAsync(
                new RepositoryGrant(row, RepositoryPermission.Admin), author, "a pull", "", isPullRequest: true, [], [], null, CancellationToken.None);
        }
        Assert.Equal((1, 2, 2), await CountsAsync(repo));

        // Other repositories are unaffected, and anonymous callers see the same counts.
        var other = await TestRepo.CreateAsync(server, owner: repo.Owner);
        Assert.Equal((0, 0, 0), await CountsAsync(other));
        using var anon = server.Anonymous();
        Assert.Equal(2, (await (await anon.GetAsync(repo.V1)).JsonAsync()).Int("open_issues_count"));
    }
}

public sealed class OpenIssueCountTestsOnSqlite(IssuesSqliteServer s) : OpenIssueCountTests(s), IClassFixture<IssuesSqliteServer>;

public sealed class OpenIssueCountTestsOnPostgres(IssuesPostgresServer s) : OpenIssueCountTests(s), IClassFixture<IssuesPostgresServer>;

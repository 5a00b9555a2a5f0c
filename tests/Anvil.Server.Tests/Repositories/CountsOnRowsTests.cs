using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Repositories;

/// <summary>
/// Stars, forks and comments per issue are kept on their rows for the views; after concurrent writes (the same
/// change twice at once included) and a deleted account, what the views say is what a recount of the rows finds.
/// </summary>
public abstract class CountsOnRowsTests(AnvilServer server)
{
    private async Task<(int Stars, int Forks, int Comments)> RecountAsync(TestRepo repo, int issue)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
        var row = await db.Repositories.AsNoTracking().SingleAsync(r => r.OwnerId == repo.Owner.Id && r.Name == repo.Name);
        var issueRow = await db.Issues.AsNoTracking().SingleAsync(i => i.RepositoryId == row.Id && i.Number == issue);
        return (await db.Stars.CountAsync(s => s.RepositoryId == row.Id), await db.Repositories.CountAsync(r => r.ForkedFromId == row.Id),
            await db.IssueComments.CountAsync(c => c.IssueId == issueRow.Id));
    }

    /// <summary>What each surface shows, checked to agree with each other and with the lists themselves.</summary>
    private static async Task<(int Stars, int Forks, int Comments)> ShownAsync(TestRepo repo, int issue)
    {
        using var c = repo.Owner.Client();
        var sigmagit = (await (await c.GetAsync(repo.Api)).JsonAsync())["repo"]!;
        var v1 = await (await c.GetAsync(repo.V1)).JsonAsync();
        Assert.Equal(sigmagit.Int("starCount"), v1.Int("stargazers_count"));
        Assert.Equal(sigmagit.Int("forkCount"), v1.Int("forks_count"));
        var stargazers = (await (await c.GetAsync($"{repo.Api}/stars?limit=100")).JsonAsync())["stargazers"]!.AsArray().Count;
        var forks = (await (await c.GetAsync($"{repo.Api}/forks?limit=100")).JsonAsync())["forks"]!.AsArray().Count;
        Assert.Equal(stargazers, sigmagit.Int("starCount"));
        Assert.Equal(forks, sigmagit.Int("forkCount"));

        var issueView = (await (await c.GetAsync($"{repo.Api}/issues/{issue}")).JsonAsync())["issue"]!;
        var v1Issue = await (await c.GetAsync($"{repo.V1}/issues/{issue}")).JsonAsync();
        var listed = (await (await c.GetAsync($"{repo.V1}/issues?state=all&per_page=100")).JsonAsync()).AsArray().Single(i => i!.Int("number") == issue)!;
        var comments = (await (await c.GetAsync($"{repo.V1}/issues/{issue}/comments?per_page=100")).JsonAsync()).AsArray().Count;
        Assert.Equal(comments, issueView.Int("commentCount"));
        Assert.Equal(comments, v1Issue.Int("comments"));
        Assert.Equal(comments, listed.Int("comments"));
        return (sigmagit.Int("starCount"), sigmagit.Int("forkCount"), comments);
    }

    [Fact]
    public async Task Counts_shown_match_a_recount_after_concurrent_stars_forks_and_comments()
    {
        var repo = await TestRepo.CreateAsync(server);
        var issue = (await repo.CreateIssueAsync("counted")).Int("number");
        var users = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => server.SignUpAsync()));
        var clients = users.Select(u => u.Client()).ToList();
        try
        {
            // Everyone stars (twice at once), forks and comments (twice each) at the same time.
            await Task.WhenAll(clients.SelectMany(c => new[]
            {
                c.PostAsync($"{repo.Api}/star", null), c.PostAsync($"{repo.Api}/star", null),
                c.PostAsJsonAsync($"{repo.Api}/fork", new { }),
                c.PostAsJsonAsync($"{repo.Api}/issues/{issue}/comments", new { body = "one" }),
                c.PostAsJsonAsync($"{repo.Api}/issues/{issue}/comments", new { body = "two" }),
            }).Select(async t => (await t).EnsureSuccessStatusCode()));
            Assert.Equal((6, 6, 12), await RecountAsync(repo, issue));
            Assert.Equal((6, 6, 12), await ShownAsync(repo, issue));

            // Half take their star back (twice at once) and delete a comment each, concurrently with the others starring again.
            var firstComments = (await (await clients[0].GetAsync($"{repo.V1}/issues/{issue}/comments?per_page=100")).JsonAsync()).AsArray();
            var toDelete = users.Take(3).Select(u => firstComments.First(c => c!.Str("user.login") == u.Username)!.Int("id")).ToList();
            await Task.WhenAll(clients.Take(3).SelectMany((c, i) => new[]
            {
                c.DeleteAsync($"{repo.Api}/star"), c.DeleteAsync($"{repo.Api}/star"),
                c.DeleteAsync($"{repo.V1}/issues/comments/{toDelete[i]}"),
            }).Concat(clients.Skip(3).Select(c => c.PostAsync($"{repo.Api}/star", null)))
                .Select(async t => Assert.True((await t).IsSuccessStatusCode)));
            Assert.Equal((3, 6, 9), await RecountAsync(repo, issue));
            Assert.Equal((3, 6, 9), await ShownAsync(repo, issue));

            // A deleted account takes its star and its fork with it; its comments stay, by the ghost.
            Assert.Equal(0, (await server.AdminAsync("user", "delete", users[5].Username)).Code);
            var fork = (await (await clients[4].GetAsync($"{repo.Api}/forks?limit=100")).JsonAsync())["forks"]!.AsArray()
                .First(f => f!.Str("owner.username") == users[4].Username)!;
            await (await clients[4].DeleteAsync($"/api/repositories/{fork.Str("fullName")}")).JsonAsync();
            Assert.Equal((2, 4, 9), await RecountAsync(repo, issue));
            Assert.Equal((2, 4, 9), await ShownAsync(repo, issue));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}

public sealed class CountsOnRowsTestsOnSqlite(IssuesSqliteServer s) : CountsOnRowsTests(s), IClassFixture<IssuesSqliteServer>;

public sealed class CountsOnRowsTestsOnPostgres(IssuesPostgresServer s) : CountsOnRowsTests(s), IClassFixture<IssuesPostgresServer>;

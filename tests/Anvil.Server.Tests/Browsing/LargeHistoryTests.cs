using System.Net;
using System.Text;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Browsing;

/// <summary>
/// A 10,000-commit history built with git fast-import and pushed over smart HTTP, paged through to the end.
/// SQLite only: the database does one access check and one user lookup per page, which the PostgreSQL run of
/// <see cref="BrowsingTests"/> already covers; the rest is git, identical on both.
/// </summary>
public sealed class LargeHistoryTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private const int Commits = 10_000;

    [Fact]
    public async Task Ten_thousand_commits_page_with_skip_and_has_more_is_exact_at_the_end()
    {
        var owner = await server.SignUpAsync();
        var name = await GitWorkTree.CreateRepositoryAsync(owner);
        using (var wt = GitWorkTree.Create())
        {
            // Commit i (1-based) is "commit i" and writes its number to f{i % 7}.txt; one second apart, so newest first is 10000 … 1.
            var stream = new StringBuilder();
            for (var i = 1; i <= Commits; i++)
            {
                var message = $"commit {i}";
                var content = $"{i}\n";
                stream.Append($"commit refs/heads/main\nmark :{i}\ncommitter Ada <ada@example.com> {1_600_000_000 + i} +0000\n");
                stream.Append($"data {Encoding.UTF8.GetByteCount(message)}\n{message}\n");
                if (i > 1)
                {
                    stream.Append($"from :{i - 1}\n");
                }
                stream.Append($"M 100644 inline f{i % 7}.txt\ndata {content.Length}\n{content}\n");
            }
            wt.Run(Encoding.UTF8.GetBytes(stream.ToString()), "fast-import", "--quiet");
            wt.Push(owner, owner.Username, name, "main");
        }
        var path = $"/api/repositories/{owner.Username}/{name}";
        using var c = server.Anonymous();

        var seen = new List<string>();
        for (var skip = 0; skip < Commits; skip += 100)
        {
            var page = await (await c.GetAsync($"{path}/commits?limit=100&skip={skip}")).JsonAsync();
            var commits = page["commits"]!.AsArray();
            Assert.Equal(100, commits.Count);
            Assert.Equal($"commit {Commits - skip}", commits[0]!.Str("message").TrimEnd());
            Assert.Equal(skip + 100 < Commits, page["hasMore"]!.GetValue<bool>());
            seen.AddRange(commits.Select(x => x!.Str("oid")));
        }
        Assert.Equal(Commits, seen.Distinct().Count());

        var lastOne = await (await c.GetAsync($"{path}/commits?limit=1&skip={Commits - 1}")).JsonAsync();
        Assert.Equal("commit 1", lastOne["commits"]![0]!.Str("message").TrimEnd());
        Assert.Empty(lastOne["commits"]![0]!["parents"]!.AsArray());
        Assert.False(lastOne["hasMore"]!.GetValue<bool>());
        var secondToLast = await (await c.GetAsync($"{path}/commits?limit=1&skip={Commits - 2}")).JsonAsync();
        Assert.True(secondToLast["hasMore"]!.GetValue<bool>());
        var partial = await (await c.GetAsync($"{path}/commits?limit=100&skip={Commits - 30}")).JsonAsync();
        Assert.Equal(30, partial["commits"]!.AsArray().Count);
        Assert.False(partial["hasMore"]!.GetValue<bool>());
        var past = await (await c.GetAsync($"{path}/commits?limit=100&skip={Commits + 5}")).JsonAsync();
        Assert.Empty(past["commits"]!.AsArray());
        Assert.False(past["hasMore"]!.GetValue<bool>());

        // Filtered by path: every 7th commit touches f3.txt (i % 7 == 3), the oldest being commit 3.
        var touching = Enumerable.Range(1, Commits).Count(i => i % 7 == 3);
        var filtered = await (await c.GetAsync($"{path}/commits?path=f3.txt&limit=100&skip={touching - 1}")).JsonAsync();
        Assert.Equal("commit 3", filtered["commits"]!.AsArray().Single()!.Str("message").TrimEnd());
        Assert.False(filtered["hasMore"]!.GetValue<bool>());

        // v1: the last page links back but not forward.
        var last = await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}/commits?per_page=100&page={Commits / 100}");
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal("commit 1", (await last.JsonAsync()).AsArray().Last()!.Str("commit.message").TrimEnd());
        var link = last.Headers.GetValues("Link").Single();
        Assert.Contains("rel=\"prev\"", link);
        Assert.DoesNotContain("rel=\"next\"", link);

        // The tree's last-commit walk over the whole history finds each file's latest change.
        var tree = await (await c.GetAsync($"{path}/tree?lastCommit=1")).JsonAsync();
        var f3 = tree["files"]!.AsArray().Single(f => f!.Str("name") == "f3.txt")!;
        Assert.Equal($"commit {Enumerable.Range(1, Commits).Last(i => i % 7 == 3)}", f3["lastCommit"]!.Str("message").TrimEnd());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Search;

public abstract class IssueSearchTests(AnvilServer server)
{
    private static string Word(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static List<string> Titles(JsonNode body, string array) => body[array]!.AsArray().Select(n => n!.Str("title")).ToList();

    private static async Task<List<string>> SigmagitAsync(HttpClient c, string q, string type = "issues") =>
        Titles(await (await c.GetAsync($"/api/search?type={type}&q={Uri.EscapeDataString(q)}")).JsonAsync(), "results");

    private static async Task<JsonNode> V1Async(HttpClient c, string q) =>
        await (await c.GetAsync($"/api/v1/search/issues?q={Uri.EscapeDataString(q)}")).JsonAsync();

    /// <summary>
    /// A pull request's issue row, made the way the pull-request feature makes one (its routes live on another branch).
    /// </summary>
    private async Task CreatePullRowAsync(TestRepo repo, string title, string body)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
        var row = await db.Repositories.Include(r => r.Owner).FirstAsync(r => r.Name == repo.Name && r.OwnerId == repo.Owner.Id);
        var author = await db.Users.FirstAsync(u => u.Id == repo.Owner.Id);
        await scope.ServiceProvider.GetRequiredService<IssueService>().CreateIssueRowAsync(new RepositoryGrant(row, RepositoryPermission.Admin),
            author, title, body, isPullRequest: true, [], [], null, CancellationToken.None);
    }

    /// <summary>Many issues (oldest first), made the way the issues feature makes each, without a request per issue.</summary>
    private async Task CreateIssueRowsAsync(TestRepo repo, int count, Func<int, string> title)
    {
        for (var start = 0; start < count; start += 100)
        {
            await using var scope = server.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
            var row = await db.Repositories.Include(r => r.Owner).FirstAsync(r => r.Name == repo.Name && r.OwnerId == repo.Owner.Id);
            var author = await db.Users.FirstAsync(u => u.Id == repo.Owner.Id);
            var service = scope.ServiceProvider.GetRequiredService<IssueService>();
            for (var n = start; n < Math.Min(start + 100, count); n++)
            {
                await service.CreateIssueRowAsync(new RepositoryGrant(row, RepositoryPermission.Admin), author, title(n), "the same body",
                    isPullRequest: false, [], [], null, CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task A_word_in_more_issues_than_are_ranked_answers_the_newest_first_with_a_capped_count()
    {
        var word = Word("everywhere");
        var big = await TestRepo.CreateAsync(server);
        var elsewhere = await TestRepo.CreateAsync(server);
        await elsewhere.CreateIssueAsync($"{word} in another repository");
        const int issues = 1005; // a few more than the 1,000 a search ranks
        await CreateIssueRowsAsync(big, issues, n => $"{word} {n}");

        using var c = server.Anonymous();
        var inRepo = await V1Async(c, $"{word} repo:{big.Owner.Username}/{big.Name}");
        Assert.Equal(1000, inRepo.Int("total_count"));
        Assert.True(inRepo["incomplete_results"]!.GetValue<bool>());
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"{word} {issues - 1 - i}"), Titles(inRepo, "items"));
        var everywhere = await V1Async(c, word);
        Assert.Equal(1000, everywhere.Int("total_count"));
        Assert.True(everywhere["incomplete_results"]!.GetValue<bool>());
        // The last page there is holds the thousandth; past it, nothing.
        var last = await (await c.GetAsync($"/api/v1/search/issues?q={Uri.EscapeDataString(word)}&per_page=100&page=10")).JsonAsync();
        Assert.Equal(100, last["items"]!.AsArray().Count);
        Assert.Empty((await (await c.GetAsync($"/api/v1/search/issues?q={Uri.EscapeDataString(word)}&per_page=100&page=11")).JsonAsync())["items"]!.AsArray());
        var sigmagit = await (await c.GetAsync($"/api/search?type=issues&q={Uri.EscapeDataString(word + " repo:" + big.Owner.Username + "/" + big.Name)}")).JsonAsync();
        Assert.True(sigmagit["hasMore"]!.GetValue<bool>());
        Assert.Equal($"{word} {issues - 1}", Titles(sigmagit, "results")[0]);

        // Within the cap, matches are ranked and counted exactly.
        var one = await V1Async(c, $"{word} repo:{elsewhere.Owner.Username}/{elsewhere.Name}");
        Assert.Equal(1, one.Int("total_count"));
        Assert.False(one["incomplete_results"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_word_in_nearly_every_issue_of_a_big_repository_finds_the_newest_by_their_text_and_comments()
    {
        // More issues than a search looks through one by one (2,002), nearly all saying the word: on PostgreSQL the newest
        // are found testing each row, not from the list of everywhere it is said; the answer is the same on both databases.
        var word = Word("nearly");
        var big = await TestRepo.CreateAsync(server);
        const int issues = 2100;
        await CreateIssueRowsAsync(big, issues, n => n % 10 == 3 ? $"Quiet {n}" : $"{word} {n}");
        using var c = big.Owner.Client();
        var below = await big.CreateIssueAsync("Nothing in the title");
        await (await c.PostAsJsonAsync($"{big.Api}/issues/{below.Int("number")}/comments", new { body = $"but {word} said below" }))
            .JsonAsync(HttpStatusCode.Created);
        await big.CreateIssueAsync("Unrelated and newest");
        var elsewhere = await TestRepo.CreateAsync(server);
        await elsewhere.CreateIssueAsync($"{word} in another repository");

        var inRepo = await V1Async(c, $"{word} repo:{big.Owner.Username}/{big.Name}");
        Assert.Equal(1000, inRepo.Int("total_count"));
        Assert.True(inRepo["incomplete_results"]!.GetValue<bool>());
        var saying = Enumerable.Range(0, issues).Reverse().Where(n => n % 10 != 3).Select(n => $"{word} {n}");
        Assert.Equal(["Nothing in the title", .. saying.Take(29)], Titles(inRepo, "items"));
        // The thousandth is the last there is, each issue once (the one said below too).
        var last = await (await c.GetAsync($"/api/v1/search/issues?q={Uri.EscapeDataString($"{word} repo:{big.Owner.Username}/{big.Name}")}&per_page=100&page=10")).JsonAsync();
        Assert.Equal(saying.Skip(899).Take(100), Titles(last, "items"));
        // Closing one makes it the newest change: first now, and the only one is:closed finds.
        await (await c.PatchAsJsonAsync($"{big.Api}/issues/6", new { state = "closed" })).JsonAsync();
        Assert.Equal($"{word} 5", Titles(await V1Async(c, $"{word} repo:{big.Owner.Username}/{big.Name}"), "items")[0]);
        var closed = await V1Async(c, $"{word} repo:{big.Owner.Username}/{big.Name} is:closed");
        Assert.Equal([$"{word} 5"], Titles(closed, "items"));
        Assert.Equal(1, closed.Int("total_count"));
        Assert.False(closed["incomplete_results"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Issues_of_a_private_repository_are_found_only_by_those_who_may_see_it()
    {
        var word = Word("vis");
        var open = await TestRepo.CreateAsync(server);
        var secret = await TestRepo.CreateAsync(server, isPrivate: true, owner: open.Owner);
        var collaborator = await secret.AddCollaboratorAsync("pull");
        var stranger = await server.SignUpAsync();
        await open.CreateIssueAsync($"public {word} crash");
        await secret.CreateIssueAsync($"secret {word} crash");

        using var anon = server.Anonymous();
        using var strangerClient = stranger.Client();
        using var collaboratorClient = collaborator.Client();
        using var ownerClient = open.Owner.Client();
        Assert.Equal([$"public {word} crash"], await SigmagitAsync(anon, word));
        Assert.Equal([$"public {word} crash"], await SigmagitAsync(strangerClient, word));
        Assert.Equal([$"public {word} crash", $"secret {word} crash"], (await SigmagitAsync(collaboratorClient, word)).Order());
        Assert.Equal([$"public {word} crash", $"secret {word} crash"], (await SigmagitAsync(ownerClient, word)).Order());
        // Not even the total gives the private one away.
        var v1 = await V1Async(strangerClient, word);
        Assert.Equal(1, v1["total_count"]!.GetValue<int>());
        Assert.Equal([$"public {word} crash"], Titles(v1, "items"));
        Assert.Equal(2, (await V1Async(collaboratorClient, word))["total_count"]!.GetValue<int>());
        // Nor does naming the repository.
        Assert.Empty(await SigmagitAsync(strangerClient, $"{word} repo:{secret.Owner.Username}/{secret.Name}"));
        // A token without repository scope sees what anonymous callers see.
        using var userOnly = server.WithBearer(await open.Owner.CreateTokenAsync("user:read"));
        Assert.Equal([$"public {word} crash"], await SigmagitAsync(userOnly, word));
    }

    [Fact]
    public async Task Results_use_the_issue_views_and_rank_title_matches_first()
    {
        var word = Word("rank");
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await repo.CreateIssueAsync(c, new { title = "Mentions it below", body = $"the {word} module fails" });
        var created = await repo.CreateIssueAsync(c, new { title = $"{word} fails on start", body = "see logs", labels = new[] { "bug" } });

        var sigmagit = await (await c.GetAsync($"/api/search?type=issues&q={word}")).JsonAsync();
        Assert.Equal($"{word} fails on start", sigmagit["results"]![0]!.Str("title"));
        Assert.Equal("Mentions it below", sigmagit["results"]![1]!.Str("title"));
        var hit = sigmagit["results"]![0]!.AsObject();
        Assert.Equal(repo.Name, hit.Str("repository.name")); // search spans repositories, so a hit says where it lives
        Assert.Equal(repo.Owner.Username, hit.Str("repository.owner"));
        hit.Remove("repository");
        Assert.Equal(created.ToJsonString(), hit.ToJsonString()); // otherwise exactly what GET …/issues/:number shows
        Assert.False(sigmagit["hasMore"]!.GetValue<bool>());
        Assert.Equal(word, sigmagit.Str("query"));

        var v1 = await V1Async(c, word);
        Assert.False(v1["incomplete_results"]!.GetValue<bool>());
        var item = v1["items"]![0]!;
        var direct = await (await c.GetAsync($"{repo.V1}/issues/{created.Int("number")}")).JsonAsync();
        // GitHub's search item is the issue plus its score.
        Assert.Equal(1.0, item["score"]!.GetValue<double>());
        direct.AsObject()["score"] = 1.0;
        Assert.Equal(direct.ToJsonString(), item.ToJsonString());
        Assert.Equal("bug", item["labels"]![0]!.Str("name"));
        Assert.Null(item["pull_request"]);
    }

    [Fact]
    public async Task Pull_requests_are_their_own_type_and_is_qualifiers_pick_on_v1()
    {
        var word = Word("kind");
        var repo = await TestRepo.CreateAsync(server);
        await repo.CreateIssueAsync($"issue {word}");
        await CreatePullRowAsync(repo, $"pull {word}", "adds things");
        using var c = repo.Owner.Client();

        Assert.Equal([$"issue {word}"], await SigmagitAsync(c, word, "issues"));
        Assert.Equal([$"pull {word}"], await SigmagitAsync(c, word, "pulls"));
        Assert.Equal([$"issue {word}", $"pull {word}"], Titles(await V1Async(c, word), "items").Order());
        Assert.Equal([$"issue {word}"], Titles(await V1Async(c, $"{word} is:issue"), "items"));
        var pulls = await V1Async(c, $"{word} is:pr");
        Assert.Equal([$"pull {word}"], Titles(pulls, "items"));
        Assert.EndsWith($"/pulls/{pulls["items"]![0]!.Int("number")}", pulls["items"]![0]!.Str("pull_request.url"));
    }

    [Fact]
    public async Task State_repo_user_and_author_qualifiers_filter()
    {
        var word = Word("qual");
        var first = await TestRepo.CreateAsync(server);
        var second = await TestRepo.CreateAsync(server);
        var bob = await server.SignUpAsync();
        await first.CreateIssueAsync($"{word} one");
        var closing = await first.CreateIssueAsync($"{word} two");
        await second.CreateIssueAsync($"{word} three");
        using (var bobClient = bob.Client())
        {
            await first.CreateIssueAsync(bobClient, new { title = $"{word} by bob" });
        }
        using var c = first.Owner.Client();
        await (await c.PatchAsJsonAsync($"{first.Api}/issues/{closing.Int("number")}", new { state = "closed" })).JsonAsync();

        using var anon = server.Anonymous();
        Assert.Equal([$"{word} two"], await SigmagitAsync(anon, $"{word} is:closed"));
        Assert.Equal([$"{word} by bob", $"{word} one", $"{word} three"], (await SigmagitAsync(anon, $"{word} is:open")).Order());
        Assert.Equal([$"{word} by bob", $"{word} one", $"{word} two"], (await SigmagitAsync(anon, $"{word} repo:{first.Owner.Username}/{first.Name}")).Order());
        Assert.Equal([$"{word} three"], await SigmagitAsync(anon, $"{word} user:{second.Owner.Username}"));
        Assert.Equal([$"{word} by bob"], await SigmagitAsync(anon, $"{word} author:{bob.Username}"));
        var v1 = await V1Async(anon, $"{word} author:{first.Owner.Username} is:open is:issue");
        Assert.Equal([$"{word} one"], Titles(v1, "items"));
        // Qualifiers alone list everything they match, newest change first.
        Assert.Equal(3, (await V1Async(anon, $"repo:{first.Owner.Username}/{first.Name}"))["total_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Index_follows_edits_and_deletes_in_the_same_write()
    {
        var before = Word("before");
        var after = Word("after");
        var repo = await TestRepo.CreateAsync(server);
        var issue = await repo.CreateIssueAsync($"{before} title");
        using var c = repo.Owner.Client();
        var url = $"{repo.Api}/issues/{issue.Int("number")}";
        await (await c.PatchAsJsonAsync(url, new { title = $"{after} title", body = "rewritten" })).JsonAsync();
        Assert.Empty(await SigmagitAsync(c, before));
        Assert.Equal([$"{after} title"], await SigmagitAsync(c, after));
        Assert.Equal([$"{after} title"], await SigmagitAsync(c, "rewritten"));
        await (await c.DeleteAsync(url)).JsonAsync();
        Assert.Empty(await SigmagitAsync(c, after));
        Assert.Equal(0, (await V1Async(c, after))["total_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Words_match_their_forms()
    {
        var word = Word("forms");
        var repo = await TestRepo.CreateAsync(server);
        await repo.CreateIssueAsync($"{word} flamingos running wild");
        using var c = repo.Owner.Client();
        Assert.Equal([$"{word} flamingos running wild"], await SigmagitAsync(c, $"flamingo {word}"));
        Assert.Equal([$"{word} flamingos running wild"], Titles(await V1Async(c, $"{word} runs"), "items"));
        // Words English stems leave out still find what says them.
        await repo.CreateIssueAsync("Which one");
        Assert.Equal(["Which one"], Titles(await V1Async(c, $"which repo:{repo.Owner.Username}/{repo.Name}"), "items"));
        Assert.Empty(await SigmagitAsync(c, $"{word} penguin"));
    }

    [Fact]
    public async Task Comments_find_their_issue_once_and_follow_edits_deletes_and_visibility()
    {
        var word = Word("said");
        var repo = await TestRepo.CreateAsync(server);
        var secret = await TestRepo.CreateAsync(server, isPrivate: true, owner: repo.Owner);
        using var c = repo.Owner.Client();
        var issue = await repo.CreateIssueAsync($"{word} in the title too");
        var quiet = await repo.CreateIssueAsync("Nothing in the title");
        var comment = (await (await c.PostAsJsonAsync($"{repo.Api}/issues/{quiet.Int("number")}/comments", new { body = $"I said {word} yesterday" }))
            .JsonAsync(HttpStatusCode.Created))["comment"]!;
        await (await c.PostAsJsonAsync($"{repo.Api}/issues/{issue.Int("number")}/comments", new { body = $"and {word} again" })).JsonAsync(HttpStatusCode.Created);
        await (await c.PostAsJsonAsync($"{secret.Api}/issues/{(await secret.CreateIssueAsync("Private")).Int("number")}/comments",
            new { body = $"a secret {word}" })).JsonAsync(HttpStatusCode.Created);

        var v1 = await V1Async(c, word);
        Assert.Equal(3, v1.Int("total_count"));
        Assert.Equal($"{word} in the title too", Titles(v1, "items")[0]); // the title outweighs what was said below
        Assert.Equal(["Nothing in the title", "Private", $"{word} in the title too"], Titles(v1, "items").Order());
        using var stranger = (await server.SignUpAsync()).Client();
        var seen = await V1Async(stranger, word);
        Assert.Equal(2, seen.Int("total_count"));
        Assert.DoesNotContain("Private", Titles(seen, "items"));
        Assert.Equal(["Nothing in the title"], await SigmagitAsync(c, $"{word} yesterday repo:{repo.Owner.Username}/{repo.Name} is:open"));

        var commentUrl = $"{repo.Api}/issues/{quiet.Int("number")}/comments/{comment.Str("id")}";
        var edited = Word("edited");
        await (await c.PatchAsJsonAsync(commentUrl, new { body = $"now {edited}" })).JsonAsync();
        Assert.Equal(["Nothing in the title"], await SigmagitAsync(c, edited));
        Assert.DoesNotContain("Nothing in the title", await SigmagitAsync(c, word));
        await (await c.DeleteAsync(commentUrl)).JsonAsync();
        Assert.Empty(await SigmagitAsync(c, edited));

        // A deleted issue takes its comments' documents along.
        await (await c.DeleteAsync($"{repo.Api}/issues/{issue.Int("number")}")).JsonAsync();
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
        Assert.Equal(0, await db.Issues.CountAsync(i => i.Title == $"{word} in the title too"));
        Assert.Equal(1, (await V1Async(c, word)).Int("total_count"));
        Assert.Equal(0, await db.SearchDocuments.CountAsync(d => d.Kind == "comment" && d.Body == $"and {word} again"));
    }
}

public sealed class IssueSearchTestsOnSqlite(IssuesSqliteServer s) : IssueSearchTests(s), IClassFixture<IssuesSqliteServer>;

public sealed class IssueSearchTestsOnPostgres(IssuesPostgresServer s) : IssueSearchTests(s), IClassFixture<IssuesPostgresServer>;

using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Browsing;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Repositories;

/// <summary>Fields GitHub clients read that v1 objects carry: repository hypermedia, GET /user's shithub fields, branches, archives.</summary>
public abstract class V1CompatibilityFieldTests(AnvilServer server)
{
    private async Task<(TestUser Owner, string Name, HttpClient Client)> PushedRepoAsync()
    {
        var owner = await server.SignUpAsync();
        var name = await GitWorkTree.CreateRepositoryAsync(owner);
        using var wt = GitWorkTree.Create();
        wt.Write("README.md", "# hello\n").Commit("first");
        wt.Push(owner, owner.Username, name, "main");
        return (owner, name, server.WithBearer(await owner.CreateTokenAsync("repo", "user")));
    }

    [Fact]
    public async Task Repositories_carry_GitHubs_url_templates_and_counts()
    {
        var (owner, name, c) = await PushedRepoAsync();
        using var _ = c;
        var repo = await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}")).JsonAsync();
        var api = $"{server.BaseUri.GetLeftPart(UriPartial.Authority)}/api/v1/repos/{owner.Username}/{name}";
        Assert.Equal(api, repo.Str("url"));
        Assert.Equal($"{api}/forks", repo.Str("forks_url"));
        Assert.Equal($"{api}/hooks", repo.Str("hooks_url"));
        Assert.Equal($"{api}/issues{{/number}}", repo.Str("issues_url"));
        Assert.Equal($"{api}/pulls{{/number}}", repo.Str("pulls_url"));
        Assert.Equal($"{api}/commits{{/sha}}", repo.Str("commits_url"));
        Assert.Equal($"{api}/contents/{{+path}}", repo.Str("contents_url"));
        Assert.Equal($"{api}/compare/{{base}}...{{head}}", repo.Str("compare_url"));
        Assert.Equal($"{api}/branches{{/branch}}", repo.Str("branches_url"));
        Assert.Equal($"{api}/labels{{/name}}", repo.Str("labels_url"));
        Assert.True(repo.AsObject().ContainsKey("ssh_url"));
        Assert.Null(repo["ssh_url"]);
        Assert.Equal(0, repo["subscribers_count"]!.GetValue<int>());
        Assert.Equal(0, repo["network_count"]!.GetValue<int>());
        Assert.False(repo["archived"]!.GetValue<bool>());

        var fan = await server.SignUpAsync();
        using var fanClient = server.WithBearer(await fan.CreateTokenAsync("repo"));
        await (await fanClient.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/{name}/forks", new { })).JsonAsync(HttpStatusCode.Accepted);
        var forked = await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}")).JsonAsync();
        Assert.Equal(1, forked["network_count"]!.GetValue<int>());
        Assert.Equal(1, forked["forks_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Get_user_carries_username_and_email_verified_for_the_user_only()
    {
        var user = await server.SignUpAsync();
        using var c = server.WithBearer(await user.CreateTokenAsync("user:read"));
        var me = await (await c.GetAsync("/api/v1/user")).JsonAsync();
        Assert.Equal(user.Username, me.Str("login"));
        Assert.Equal(user.Username, me.Str("username"));
        Assert.False(me["email_verified"]!.GetValue<bool>());
        Assert.Equal($"{user.Username}@example.com", me.Str("email"));

        using var other = server.WithBearer(await (await server.SignUpAsync()).CreateTokenAsync("user:read"));
        var seen = await (await other.GetAsync($"/api/v1/users/{user.Username}")).JsonAsync();
        Assert.Equal(user.Username, seen.Str("username"));
        Assert.Null(seen["email_verified"]);
        Assert.Null(seen["email"]);
    }

    [Fact]
    public async Task Meta_lists_a_capability_per_feature()
    {
        using var c = server.Anonymous();
        var capabilities = (await (await c.GetAsync("/api/v1/meta")).JsonAsync())["capabilities"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        foreach (var feature in new[] { "pat-auth", "check-runs", "stars", "actions-lifecycle", "issues", "pulls", "search", "webhooks", "actions", "notifications" })
        {
            Assert.Contains(feature, capabilities);
        }
    }

    [Fact]
    public async Task A_single_branch_has_its_full_tip_commit_and_links()
    {
        var (owner, name, c) = await PushedRepoAsync();
        using var _ = c;
        var api = $"{server.BaseUri.GetLeftPart(UriPartial.Authority)}/api/v1/repos/{owner.Username}/{name}";
        var branch = await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}/branches/main")).JsonAsync();
        Assert.Equal("main", branch.Str("name"));
        Assert.Equal("first", branch.Str("commit.commit.message"));
        Assert.Equal("Ada Author", branch.Str("commit.commit.author.name"));
        Assert.Equal($"{api}/commits/{branch.Str("commit.sha")}", branch.Str("commit.url"));
        Assert.Equal($"{api}/branches/main", branch.Str("_links.self"));
        Assert.Equal($"{server.BaseUri.GetLeftPart(UriPartial.Authority)}/{owner.Username}/{name}/tree/main", branch.Str("_links.html"));
        Assert.False(branch["protected"]!.GetValue<bool>());
        Assert.False(branch["protection"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_archived_repository_refuses_pushes_and_writes_and_keeps_reads()
    {
        var (owner, name, c) = await PushedRepoAsync();
        using var _ = c;
        var v1 = $"/api/v1/repos/{owner.Username}/{name}";
        await (await c.PostAsJsonAsync($"{v1}/issues", new { title = "before" })).JsonAsync(HttpStatusCode.Created);
        var archived = await (await c.PatchAsJsonAsync(v1, new { archived = true })).JsonAsync();
        Assert.True(archived["archived"]!.GetValue<bool>());

        var refused = await (await c.PostAsJsonAsync($"{v1}/issues", new { title = "after" })).ErrorBodyAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Repository was archived so is read-only.", refused.Str("message"));
        await (await c.PostAsJsonAsync($"{v1}/issues/1/comments", new { body = "late" })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await c.PostAsJsonAsync($"{v1}/labels", new { name = "new", color = "ffffff" })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await c.PatchAsJsonAsync(v1, new { description = "changed" })).ErrorAsync(HttpStatusCode.Forbidden);
        // A reader who is not a collaborator cannot open an issue on it either.
        var stranger = await server.SignUpAsync();
        using (var sc = server.WithBearer(await stranger.CreateTokenAsync("repo")))
        {
            await (await sc.PostAsJsonAsync($"{v1}/issues", new { title = "stranger" })).ErrorAsync(HttpStatusCode.Forbidden);
        }

        using var wt = GitWorkTree.Create();
        wt.Git("fetch", "-q", GitWorkTree.PushUrl(owner, owner.Username, name), "main");
        wt.Git("checkout", "-q", "-b", "main", "FETCH_HEAD");
        wt.Write("late.txt", "late\n").Commit("late");
        Assert.Throws<InvalidOperationException>(() => wt.Push(owner, owner.Username, name, "main"));

        // Reads go on; the issue list still has only the one from before.
        var issues = await (await c.GetAsync($"{v1}/issues")).JsonAsync();
        Assert.Equal(["before"], issues.AsArray().Select(i => i!.Str("title")));
        await (await c.GetAsync($"{v1}/commits")).JsonAsync();

        // Unarchived, it takes writes again.
        var back = await (await c.PatchAsJsonAsync(v1, new { archived = false })).JsonAsync();
        Assert.False(back["archived"]!.GetValue<bool>());
        await (await c.PostAsJsonAsync($"{v1}/issues", new { title = "after" })).JsonAsync(HttpStatusCode.Created);
        wt.Push(owner, owner.Username, name, "main");
    }
}

public sealed class V1CompatibilityFieldTestsOnSqlite(SqliteServer s) : V1CompatibilityFieldTests(s), IClassFixture<SqliteServer>;

public sealed class V1CompatibilityFieldTestsOnPostgres(PostgresServer s) : V1CompatibilityFieldTests(s), IClassFixture<PostgresServer>;

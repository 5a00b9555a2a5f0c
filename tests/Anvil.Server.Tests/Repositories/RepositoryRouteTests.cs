using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Repositories;

/// <summary>The repository routes of both surfaces: shapes, rules, counts and refusals.</summary>
public abstract partial class RepositoryRouteTests(AnvilServer server)
{
    private static string[] Names(JsonNode array) => array.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToArray();

    private static void AssertTimestamp(JsonNode node, string path)
    {
        var text = node.Str(path);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", text);
    }

    [Fact]
    public async Task Create_on_sigmagit_answers_the_documented_shape()
    {
        var owner = await server.SignUpAsync();
        using var c = owner.Client();
        var name = RepoSetup.UniqueName("Shape");
        var res = await c.PostAsJsonAsync("/api/repositories",
            new { name, description = "  what it is  ", visibility = "public", defaultBranch = "trunk", autoInit = true });
        var created = (await res.JsonAsync(HttpStatusCode.Created))["repo"]!;
        var got = (await (await c.GetAsync($"/api/repositories/{owner.Username}/{name}")).JsonAsync())["repo"]!;
        foreach (var repo in new[] { created, got })
        {
            Assert.Matches("^[0-9]+$", repo.Str("id"));
            Assert.Equal(name, repo.Str("name"));
            Assert.Equal("what it is", repo.Str("description"));
            Assert.Equal("public", repo.Str("visibility"));
            Assert.Equal("trunk", repo.Str("defaultBranch"));
            AssertTimestamp(repo, "createdAt");
            AssertTimestamp(repo, "updatedAt");
            Assert.Equal(owner.Id.ToString(), repo.Str("owner.id"));
            Assert.Equal(owner.Username, repo.Str("owner.username"));
            Assert.Equal("User " + owner.Username, repo.Str("owner.name"));
            Assert.StartsWith("http", repo.Str("owner.avatarUrl"));
            Assert.Equal(0, repo["starCount"]!.GetValue<int>());
            Assert.False(repo["starred"]!.GetValue<bool>());
            Assert.Equal(0, repo["forkCount"]!.GetValue<int>());
            Assert.True(repo["isOwner"]!.GetValue<bool>());
            Assert.True(repo.AsObject().ContainsKey("forkedFrom"));
            Assert.Null(repo["forkedFrom"]);
        }
        Assert.Equal(created.ToJsonString(), got.ToJsonString());

        // autoInit made a first commit on the chosen default branch.
        using var git = new GitClient();
        var dir = git.Path("clone");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, name), dir);
        Assert.Equal("trunk", await git.OkAsync(dir, "rev-parse", "--abbrev-ref", "HEAD"));
        Assert.True(File.Exists(Path.Combine(dir, "README.md")));

        // Names are case-insensitive in URLs.
        await (await c.GetAsync($"/api/repositories/{owner.Username.ToUpperInvariant()}/{name.ToLowerInvariant()}")).JsonAsync();
    }

    [Fact]
    public async Task Create_on_v1_answers_githubs_shape()
    {
        var owner = await server.SignUpAsync();
        var token = await owner.CreateTokenAsync("repo");
        using var c = server.WithBearer(token);
        var name = RepoSetup.UniqueName();
        var repo = await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name, @private = true, auto_init = true, description = "d" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(name, repo.Str("name"));
        Assert.Equal($"{owner.Username}/{name}", repo.Str("full_name"));
        Assert.True(repo["private"]!.GetValue<bool>());
        Assert.Equal("private", repo.Str("visibility"));
        Assert.Equal("main", repo.Str("default_branch"));
        Assert.Equal(owner.Username, repo.Str("owner.login"));
        Assert.Equal(owner.Id, repo["owner"]!["id"]!.GetValue<long>());
        Assert.False(repo["fork"]!.GetValue<bool>());
        Assert.Equal(server.BaseUri.ToString().TrimEnd('/') + $"/{owner.Username}/{name}.git", repo.Str("clone_url"));
        Assert.Equal(0, repo["stargazers_count"]!.GetValue<int>());
        Assert.True(repo["permissions"]!["admin"]!.GetValue<bool>());
        AssertTimestamp(repo, "created_at");

        var got = await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}")).JsonAsync();
        Assert.Equal(repo["id"]!.GetValue<long>(), got["id"]!.GetValue<long>());
        using var git = new GitClient();
        Assert.Contains("refs/heads/main", await git.OkAsync(null, "ls-remote", GitClient.Url(server, owner.Username, name, owner.Username, token)));

        // Without auto_init the repository is empty.
        var empty = RepoSetup.UniqueName();
        await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name = empty })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("", await git.OkAsync(null, "ls-remote", GitClient.Url(server, owner.Username, empty)));
    }

    public static TheoryData<string> BadNames =>
    [
        "", ".", "..", "repo.git", "Repo.GIT", "has space", "slash/inside", "ünïcode", "semi;colon", new string('a', 101), "tab\tname",
    ];

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task Bad_names_are_refused_on_both_surfaces_and_create_nothing(string name)
    {
        var owner = await server.SignUpAsync();
        using var c = owner.Client();
        await (await c.PostAsJsonAsync("/api/repositories", new { name, visibility = "public" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        // Renames follow the same rules.
        var repo = await RepoSetup.CreateAsync(owner, autoInit: false);
        await (await c.PatchAsJsonAsync($"/api/repositories/{owner.Username}/{repo.Str("name")}", new { name })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PatchAsJsonAsync($"/api/v1/repos/{owner.Username}/{repo.Str("name")}", new { name })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        var list = await (await c.GetAsync($"/api/users/{owner.Username}/repositories")).JsonAsync();
        Assert.Equal([repo.Str("name")], Names(list["repositories"]!));
        Assert.Single(Directory.GetDirectories(Path.Combine(server.DataDir, "repositories", owner.Id.ToString())));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a..b")]
    [InlineData(".hidden")]
    [InlineData("x.gitx")]
    [InlineData("git")]
    [InlineData("_-.-_")]
    [InlineData("100")]
    public async Task Unusual_but_valid_names_work_end_to_end(string name)
    {
        var owner = await server.SignUpAsync();
        var repo = await RepoSetup.CreateAsync(owner, name);
        Assert.Equal(name, repo.Str("name"));
        using var c = owner.Client();
        await (await c.GetAsync($"/api/repositories/{owner.Username}/{name}")).JsonAsync();
        await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}")).JsonAsync();
        using var git = new GitClient();
        Assert.Contains("refs/heads/main", await git.OkAsync(null, "ls-remote", GitClient.Url(server, owner.Username, name)));
    }

    [Fact]
    public async Task Longest_name_is_accepted()
    {
        var owner = await server.SignUpAsync();
        var name = new string('n', 100);
        await RepoSetup.CreateAsync(owner, name);
        using var c = owner.Client();
        await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}")).JsonAsync();
    }

    [Fact]
    public async Task Names_are_unique_per_owner_regardless_of_case()
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var name = RepoSetup.UniqueName("Dup");
        await RepoSetup.CreateAsync(owner, name);
        using var c = owner.Client();
        await (await c.PostAsJsonAsync("/api/repositories", new { name = name.ToUpperInvariant(), visibility = "public" })).ErrorAsync(HttpStatusCode.Conflict);
        var taken = await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name = name.ToLowerInvariant() })).ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
        var field = Assert.Single(taken["errors"]!.AsArray())!;
        Assert.Equal(("Repository", "name", "already_exists"), (field.Str("resource"), field.Str("field"), field.Str("code")));
        // Another owner may use it.
        await RepoSetup.CreateAsync(other, name);
        // Renaming onto a taken name conflicts; changing only the case of one's own name does not.
        var second = (await RepoSetup.CreateAsync(owner)).Str("name");
        await (await c.PatchAsJsonAsync($"/api/repositories/{owner.Username}/{second}", new { name = name.ToLowerInvariant() }))
            .ErrorAsync(HttpStatusCode.Conflict);
        var renamed = (await (await c.PatchAsJsonAsync($"/api/repositories/{owner.Username}/{name}", new { name = name.ToLowerInvariant() }))
            .JsonAsync())["repo"]!;
        Assert.Equal(name.ToLowerInvariant(), renamed.Str("name"));
    }

    public static TheoryData<string, string, string, int> BadBodies => new()
    {
        // method, path (~ is owner/repo), body, expected status
        { "POST", "/api/repositories", "{", 400 },
        { "POST", "/api/repositories", "[]", 400 },
        { "POST", "/api/repositories", "null", 400 },
        { "POST", "/api/repositories", "", 400 },
        { "POST", "/api/repositories", """{"visibility":"public"}""", 400 },
        { "POST", "/api/repositories", """{"name":5}""", 400 },
        { "POST", "/api/repositories", """{"name":"ok-name","visibility":"secret"}""", 400 },
        { "POST", "/api/repositories", """{"name":"ok-name","visibility":"public","autoInit":"yes"}""", 400 },
        { "POST", "/api/repositories", """{"name":"ok-name","visibility":"public","defaultBranch":"bad..branch"}""", 400 },
        { "POST", "/api/repositories", """{"name":"ok-name","visibility":"public","defaultBranch":""}""", 400 },
        { "POST", "/api/repositories", """{"name":"ok-name","visibility":"public","description":"DESC"}""", 400 },
        { "POST", "/api/v1/user/repos", "{", 400 },
        { "POST", "/api/v1/user/repos", "{}", 400 },
        { "POST", "/api/v1/user/repos", """{"name":"ok-name","private":"yes"}""", 400 },
        { "POST", "/api/v1/user/repos", """{"name":"ok-name","visibility":"secret"}""", 400 },
        { "POST", "/api/v1/user/repos", """{"name":"ok-name","default_branch":"-bad"}""", 422 },
        { "POST", "/api/v1/user/repos", """{"name":"ok-name","default_branch":"HEAD"}""", 422 },
        // git would read 40 hex digits as a commit: GitHub refuses such a branch name, and so does every route here.
        { "POST", "/api/v1/user/repos", """{"name":"ok-name","default_branch":"0123456789abcdef0123456789abcdef01234567"}""", 422 },
        { "POST", "/api/v1/user/repos", """{"name":"ok-name","default_branch":"LONGBRANCH"}""", 422 },
        { "POST", "/api/v1/user/repos", """{"name":"ok-name","description":"DESC"}""", 422 },
        { "PATCH", "/api/repositories/~", "{", 400 },
        { "PATCH", "/api/repositories/~", "", 400 },
        { "PATCH", "/api/repositories/~", """{"visibility":"hidden"}""", 400 },
        { "PATCH", "/api/repositories/~", """{"defaultBranch":"no-such-branch"}""", 400 },
        { "PATCH", "/api/repositories/~", """{"defaultBranch":"bad branch"}""", 400 },
        { "PATCH", "/api/repositories/~", """{"description":"DESC"}""", 400 },
        { "PATCH", "/api/v1/repos/~", """{"default_branch":"no-such-branch"}""", 422 },
        { "PATCH", "/api/v1/repos/~", """{"private":1}""", 400 },
        { "PATCH", "/api/v1/repos/~", """{"default_branch":"LONGBRANCH"}""", 422 },
        { "POST", "/api/repositories/~/fork", "{", 400 },
        { "POST", "/api/repositories/~/fork", """{"name":"bad name"}""", 400 },
        { "POST", "/api/repositories/~/fork", """{"name":"fine","description":"DESC"}""", 400 },
        { "POST", "/api/v1/repos/~/forks", """{"name":"x.git"}""", 422 },
        { "POST", "/api/v1/repos/~/forks", "[1]", 400 },
        { "PUT", "/api/v1/repos/~/collaborators/NOBODY", """{"permission":"read"}""", 404 },
        { "PUT", "/api/v1/repos/~/collaborators/OTHER", """{"permission":"god"}""", 422 },
        { "PUT", "/api/v1/repos/~/collaborators/OTHER", "{", 400 },
        { "PUT", "/api/v1/repos/~/collaborators/OWNER", """{"permission":"write"}""", 422 },
        { "GET", "/api/repositories/~/forks?limit=0", "", 400 },
        { "GET", "/api/repositories/~/stars?offset=-1", "", 400 },
        { "GET", "/api/v1/repos/~/forks?per_page=abc", "", 400 },
        { "GET", "/api/v1/repos/~/stargazers?page=0", "", 400 },
        { "GET", "/api/v1/user/repos?page=99999999999", "", 400 },
        { "GET", "/api/users/OWNER/repositories?limit=x", "", 400 },
        { "GET", "/api/v1/users/OWNER/repos?per_page=-5", "", 400 },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_refused_with_an_error_and_changes_nothing(string method, string path, string body, int status)
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var repo = await RepoSetup.CreateAsync(owner);
        path = path.Replace("~", $"{owner.Username}/{repo.Str("name")}").Replace("OWNER", owner.Username).Replace("OTHER", other.Username);
        body = body.Replace("DESC", new string('d', 1001)).Replace("LONGBRANCH", new string('b', 256));
        using var c = owner.Client();
        var req = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            req.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }
        await (await c.SendAsync(req)).ErrorAsync((HttpStatusCode)status);

        var after = (await (await c.GetAsync($"/api/repositories/{owner.Username}/{repo.Str("name")}")).JsonAsync())["repo"]!;
        Assert.Equal(repo.ToJsonString(), after.ToJsonString());
        var list = await (await c.GetAsync($"/api/users/{owner.Username}/repositories")).JsonAsync();
        Assert.Equal([repo.Str("name")], Names(list["repositories"]!));
        Assert.Empty((await (await other.Client().GetAsync($"/api/users/{other.Username}/repositories")).JsonAsync())["repositories"]!.AsArray());
        Assert.Empty((await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{repo.Str("name")}/collaborators")).JsonAsync()).AsArray());
    }

    public static TheoryData<string, string> UnknownTargets => new()
    {
        { "GET", "/api/repositories/OWNER/nope" },
        { "PATCH", "/api/repositories/OWNER/nope" },
        { "DELETE", "/api/repositories/OWNER/nope" },
        { "POST", "/api/repositories/OWNER/nope/fork" },
        { "GET", "/api/repositories/OWNER/nope/forks" },
        { "POST", "/api/repositories/OWNER/nope/star" },
        { "DELETE", "/api/repositories/OWNER/nope/star" },
        { "GET", "/api/repositories/OWNER/nope/stars" },
        { "GET", "/api/repositories/no-such-user-xyz/nope" },
        { "GET", "/api/repositories/" + "LONGUSER" + "/nope" },
        { "GET", "/api/repositories/OWNER/" + "LONGREPO" },
        { "GET", "/api/repositories/OWNER/nope.git" },
        { "GET", "/api/users/no-such-user-xyz/repositories" },
        { "GET", "/api/v1/repos/OWNER/nope" },
        { "PATCH", "/api/v1/repos/OWNER/nope" },
        { "DELETE", "/api/v1/repos/OWNER/nope" },
        { "POST", "/api/v1/repos/OWNER/nope/forks" },
        { "GET", "/api/v1/repos/OWNER/nope/forks" },
        { "GET", "/api/v1/repos/OWNER/nope/stargazers" },
        { "GET", "/api/v1/repos/OWNER/nope/collaborators" },
        { "PUT", "/api/v1/repos/OWNER/nope/collaborators/OWNER" },
        { "DELETE", "/api/v1/repos/OWNER/nope/collaborators/OWNER" },
        { "GET", "/api/v1/user/starred/OWNER/nope" },
        { "PUT", "/api/v1/user/starred/OWNER/nope" },
        { "DELETE", "/api/v1/user/starred/OWNER/nope" },
        { "GET", "/api/v1/users/no-such-user-xyz/repos" },
    };

    [Theory]
    [MemberData(nameof(UnknownTargets))]
    public async Task Unknown_repositories_are_404_on_every_route(string method, string path)
    {
        var owner = await server.SignUpAsync();
        path = path.Replace("OWNER", owner.Username).Replace("LONGUSER", new string('u', 300)).Replace("LONGREPO", new string('r', 300));
        using var c = owner.Client();
        var req = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "PATCH" or "POST" or "PUT")
        {
            req.Content = JsonContent.Create(new { description = "x" });
        }
        await (await c.SendAsync(req)).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Update_changes_name_description_visibility_and_default_branch()
    {
        var owner = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        using var c = owner.Client();
        using var anon = server.Anonymous();
        var newName = RepoSetup.UniqueName("new");
        var updated = (await (await c.PatchAsJsonAsync($"/api/repositories/{owner.Username}/{name}",
            new { name = newName, description = "changed", visibility = "private" })).JsonAsync())["repo"]!;
        Assert.Equal(newName, updated.Str("name"));
        Assert.Equal("changed", updated.Str("description"));
        Assert.Equal("private", updated.Str("visibility"));
        // The old name leads to the new one, for those who may read it (RepositoryRenameRedirectTests has the rest).
        var moved = await c.GetAsync($"/api/repositories/{owner.Username}/{name}");
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal($"/api/repositories/{owner.Username}/{newName}", moved.Headers.Location?.OriginalString);
        await (await anon.GetAsync($"/api/repositories/{owner.Username}/{name}")).ErrorAsync(HttpStatusCode.NotFound);
        await (await anon.GetAsync($"/api/repositories/{owner.Username}/{newName}")).ErrorAsync(HttpStatusCode.NotFound);

        // The default branch must name an existing branch once there are branches.
        await (await c.PatchAsJsonAsync($"/api/repositories/{owner.Username}/{newName}", new { defaultBranch = "dev" })).ErrorAsync(HttpStatusCode.BadRequest);
        using var git = new GitClient();
        var dir = git.Path("w");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, newName, owner.Username, owner.Password), dir);
        await git.OkAsync(dir, "checkout", "-q", "-b", "dev");
        var devHead = await git.CommitFileAsync(dir, "dev.txt", "dev\n", "dev work");
        await git.OkAsync(dir, "push", "-q", "origin", "dev");
        var v1 = await (await c.PatchAsJsonAsync($"/api/v1/repos/{owner.Username}/{newName}", new { default_branch = "dev", @private = false })).JsonAsync();
        Assert.Equal("dev", v1.Str("default_branch"));
        Assert.False(v1["private"]!.GetValue<bool>());
        var fresh = git.Path("fresh");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, newName), fresh);
        Assert.Equal("dev", await git.OkAsync(fresh, "rev-parse", "--abbrev-ref", "HEAD"));
        Assert.Equal(devHead, await git.OkAsync(fresh, "rev-parse", "HEAD"));

        // An empty repository accepts any valid branch name as its future default.
        var empty = (await RepoSetup.CreateAsync(owner, autoInit: false)).Str("name");
        var e = (await (await c.PatchAsJsonAsync($"/api/repositories/{owner.Username}/{empty}", new { defaultBranch = "develop" })).JsonAsync())["repo"]!;
        Assert.Equal("develop", e.Str("defaultBranch"));
        // An empty PATCH changes nothing.
        var same = (await (await c.PatchAsJsonAsync($"/api/repositories/{owner.Username}/{empty}", new { })).JsonAsync())["repo"]!;
        Assert.Equal("develop", same.Str("defaultBranch"));
    }

    [Fact]
    public async Task Delete_removes_the_repository_and_frees_its_name()
    {
        var owner = await server.SignUpAsync();
        var fan = await server.SignUpAsync();
        var repo = await RepoSetup.CreateAsync(owner);
        var name = repo.Str("name");
        using var fc = fan.Client();
        (await fc.PostAsync($"/api/repositories/{owner.Username}/{name}/star", null)).EnsureSuccessStatusCode();
        await RepoSetup.AddCollaboratorAsync(owner, name, fan, "write");
        using var c = owner.Client();
        var deleted = await (await c.DeleteAsync($"/api/repositories/{owner.Username}/{name}")).JsonAsync();
        Assert.True(deleted["success"]!.GetValue<bool>());
        await (await c.GetAsync($"/api/repositories/{owner.Username}/{name}")).ErrorAsync(HttpStatusCode.NotFound);
        Assert.False(Directory.Exists(RepoSetup.BareDir(server, repo)));
        Assert.Empty((await (await fc.GetAsync("/api/v1/user/starred")).JsonAsync()).AsArray());
        Assert.Empty((await (await fc.GetAsync("/api/v1/user/repos")).JsonAsync()).AsArray());
        await (await c.DeleteAsync($"/api/repositories/{owner.Username}/{name}")).ErrorAsync(HttpStatusCode.NotFound);

        var again = await RepoSetup.CreateAsync(owner, name);
        Assert.NotEqual(repo.Str("id"), again.Str("id"));
        Assert.Equal(0, again["starCount"]!.GetValue<int>());
        await (await c.DeleteAsync($"/api/v1/repos/{owner.Username}/{name}")).ExpectStatusAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task User_repository_lists_page_on_both_surfaces_with_absolute_link_headers()
    {
        var owner = await server.SignUpAsync();
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            names.Add((await RepoSetup.CreateAsync(owner, autoInit: false)).Str("name"));
        }
        var hidden = (await RepoSetup.CreateAsync(owner, isPrivate: true, autoInit: false)).Str("name");
        names.Reverse(); // newest first

        using var anon = server.Anonymous();
        var first = await (await anon.GetAsync($"/api/users/{owner.Username}/repositories?limit=2")).JsonAsync();
        Assert.Equal(names[..2], Names(first["repositories"]!));
        Assert.True(first["hasMore"]!.GetValue<bool>());
        var last = await (await anon.GetAsync($"/api/users/{owner.Username}/repositories?limit=2&offset=4")).JsonAsync();
        Assert.Equal(names[4..], Names(last["repositories"]!));
        Assert.False(last["hasMore"]!.GetValue<bool>());

        var baseUrl = server.BaseUri.ToString().TrimEnd('/');
        var page1 = await anon.GetAsync($"/api/v1/users/{owner.Username}/repos?per_page=2");
        Assert.Equal(names[..2], Names(await page1.JsonAsync()));
        var link = page1.Headers.GetValues("Link").Single();
        Assert.Contains($"<{baseUrl}/api/v1/users/{owner.Username}/repos?per_page=2&page=2>; rel=\"next\"", link);
        Assert.Contains($"<{baseUrl}/api/v1/users/{owner.Username}/repos?per_page=2&page=3>; rel=\"last\"", link);
        Assert.DoesNotContain("rel=\"prev\"", link);

        var page3 = await anon.GetAsync($"/api/v1/users/{owner.Username}/repos?per_page=2&page=3");
        Assert.Equal(names[4..], Names(await page3.JsonAsync()));
        var link3 = page3.Headers.GetValues("Link").Single();
        Assert.Contains($"<{baseUrl}/api/v1/users/{owner.Username}/repos?per_page=2&page=2>; rel=\"prev\"", link3);
        Assert.Contains($"<{baseUrl}/api/v1/users/{owner.Username}/repos?per_page=2&page=1>; rel=\"first\"", link3);
        Assert.DoesNotContain("rel=\"next\"", link3);

        // The owner sees the private one too, on their own list and on /user/repos.
        using var c = owner.Client();
        Assert.Equal(hidden, Names((await (await c.GetAsync($"/api/users/{owner.Username}/repositories?limit=1")).JsonAsync())["repositories"]!)[0]);
        var mine = await c.GetAsync("/api/v1/user/repos?per_page=5");
        Assert.Equal(5, (await mine.JsonAsync()).AsArray().Count);
        Assert.Contains($"<{baseUrl}/api/v1/user/repos?per_page=5&page=2>; rel=\"last\"", mine.Headers.GetValues("Link").Single());
        // A single page has nowhere next to go.
        var single = await c.GetAsync("/api/v1/user/repos?per_page=100");
        Assert.Equal(6, (await single.JsonAsync()).AsArray().Count);
        Assert.DoesNotContain("rel=\"next\"", single.Headers.TryGetValues("Link", out var l) ? string.Join(",", l) : "");
    }
}

internal static class ResponseChecks
{
    public static async Task ExpectStatusAsync(this HttpResponseMessage res, HttpStatusCode expected)
    {
        Assert.True(res.StatusCode == expected, $"expected {(int)expected}, got {(int)res.StatusCode}: {await res.Content.ReadAsStringAsync()}");
    }
}

public sealed class RepositoryRouteTestsOnSqlite(SqliteServer s) : RepositoryRouteTests(s), IClassFixture<SqliteServer>;

public sealed class RepositoryRouteTestsOnPostgres(PostgresServer s) : RepositoryRouteTests(s), IClassFixture<PostgresServer>;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using Anvil.Server.Tests.Browsing;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Repositories;

/// <summary>GitHub's languages, tags, README and collaborator-check routes on v1.</summary>
public abstract class V1RepositoryFactsTests(AnvilServer server)
{
    private async Task<(TestUser Owner, string Name, HttpClient Client, GitWorkTree Tree)> PushedRepoAsync(bool isPrivate = false)
    {
        var owner = await server.SignUpAsync();
        var name = await GitWorkTree.CreateRepositoryAsync(owner, isPrivate);
        var wt = GitWorkTree.Create();
        wt.Write("README.md", "# hello\n").Write("src/main.cs", "class A { }\nclass B { }\n").Write("tool.py", "print(1)\n")
            .Write("docs/README.txt", "docs readme\n").Commit("first");
        wt.Git("tag", "v1.9");
        wt.Git("tag", "-a", "v1.10", "-m", "annotated");
        wt.Push(owner, owner.Username, name, "main", "--tags");
        return (owner, name, server.WithBearer(await owner.CreateTokenAsync("repo")), wt);
    }

    [Fact]
    public async Task Languages_map_each_language_to_its_bytes_and_fill_the_repository_language()
    {
        var (owner, name, c, wt) = await PushedRepoAsync();
        using var _ = c;
        using var __ = wt;
        var languages = (await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}/languages")).JsonAsync()).AsObject();
        Assert.Equal(["C#", "Python"], languages.Select(l => l.Key));
        Assert.Equal(24, languages["C#"]!.GetValue<long>());
        Assert.Equal(9, languages["Python"]!.GetValue<long>());
        Assert.Equal("C#", (await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}")).JsonAsync()).Str("language"));

        // An empty repository has no languages and no language.
        var empty = await GitWorkTree.CreateRepositoryAsync(owner);
        Assert.Empty((await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{empty}/languages")).JsonAsync()).AsObject());
        Assert.Null((await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{empty}")).JsonAsync())["language"]);
    }

    [Fact]
    public async Task Tags_list_newest_name_first_with_their_commits()
    {
        var (owner, name, c, wt) = await PushedRepoAsync();
        using var _ = c;
        using var __ = wt;
        var res = await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}/tags");
        var tags = (await res.JsonAsync()).AsArray();
        Assert.Equal(["v1.10", "v1.9"], tags.Select(t => t!.Str("name")));
        var api = $"{server.BaseUri.GetLeftPart(UriPartial.Authority)}/api/v1/repos/{owner.Username}/{name}";
        // The annotated tag names the commit it peels to, not the tag object.
        Assert.Equal(wt.Head(), tags[0]!.Str("commit.sha"));
        Assert.Equal($"{api}/commits/{wt.Head()}", tags[0]!.Str("commit.url"));
        Assert.Equal($"{api}/tarball/refs/tags/v1.10", tags[0]!.Str("tarball_url"));
        Assert.Equal($"{api}/zipball/refs/tags/v1.9", tags[1]!.Str("zipball_url"));

        var page = await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}/tags?per_page=1&page=2");
        Assert.Equal("v1.9", Assert.Single((await page.JsonAsync()).AsArray())!.Str("name"));
        Assert.Contains("rel=\"first\"", string.Join(",", page.Headers.GetValues("Link")));
        await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}/tags?per_page=abc")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Readme_is_the_root_or_a_directorys_readme_as_a_contents_object()
    {
        var (owner, name, c, wt) = await PushedRepoAsync();
        using var _ = c;
        using var __ = wt;
        var v1 = $"/api/v1/repos/{owner.Username}/{name}";
        var readme = await (await c.GetAsync($"{v1}/readme")).JsonAsync();
        Assert.Equal("README.md", readme.Str("name"));
        Assert.Equal("file", readme.Str("type"));
        Assert.Equal("base64", readme.Str("encoding"));
        Assert.Equal("# hello\n", Encoding.UTF8.GetString(Convert.FromBase64String(readme.Str("content"))));

        var docs = await (await c.GetAsync($"{v1}/readme/docs?ref=v1.9")).JsonAsync();
        Assert.Equal("docs/README.txt", docs.Str("path"));
        Assert.Equal("docs readme\n", Encoding.UTF8.GetString(Convert.FromBase64String(docs.Str("content"))));

        await (await c.GetAsync($"{v1}/readme/src")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{v1}/readme/nowhere")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{v1}/readme?ref=no-such-branch")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{v1}/readme/..%2F..")).ErrorAsync(HttpStatusCode.BadRequest);
        var empty = await GitWorkTree.CreateRepositoryAsync(owner);
        await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{empty}/readme")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Compare_says_how_two_refs_differ_in_GitHubs_shape()
    {
        var (owner, name, c, wt) = await PushedRepoAsync();
        using var _ = c;
        using var __ = wt;
        var first = wt.Head();
        wt.Git("checkout", "-q", "-b", "feature");
        var featureCommit = wt.Write("feature.txt", "new\n").Commit("feature work");
        wt.Git("checkout", "-q", "main");
        var mainCommit = wt.Write("main.txt", "main\n").Commit("main work");
        wt.Push(owner, owner.Username, name, "main", "feature");
        var v1 = $"/api/v1/repos/{owner.Username}/{name}";

        var diverged = await (await c.GetAsync($"{v1}/compare/main...feature")).JsonAsync();
        Assert.Equal("diverged", diverged.Str("status"));
        Assert.Equal(1, diverged["ahead_by"]!.GetValue<int>());
        Assert.Equal(1, diverged["behind_by"]!.GetValue<int>());
        Assert.Equal(1, diverged["total_commits"]!.GetValue<int>());
        Assert.Equal(featureCommit, Assert.Single(diverged["commits"]!.AsArray())!.Str("sha"));
        Assert.Equal("feature.txt", Assert.Single(diverged["files"]!.AsArray())!.Str("filename"));
        Assert.Equal(mainCommit, diverged.Str("base_commit.sha"));
        Assert.Equal(first, diverged.Str("merge_base_commit.sha"));

        var ahead = await (await c.GetAsync($"{v1}/compare/v1.9...main")).JsonAsync();
        Assert.Equal("ahead", ahead.Str("status"));
        Assert.Equal(0, ahead["behind_by"]!.GetValue<int>());
        Assert.Equal("behind", (await (await c.GetAsync($"{v1}/compare/main...{first}")).JsonAsync()).Str("status"));
        var same = await (await c.GetAsync($"{v1}/compare/main..main")).JsonAsync();
        Assert.Equal("identical", same.Str("status"));
        Assert.Empty(same["files"]!.AsArray());

        await (await c.GetAsync($"{v1}/compare/main")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync($"{v1}/compare/main...")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync($"{v1}/compare/main...no-such-branch")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{v1}/compare/main...--output=x")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Collaborator_check_and_permission_answer_as_GitHub_does()
    {
        var (owner, name, c, wt) = await PushedRepoAsync();
        using var _ = c;
        using var __ = wt;
        var reader = await server.SignUpAsync();
        var stranger = await server.SignUpAsync();
        await RepoSetup.AddCollaboratorAsync(owner, name, reader, "read");
        var v1 = $"/api/v1/repos/{owner.Username}/{name}";

        await (await c.GetAsync($"{v1}/collaborators/{reader.Username}")).ExpectStatusAsync(HttpStatusCode.NoContent);
        await (await c.GetAsync($"{v1}/collaborators/{owner.Username}")).ExpectStatusAsync(HttpStatusCode.NoContent);
        await (await c.GetAsync($"{v1}/collaborators/{stranger.Username}")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{v1}/collaborators/no-such-user-{Guid.NewGuid():N}")).ErrorAsync(HttpStatusCode.NotFound);

        var mine = await (await c.GetAsync($"{v1}/collaborators/{owner.Username}/permission")).JsonAsync();
        Assert.Equal("admin", mine.Str("permission"));
        Assert.Equal(owner.Username, mine.Str("user.login"));
        Assert.Equal("read", (await (await c.GetAsync($"{v1}/collaborators/{reader.Username}/permission")).JsonAsync()).Str("permission"));
        // Anyone may read a public repository.
        Assert.Equal("read", (await (await c.GetAsync($"{v1}/collaborators/{stranger.Username}/permission")).JsonAsync()).Str("role_name"));

        // Asking needs push access, as on GitHub.
        using var rc = server.WithBearer(await reader.CreateTokenAsync("repo"));
        await (await rc.GetAsync($"{v1}/collaborators/{reader.Username}")).ErrorAsync(HttpStatusCode.Forbidden);
        await (await rc.GetAsync($"{v1}/collaborators/{owner.Username}/permission")).ErrorAsync(HttpStatusCode.Forbidden);

        var (powner, pname, pc, pwt) = await PushedRepoAsync(isPrivate: true);
        using var ___ = pc;
        using var ____ = pwt;
        Assert.Equal("none", (await (await pc.GetAsync($"/api/v1/repos/{powner.Username}/{pname}/collaborators/{stranger.Username}/permission"))
            .JsonAsync()).Str("permission"));
    }
}

public sealed class V1RepositoryFactsTestsOnSqlite(SqliteServer s) : V1RepositoryFactsTests(s), IClassFixture<SqliteServer>;

public sealed class V1RepositoryFactsTestsOnPostgres(PostgresServer s) : V1RepositoryFactsTests(s), IClassFixture<PostgresServer>;

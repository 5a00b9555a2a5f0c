using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Repositories;

/// <summary>After a rename the old <c>owner/name</c> answers a redirect to the new one (API surfaces and git) until taken.</summary>
public abstract class RepositoryRenameRedirectTests(AnvilServer server)
{
    private static async Task RenameAsync(TestUser owner, string from, string to)
    {
        using var c = owner.Client();
        var renamed = await (await c.PatchAsJsonAsync($"/api/v1/repos/{owner.Username}/{from}", new { name = to })).JsonAsync();
        Assert.Equal(to, renamed.Str("name"));
    }

    /// <summary>Asserts a redirect to <paramref name="location"/> (and that the answer may not be kept by anyone).</summary>
    private static async Task RedirectsAsync(HttpResponseMessage res, string location, HttpStatusCode status = HttpStatusCode.MovedPermanently)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == status, $"expected {(int)status}, got {(int)res.StatusCode}: {text}");
        Assert.Equal(location, res.Headers.Location?.OriginalString);
        Assert.Contains("no-store", res.Headers.CacheControl?.ToString() ?? "");
        Assert.EndsWith(location, JsonNode.Parse(text)!.Str("url"));
    }

    [Fact]
    public async Task The_old_name_redirects_on_both_api_surfaces_keeping_the_rest_of_the_path_and_the_query()
    {
        var owner = await server.SignUpAsync();
        var oldName = RepoSetup.UniqueName("before");
        var newName = RepoSetup.UniqueName("after");
        var repo = await RepoSetup.CreateAsync(owner, oldName);
        await RenameAsync(owner, oldName, newName);
        var o = owner.Username;

        using var anon = server.Anonymous();
        await RedirectsAsync(await anon.GetAsync($"/api/v1/repos/{o}/{oldName}"), $"/api/v1/repos/{o}/{newName}");
        await RedirectsAsync(await anon.GetAsync($"/api/v1/repos/{o}/{oldName}/commits?sha=main&per_page=1"),
            $"/api/v1/repos/{o}/{newName}/commits?sha=main&per_page=1");
        await RedirectsAsync(await anon.GetAsync($"/api/v1/repos/{o}/{oldName}/contents/README.md?ref=main"),
            $"/api/v1/repos/{o}/{newName}/contents/README.md?ref=main");
        await RedirectsAsync(await anon.GetAsync($"/api/repositories/{o}/{oldName}"), $"/api/repositories/{o}/{newName}");
        await RedirectsAsync(await anon.GetAsync($"/api/repositories/{o}/{oldName}/tree?ref=main"), $"/api/repositories/{o}/{newName}/tree?ref=main");
        await RedirectsAsync(await anon.GetAsync($"/api/repositories/{o}/{oldName}/issues?state=open"), $"/api/repositories/{o}/{newName}/issues?state=open");
        // Names are looked up regardless of case; the owner segment becomes the owner's own spelling.
        await RedirectsAsync(await anon.GetAsync($"/api/v1/repos/{o.ToUpperInvariant()}/{oldName.ToUpperInvariant()}/issues"),
            $"/api/v1/repos/{o}/{newName}/issues");

        // Following the redirect reaches the same repository under its new name.
        using var follow = new HttpClient { BaseAddress = server.BaseUri };
        var moved = await (await follow.GetAsync($"/api/v1/repos/{o}/{oldName}")).JsonAsync();
        Assert.Equal(repo.Str("id"), moved["id"]!.GetValue<long>().ToString());
        Assert.Equal($"{o}/{newName}", moved.Str("full_name"));

        // Writes get 307 (repeat the method and body there) and change nothing here.
        using var c = owner.Client();
        await RedirectsAsync(await c.PatchAsJsonAsync($"/api/v1/repos/{o}/{oldName}", new { description = "via the old name" }),
            $"/api/v1/repos/{o}/{newName}", HttpStatusCode.TemporaryRedirect);
        await RedirectsAsync(await c.PostAsJsonAsync($"/api/repositories/{o}/{oldName}/issues", new { title = "via the old name" }),
            $"/api/repositories/{o}/{newName}/issues", HttpStatusCode.TemporaryRedirect);
        Assert.Equal("test repository", (await (await c.GetAsync($"/api/v1/repos/{o}/{newName}")).JsonAsync()).Str("description"));
        Assert.Empty((await (await c.GetAsync($"/api/v1/repos/{o}/{newName}/issues")).JsonAsync()).AsArray());

        // Renamed again: every old name leads to the current one.
        var third = RepoSetup.UniqueName("third");
        await RenameAsync(owner, newName, third);
        await RedirectsAsync(await anon.GetAsync($"/api/v1/repos/{o}/{oldName}"), $"/api/v1/repos/{o}/{third}");
        await RedirectsAsync(await anon.GetAsync($"/api/v1/repos/{o}/{newName}"), $"/api/v1/repos/{o}/{third}");
        // A name that never existed is still simply not found.
        await (await anon.GetAsync($"/api/v1/repos/{o}/{RepoSetup.UniqueName("never")}")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_private_repository_redirects_only_for_those_who_may_read_it()
    {
        var owner = await server.SignUpAsync();
        var reader = await server.SignUpAsync();
        var stranger = await server.SignUpAsync();
        var oldName = RepoSetup.UniqueName("secret");
        var newName = RepoSetup.UniqueName("hidden");
        await RepoSetup.CreateAsync(owner, oldName, isPrivate: true);
        await RepoSetup.AddCollaboratorAsync(owner, oldName, reader, "pull");
        await RenameAsync(owner, oldName, newName);
        var o = owner.Username;
        string[] oldPaths = [$"/api/v1/repos/{o}/{oldName}", $"/api/repositories/{o}/{oldName}"];

        foreach (var user in new[] { owner, reader })
        {
            using var c = user.Client();
            await RedirectsAsync(await c.GetAsync(oldPaths[0]), $"/api/v1/repos/{o}/{newName}");
            await RedirectsAsync(await c.GetAsync(oldPaths[1]), $"/api/repositories/{o}/{newName}");
        }
        using (var readerToken = server.WithBearer(await reader.CreateTokenAsync("repo:read")))
        {
            await RedirectsAsync(await readerToken.GetAsync(oldPaths[0]), $"/api/v1/repos/{o}/{newName}");
        }
        // Everyone else learns nothing: not the new name, not that there was one.
        using (var sc = stranger.Client())
        {
            foreach (var path in oldPaths)
            {
                await (await sc.GetAsync(path)).ErrorAsync(HttpStatusCode.NotFound);
            }
        }
        using (var anon = server.Anonymous())
        {
            foreach (var path in oldPaths)
            {
                await (await anon.GetAsync(path)).ErrorAsync(HttpStatusCode.NotFound);
            }
        }
        using (var noRepoScope = server.WithBearer(await owner.CreateTokenAsync("user:read")))
        {
            await (await noRepoScope.GetAsync(oldPaths[0])).ErrorAsync(HttpStatusCode.NotFound);
        }

        // On git: anonymous clients are challenged as for any private repository, strangers are told "not found".
        var anonymousGit = await RepoSetup.InfoRefsAsync(server, o, oldName, "git-upload-pack");
        await anonymousGit.ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("Basic", anonymousGit.Headers.WwwAuthenticate.ToString());
        await (await RepoSetup.InfoRefsAsync(server, o, oldName, "git-upload-pack", RepoSetup.Basic(stranger.Username, stranger.Password)))
            .ErrorAsync(HttpStatusCode.NotFound);
        await RedirectsAsync(await RepoSetup.InfoRefsAsync(server, o, oldName, "git-upload-pack", RepoSetup.Basic(reader.Username, reader.Password)),
            $"/{o}/{newName}.git/info/refs?service=git-upload-pack");
    }

    [Fact]
    public async Task The_old_name_stops_redirecting_once_another_repository_takes_it_or_the_repository_is_deleted()
    {
        var owner = await server.SignUpAsync();
        var o = owner.Username;
        var oldName = RepoSetup.UniqueName("taken");
        var newName = RepoSetup.UniqueName("moved");
        var original = await RepoSetup.CreateAsync(owner, oldName);
        await RenameAsync(owner, oldName, newName);
        using var c = owner.Client();

        // A new repository takes the old name: the name is its now, and stays so when it is deleted.
        var successor = await RepoSetup.CreateAsync(owner, oldName);
        Assert.NotEqual(original.Str("id"), successor.Str("id"));
        Assert.Equal(successor.Str("id"), (await (await c.GetAsync($"/api/v1/repos/{o}/{oldName}")).JsonAsync())["id"]!.GetValue<long>().ToString());
        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"/api/v1/repos/{o}/{oldName}")).StatusCode);
        await (await c.GetAsync($"/api/v1/repos/{o}/{oldName}")).ErrorAsync(HttpStatusCode.NotFound);

        // A rename onto an old name takes it too; renaming back to the old name makes it the repository's own again.
        var other = (await RepoSetup.CreateAsync(owner)).Str("name");
        var spare = RepoSetup.UniqueName("spare");
        await RenameAsync(owner, newName, spare);
        await RedirectsAsync(await c.GetAsync($"/api/v1/repos/{o}/{newName}"), $"/api/v1/repos/{o}/{spare}");
        await RenameAsync(owner, other, newName);
        Assert.Equal($"{o}/{newName}", (await (await c.GetAsync($"/api/v1/repos/{o}/{newName}")).JsonAsync()).Str("full_name"));
        await RedirectsAsync(await c.GetAsync($"/api/v1/repos/{o}/{other}"), $"/api/v1/repos/{o}/{newName}");
        await RenameAsync(owner, spare, oldName);
        Assert.Equal(original.Str("id"), (await (await c.GetAsync($"/api/v1/repos/{o}/{oldName}")).JsonAsync())["id"]!.GetValue<long>().ToString());
        await RedirectsAsync(await c.GetAsync($"/api/v1/repos/{o}/{spare}"), $"/api/v1/repos/{o}/{oldName}");

        // Another owner's repository of the same name is no redirect target.
        var someoneElse = await server.SignUpAsync();
        await (await c.GetAsync($"/api/v1/repos/{someoneElse.Username}/{spare}")).ErrorAsync(HttpStatusCode.NotFound);

        // Deleting the repository deletes its old names.
        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"/api/v1/repos/{o}/{oldName}")).StatusCode);
        await (await c.GetAsync($"/api/v1/repos/{o}/{spare}")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"/api/repositories/{o}/{spare}")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Git_clones_fetches_and_pushes_through_the_old_url(bool isPrivate)
    {
        var owner = await server.SignUpAsync();
        var o = owner.Username;
        var oldName = RepoSetup.UniqueName("gitold");
        var newName = RepoSetup.UniqueName("gitnew");
        await RepoSetup.CreateAsync(owner, oldName, isPrivate: isPrivate);
        using var git = new GitClient();
        var oldUrl = GitClient.Url(server, o, oldName, owner.Username, owner.Password);
        var seed = git.Path("seed");
        await git.OkAsync(null, "clone", "-q", oldUrl, seed);
        var before = await git.CommitFileAsync(seed, "before.txt", "before the rename\n", "before the rename");
        await git.OkAsync(seed, "push", "-q", "origin", "main");

        await RenameAsync(owner, oldName, newName);

        // A fresh clone through the old URL (anonymous for a public repository, with credentials for a private one).
        var cloneUrl = isPrivate ? oldUrl : GitClient.Url(server, o, oldName);
        var clone = git.Path("clone");
        var cloned = await git.RunAsync(null, "clone", cloneUrl, clone);
        Assert.True(cloned.Success, cloned.ToString());
        Assert.Contains($"redirecting to http://{server.BaseUri.Authority}/{o}/{newName}.git/", cloned.Stderr);
        Assert.Equal(before, await git.OkAsync(clone, "rev-parse", "HEAD"));

        // The old clone's remote still names the old URL: push and fetch through it go to the renamed repository.
        var after = await git.CommitFileAsync(seed, "after.txt", "after the rename\n", "after the rename");
        var pushed = await git.RunAsync(seed, "push", "origin", "main");
        Assert.True(pushed.Success, pushed.ToString());
        var newUrl = GitClient.Url(server, o, newName, owner.Username, owner.Password);
        Assert.StartsWith(after, await git.OkAsync(null, "ls-remote", newUrl, "refs/heads/main"));
        await git.OkAsync(clone, "fetch", "-q", "origin");
        Assert.Equal(after, await git.OkAsync(clone, "rev-parse", "origin/main"));
        Assert.Equal("after the rename\n", await git.OkAsync(clone, "show", "origin/main:after.txt") + "\n");

        // Both pushes landed in the one repository: the old name has no repository of its own.
        using var c = owner.Client();
        var commits = await (await c.GetAsync($"/api/v1/repos/{o}/{newName}/commits?sha=main")).JsonAsync();
        Assert.Equal(after, commits[0]!.Str("sha"));
        Assert.Equal(before, commits[1]!.Str("sha"));
    }
}

public sealed class RepositoryRenameRedirectTestsOnSqlite(SqliteServer s) : RepositoryRenameRedirectTests(s), IClassFixture<SqliteServer>;

public sealed class RepositoryRenameRedirectTestsOnPostgres(PostgresServer s) : RepositoryRenameRedirectTests(s), IClassFixture<PostgresServer>;

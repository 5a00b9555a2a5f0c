using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Repositories;

/// <summary>What people do with a repository besides owning it: forks, stars, collaborators, and the writes that need a scope.</summary>
public abstract partial class RepositoryRouteTests
{
    [Fact]
    public async Task Fork_on_both_surfaces_with_forks_lists_and_counts()
    {
        var owner = await server.SignUpAsync();
        var a = await server.SignUpAsync();
        var b = await server.SignUpAsync();
        var parent = await RepoSetup.CreateAsync(owner);
        var name = parent.Str("name");
        var path = $"{owner.Username}/{name}";

        using var ac = a.Client();
        var forkA = (await (await ac.PostAsJsonAsync($"/api/repositories/{path}/fork", new { name = "a-fork", description = "mine" }))
            .JsonAsync(HttpStatusCode.Created))["repo"]!;
        Assert.Equal("a-fork", forkA.Str("name"));
        Assert.Equal("mine", forkA.Str("description"));
        Assert.Equal(parent.Str("id"), forkA.Str("forkedFrom.id"));
        Assert.Equal(name, forkA.Str("forkedFrom.name"));
        Assert.Equal(owner.Username, forkA.Str("forkedFrom.owner.username"));
        Assert.True(forkA["isOwner"]!.GetValue<bool>());
        Assert.Equal("public", forkA.Str("visibility"));
        // Again under the same name: taken.
        await (await ac.PostAsJsonAsync($"/api/repositories/{path}/fork", new { name = "a-fork" })).ErrorAsync(HttpStatusCode.Conflict);
        // Forking one's own fork onto itself is a conflict too.
        await (await ac.PostAsync($"/api/repositories/{a.Username}/a-fork/fork", null)).ErrorAsync(HttpStatusCode.Conflict);

        var token = await b.CreateTokenAsync("repo");
        using var bc = server.WithBearer(token);
        var forkB = await (await bc.PostAsync($"/api/v1/repos/{path}/forks", null)).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(name, forkB.Str("name"));
        Assert.Equal($"{b.Username}/{name}", forkB.Str("full_name"));
        Assert.True(forkB["fork"]!.GetValue<bool>());
        Assert.Equal(path, forkB.Str("parent.full_name"));
        Assert.Equal(path, forkB.Str("source.full_name"));
        var ofFork = await (await bc.PostAsJsonAsync($"/api/v1/repos/{a.Username}/a-fork/forks", new { name = "fork-of-fork" })).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal($"{a.Username}/a-fork", ofFork.Str("parent.full_name"));

        using var anon = server.Anonymous();
        var forks = await (await anon.GetAsync($"/api/repositories/{path}/forks")).JsonAsync();
        Assert.Equal(["a-fork", name], Names(forks["forks"]!));
        Assert.False(forks["hasMore"]!.GetValue<bool>());
        var v1Forks = await anon.GetAsync($"/api/v1/repos/{path}/forks?per_page=1");
        Assert.Equal(["a-fork"], Names(await v1Forks.JsonAsync()));
        Assert.Contains("rel=\"next\"", v1Forks.Headers.GetValues("Link").Single());

        var p = (await (await anon.GetAsync($"/api/repositories/{path}")).JsonAsync())["repo"]!;
        Assert.Equal(2, p["forkCount"]!.GetValue<int>());
        Assert.Equal(2, (await (await anon.GetAsync($"/api/v1/repos/{path}")).JsonAsync())["forks_count"]!.GetValue<int>());
        Assert.Equal(1, (await (await anon.GetAsync($"/api/repositories/{a.Username}/a-fork")).JsonAsync())["repo"]!["forkCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Stars_counts_and_viewer_flags_are_right_for_each_viewer()
    {
        var owner = await server.SignUpAsync();
        var fan1 = await server.SignUpAsync();
        var fan2 = await server.SignUpAsync();
        var bystander = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        var path = $"{owner.Username}/{name}";
        using var c1 = fan1.Client();
        using var c2 = fan2.Client();

        var star = await (await c1.PostAsync($"/api/repositories/{path}/star", null)).JsonAsync();
        Assert.True(star["starred"]!.GetValue<bool>());
        Assert.Equal(1, star["starCount"]!.GetValue<int>());
        // Starring twice is the same as once.
        Assert.Equal(1, (await (await c1.PostAsync($"/api/repositories/{path}/star", null)).JsonAsync())["starCount"]!.GetValue<int>());
        var t2 = await fan2.CreateTokenAsync("repo:write");
        using var pat2 = server.WithBearer(t2);
        Assert.Equal(HttpStatusCode.NoContent, (await pat2.PutAsync($"/api/v1/user/starred/{path}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await pat2.PutAsync($"/api/v1/user/starred/{path}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await pat2.GetAsync($"/api/v1/user/starred/{path}")).StatusCode);

        async Task<JsonNode> View(HttpClient c) => (await (await c.GetAsync($"/api/repositories/{path}")).JsonAsync())["repo"]!;
        using var anon = server.Anonymous();
        using var oc = owner.Client();
        using var bc = bystander.Client();
        foreach (var (client, starred, isOwner) in new[] { (c1, true, false), (c2, true, false), (oc, false, true), (bc, false, false), (anon, false, false) })
        {
            var v = await View(client);
            Assert.Equal(2, v["starCount"]!.GetValue<int>());
            Assert.Equal(starred, v["starred"]!.GetValue<bool>());
            Assert.Equal(isOwner, v["isOwner"]!.GetValue<bool>());
            // The same flags in lists.
            var listed = (await (await client.GetAsync($"/api/users/{owner.Username}/repositories")).JsonAsync())["repositories"]![0]!;
            Assert.Equal(2, listed["starCount"]!.GetValue<int>());
            Assert.Equal(starred, listed["starred"]!.GetValue<bool>());
            Assert.Equal(isOwner, listed["isOwner"]!.GetValue<bool>());
        }
        Assert.Equal(2, (await (await anon.GetAsync($"/api/v1/repos/{path}")).JsonAsync())["stargazers_count"]!.GetValue<int>());

        var gazers = await (await anon.GetAsync($"/api/repositories/{path}/stars")).JsonAsync();
        Assert.Equal([fan1.Username, fan2.Username], gazers["stargazers"]!.AsArray().Select(u => u!.Str("username")));
        var v1Gazers = await anon.GetAsync($"/api/v1/repos/{path}/stargazers?per_page=1");
        Assert.Equal([fan1.Username], (await v1Gazers.JsonAsync()).AsArray().Select(u => u!.Str("login")));
        Assert.Contains("rel=\"last\"", v1Gazers.Headers.GetValues("Link").Single());

        // /user/starred lists what the caller starred, most recent first.
        var other = (await RepoSetup.CreateAsync(owner)).Str("name");
        Assert.Equal(HttpStatusCode.NoContent, (await pat2.PutAsync($"/api/v1/user/starred/{owner.Username}/{other}", null)).StatusCode);
        Assert.Equal([other, name], Names(await (await pat2.GetAsync("/api/v1/user/starred")).JsonAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await bc.GetAsync($"/api/v1/user/starred/{path}")).StatusCode);

        // Unstar, twice.
        var un = await (await c1.DeleteAsync($"/api/repositories/{path}/star")).JsonAsync();
        Assert.False(un["starred"]!.GetValue<bool>());
        Assert.Equal(1, un["starCount"]!.GetValue<int>());
        Assert.Equal(1, (await (await c1.DeleteAsync($"/api/repositories/{path}/star")).JsonAsync())["starCount"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NoContent, (await pat2.DeleteAsync($"/api/v1/user/starred/{path}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await pat2.DeleteAsync($"/api/v1/user/starred/{path}")).StatusCode);
        await (await pat2.GetAsync($"/api/v1/user/starred/{path}")).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await View(anon))["starCount"]!.GetValue<int>());
        Assert.Empty((await (await anon.GetAsync($"/api/repositories/{path}/stars")).JsonAsync())["stargazers"]!.AsArray());
    }

    [Fact]
    public async Task Collaborators_are_managed_by_the_owner_and_grant_what_they_say()
    {
        var owner = await server.SignUpAsync();
        var friend = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner, isPrivate: true)).Str("name");
        var path = $"{owner.Username}/{name}";
        using var oc = owner.Client();
        using var fc = friend.Client();
        await (await fc.GetAsync($"/api/repositories/{path}")).ErrorAsync(HttpStatusCode.NotFound);

        // Default permission is push (write), as on GitHub.
        Assert.Equal(HttpStatusCode.NoContent, (await oc.PutAsync($"/api/v1/repos/{path}/collaborators/{friend.Username}", null)).StatusCode);
        var list = await (await oc.GetAsync($"/api/v1/repos/{path}/collaborators")).JsonAsync();
        var entry = Assert.Single(list.AsArray())!;
        Assert.Equal(friend.Username, entry.Str("login"));
        Assert.Equal("write", entry.Str("role_name"));
        Assert.True(entry["permissions"]!["push"]!.GetValue<bool>());
        Assert.False(entry["permissions"]!["admin"]!.GetValue<bool>());
        var view = await (await fc.GetAsync($"/api/v1/repos/{path}")).JsonAsync();
        Assert.True(view["permissions"]!["push"]!.GetValue<bool>());

        // Downgrade to read: the friend may still see it but no longer push or list collaborators.
        await RepoSetup.AddCollaboratorAsync(owner, name, friend, "pull");
        Assert.Equal("read", (await (await oc.GetAsync($"/api/v1/repos/{path}/collaborators")).JsonAsync())[0]!.Str("role_name"));
        Assert.False((await (await fc.GetAsync($"/api/v1/repos/{path}")).JsonAsync())["permissions"]!["push"]!.GetValue<bool>());
        await (await fc.GetAsync($"/api/v1/repos/{path}/collaborators")).ErrorAsync(HttpStatusCode.Forbidden);
        // A collaborator cannot manage collaborators.
        await (await fc.PutAsJsonAsync($"/api/v1/repos/{path}/collaborators/{friend.Username}", new { permission = "admin" })).ErrorAsync(HttpStatusCode.Forbidden);

        // Removed: the repository disappears for them.
        Assert.Equal(HttpStatusCode.NoContent, (await oc.DeleteAsync($"/api/v1/repos/{path}/collaborators/{friend.Username}")).StatusCode);
        await (await fc.GetAsync($"/api/repositories/{path}")).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await oc.GetAsync($"/api/v1/repos/{path}/collaborators")).JsonAsync()).AsArray());
        // Removing someone who is not a collaborator is a no-op.
        Assert.Equal(HttpStatusCode.NoContent, (await oc.DeleteAsync($"/api/v1/repos/{path}/collaborators/{friend.Username}")).StatusCode);

        // An admin collaborator may change settings.
        await RepoSetup.AddCollaboratorAsync(owner, name, friend, "admin");
        var changed = await (await fc.PatchAsJsonAsync($"/api/v1/repos/{path}", new { description = "by admin" })).JsonAsync();
        Assert.Equal("by admin", changed.Str("description"));
        Assert.False((await (await fc.GetAsync($"/api/repositories/{path}")).JsonAsync())["repo"]!["isOwner"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Concurrent_identical_requests_settle_cleanly()
    {
        var owner = await server.SignUpAsync();
        var fan = await server.SignUpAsync();
        using var c = owner.Client();
        var name = RepoSetup.UniqueName("race");
        var creates = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            c.PostAsJsonAsync("/api/repositories", new { name = i % 2 == 0 ? name : name.ToUpperInvariant(), visibility = "public", autoInit = true })));
        Assert.Single(creates, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var loser in creates.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await loser.ErrorAsync(HttpStatusCode.Conflict);
        }
        Assert.Single(Directory.GetDirectories(Path.Combine(server.DataDir, "repositories", owner.Id.ToString())));

        using var fc = fan.Client();
        var stars = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fc.PostAsync($"/api/repositories/{owner.Username}/{name}/star", null)));
        Assert.All(stars, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, (await (await fc.GetAsync($"/api/repositories/{owner.Username}/{name}")).JsonAsync())["repo"]!["starCount"]!.GetValue<int>());

        var forks = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fc.PostAsync($"/api/repositories/{owner.Username}/{name}/fork", null)));
        Assert.Single(forks, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var loser in forks.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await loser.ErrorAsync(HttpStatusCode.Conflict);
        }
        Assert.Single(Directory.GetDirectories(Path.Combine(server.DataDir, "repositories", fan.Id.ToString())));
        using var git = new GitClient();
        Assert.Contains("refs/heads/main", await git.OkAsync(null, "ls-remote", GitClient.Url(server, fan.Username, name)));
    }

    [Fact]
    public async Task Forking_an_empty_repository_gives_an_empty_fork_that_takes_pushes()
    {
        var owner = await server.SignUpAsync();
        var forker = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner, autoInit: false)).Str("name");
        using var fc = forker.Client();
        var fork = (await (await fc.PostAsync($"/api/repositories/{owner.Username}/{name}/fork", null)).JsonAsync(HttpStatusCode.Created))["repo"]!;
        Assert.Equal(name, fork.Str("forkedFrom.name"));
        using var git = new GitClient();
        var dir = git.Path("w");
        await git.OkAsync(null, "init", "-q", dir);
        var head = await git.CommitFileAsync(dir, "f.txt", "f\n", "first in fork");
        await git.OkAsync(dir, "push", "-q", GitClient.Url(server, forker.Username, name, forker.Username, forker.Password), "main");
        Assert.Contains(head, await git.OkAsync(null, "ls-remote", GitClient.Url(server, forker.Username, name)));
        Assert.Equal("", await git.OkAsync(null, "ls-remote", GitClient.Url(server, owner.Username, name)));
    }

    [Fact]
    public async Task Writes_need_sign_in_and_the_repo_write_scope()
    {
        var owner = await server.SignUpAsync();
        using var anon = server.Anonymous();
        await (await anon.PostAsJsonAsync("/api/repositories", new { name = "x", visibility = "public" })).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await anon.PostAsJsonAsync("/api/v1/user/repos", new { name = "x" })).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await anon.GetAsync("/api/v1/user/repos")).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await anon.GetAsync("/api/v1/user/starred")).ErrorAsync(HttpStatusCode.Unauthorized);
        var read = await owner.CreateTokenAsync("repo:read");
        using var rc = server.WithBearer(read);
        var refused = await rc.PostAsJsonAsync("/api/v1/user/repos", new { name = "x" });
        Assert.Equal("token lacks required scope: repo:write", await refused.ErrorAsync(HttpStatusCode.Forbidden));
        Assert.Equal("repo:write", refused.Headers.GetValues("X-Accepted-OAuth-Scopes").Single());
        var none = await owner.CreateTokenAsync("user:read");
        using var nc = server.WithBearer(none);
        await (await nc.GetAsync("/api/v1/user/repos")).ErrorAsync(HttpStatusCode.Forbidden);
        Assert.Empty((await (await owner.Client().GetAsync($"/api/users/{owner.Username}/repositories")).JsonAsync())["repositories"]!.AsArray());
    }
}

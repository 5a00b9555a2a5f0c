using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Browsing;

/// <summary>Branches (listed, created, deleted, named with slashes), empty repositories, and private ones to strangers.</summary>
public abstract partial class BrowsingTests
{
    [Fact]
    public async Task Branches_list_names_tips_and_the_default()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var list = await (await c.GetAsync($"{s.Base}/branches")).JsonAsync();
        var byName = Arr(list, "branches").ToDictionary(b => b!.Str("name"), b => b!);
        Assert.Contains("main", byName.Keys);
        Assert.Contains("feature", byName.Keys);
        Assert.Equal(s.Submodule, byName["main"].Str("oid"));
        Assert.True(byName["main"]["isDefault"]!.GetValue<bool>());
        Assert.Equal(s.Rename, byName["feature"].Str("oid"));
        Assert.False(byName["feature"]["isDefault"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Branches_are_created_and_deleted_compare_and_swap_with_write_access()
    {
        var owner = await server.SignUpAsync();
        var name = await GitWorkTree.CreateRepositoryAsync(owner);
        using (var wt = GitWorkTree.Create())
        {
            wt.Write("a.txt", "a\n").Commit("one");
            wt.Push(owner, owner.Username, name, "main");
        }
        var path = $"/api/repositories/{owner.Username}/{name}";
        using var c = owner.Client();
        var main = (await (await c.GetAsync($"{path}/branches")).JsonAsync())["branches"]![0]!.Str("oid");
        var pushedBefore = (await (await c.GetAsync(path)).JsonAsync()).Str("repo.pushedAt");

        var created = await (await c.PostAsJsonAsync($"{path}/branches", new { branch = "topic/one" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("topic/one", created.Str("branch.name"));
        Assert.Equal(main, created.Str("branch.oid"));
        Assert.False(created["branch"]!["isDefault"]!.GetValue<bool>());
        var fromOid = await (await c.PostAsJsonAsync($"{path}/branches", new { branch = "from-oid", fromRef = main[..8] })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(main, fromOid.Str("branch.oid"));

        await (await c.PostAsJsonAsync($"{path}/branches", new { branch = "topic/one", fromRef = "main" })).ErrorAsync(HttpStatusCode.Conflict);
        await (await c.PostAsJsonAsync($"{path}/branches", new { branch = "topic" })).ErrorAsync(HttpStatusCode.Conflict);
        await (await c.PostAsJsonAsync($"{path}/branches", new { branch = "topic/one/deeper" })).ErrorAsync(HttpStatusCode.Conflict);
        foreach (var bad in new[] { "a..b", "x.lock", "-x", "a b", "a~1", "HEAD", new string('c', 40), "/x", "x/", "" })
        {
            await (await c.PostAsJsonAsync($"{path}/branches", new { branch = bad })).ErrorAsync(HttpStatusCode.BadRequest);
        }
        // To git "refs/x" is a branch name like any other (refs/heads/refs/x), so it is one here, on every route.
        var refsX = await (await c.PostAsJsonAsync($"{path}/branches", new { branch = "refs/x" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("refs/x", refsX.Str("branch.name"));
        Assert.True((await (await c.DeleteAsync($"{path}/branches/refs/x")).JsonAsync())["success"]!.GetValue<bool>());
        await (await c.PostAsJsonAsync($"{path}/branches", new { fromRef = "main" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PostAsJsonAsync($"{path}/branches", new { branch = "ok", fromRef = "nope" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.SendRawAsync(HttpMethod.Post, $"{path}/branches", "{")).ErrorAsync(HttpStatusCode.BadRequest);

        // The new branch is real: git sees it, and the repository records the change like a push.
        using (var clone = GitWorkTree.Create())
        {
            var remote = clone.Git("ls-remote", GitWorkTree.PushUrl(owner, owner.Username, name));
            Assert.Contains($"{main}\trefs/heads/topic/one", remote);
        }
        var pushedAfter = (await (await c.GetAsync(path)).JsonAsync()).Str("repo.pushedAt");
        Assert.True(DateTime.Parse(pushedAfter) >= DateTime.Parse(pushedBefore));

        await (await c.DeleteAsync($"{path}/branches/main")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.DeleteAsync($"{path}/branches/nope")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.DeleteAsync($"{path}/branches/a..b")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.True((await (await c.DeleteAsync($"{path}/branches/topic/one")).JsonAsync())["success"]!.GetValue<bool>());
        await (await c.DeleteAsync($"{path}/branches/topic/one")).ErrorAsync(HttpStatusCode.NotFound);
        var names = Arr(await (await c.GetAsync($"{path}/branches")).JsonAsync(), "branches").Select(b => b!.Str("name"));
        Assert.Equal(["from-oid", "main"], names);

        // Others: a stranger may read a public repository but not write; anonymous callers must sign in.
        var stranger = await server.SignUpAsync();
        using var sc = stranger.Client();
        await (await sc.PostAsJsonAsync($"{path}/branches", new { branch = "evil" })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await sc.DeleteAsync($"{path}/branches/from-oid")).ErrorAsync(HttpStatusCode.Forbidden);
        using var anon = server.Anonymous();
        await (await anon.PostAsJsonAsync($"{path}/branches", new { branch = "evil" })).ErrorAsync(HttpStatusCode.Unauthorized);
        var readOnly = await owner.CreateTokenAsync("repo:read");
        using var rc = server.WithBearer(readOnly);
        await (await rc.PostAsJsonAsync($"{path}/branches", new { branch = "evil" })).ErrorAsync(HttpStatusCode.Forbidden);
        Assert.Equal(2, Arr(await (await c.GetAsync($"{path}/branches")).JsonAsync(), "branches").Count);
    }

    [Fact]
    public async Task Concurrent_creations_of_one_branch_have_exactly_one_winner()
    {
        var owner = await server.SignUpAsync();
        var name = await GitWorkTree.CreateRepositoryAsync(owner);
        using (var wt = GitWorkTree.Create())
        {
            wt.Write("a.txt", "a\n").Commit("one");
            wt.Push(owner, owner.Username, name, "main");
        }
        using var c = owner.Client();
        var path = $"/api/repositories/{owner.Username}/{name}";
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => c.PostAsJsonAsync($"{path}/branches", new { branch = "race" })));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(7, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Branch_names_with_slashes_work_in_paths_escaped_or_not()
    {
        var owner = await server.SignUpAsync();
        var name = await GitWorkTree.CreateRepositoryAsync(owner);
        string oid;
        using (var wt = GitWorkTree.Create())
        {
            oid = wt.Write("a.txt", "a\n").Commit("one");
            wt.Push(owner, owner.Username, name, "main");
        }
        using var c = owner.Client();
        var path = $"/api/repositories/{owner.Username}/{name}";
        foreach (var branch in new[] { "release/1.x", "fix/deep/name" })
        {
            await (await c.PostAsJsonAsync($"{path}/branches", new { branch })).JsonAsync(HttpStatusCode.Created);
        }
        var v1 = $"/api/v1/repos/{owner.Username}/{name}/branches";
        Assert.Equal(oid, (await (await c.GetAsync($"{v1}/release/1.x")).JsonAsync()).Str("commit.sha"));
        Assert.Equal("release/1.x", (await (await c.GetAsync($"{v1}/release%2F1.x")).JsonAsync()).Str("name"));
        await (await c.DeleteAsync($"{path}/branches/fix%2Fdeep%2Fname")).JsonAsync();
        await (await c.DeleteAsync($"{path}/branches/release/1.x")).JsonAsync();
        Assert.Equal(["main"], Arr(await (await c.GetAsync($"{path}/branches")).JsonAsync(), "branches").Select(b => b!.Str("name")));
    }

    // ---- empty and private repositories ----

    [Fact]
    public async Task Empty_repository_is_empty_not_missing()
    {
        var owner = await server.SignUpAsync();
        var name = await GitWorkTree.CreateRepositoryAsync(owner);
        var path = $"/api/repositories/{owner.Username}/{name}";
        using var c = server.Anonymous();
        var tree = await (await c.GetAsync($"{path}/tree")).JsonAsync();
        Assert.True(tree["isEmpty"]!.GetValue<bool>());
        Assert.Empty(Arr(tree, "files"));
        var commits = await (await c.GetAsync($"{path}/commits")).JsonAsync();
        Assert.Empty(Arr(commits, "commits"));
        Assert.False(commits["hasMore"]!.GetValue<bool>());
        Assert.Empty(Arr(await (await c.GetAsync($"{path}/branches")).JsonAsync(), "branches"));
        await (await c.GetAsync($"{path}/tree?path=src")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{path}/tree?branch=other")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{path}/file?path=README.md")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}/contents")).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}/branches")).JsonAsync()).AsArray());
    }

    [Fact]
    public async Task Private_repository_is_404_to_anonymous_callers_and_strangers_on_every_route()
    {
        var owner = await server.SignUpAsync();
        var name = await GitWorkTree.CreateRepositoryAsync(owner, isPrivate: true);
        string oid;
        using (var wt = GitWorkTree.Create())
        {
            oid = wt.Write("secret.txt", "secret\n").Commit("secret");
            wt.Push(owner, owner.Username, name, "main");
        }
        var b = $"/api/repositories/{owner.Username}/{name}";
        var v1 = $"/api/v1/repos/{owner.Username}/{name}";
        string[] routes =
        [
            $"{b}/branches", $"{b}/commits", $"{b}/commits/{oid}/diff", $"{b}/tree", $"{b}/tree?lastCommit=1",
            $"{b}/file?path=secret.txt", $"{b}/file?path=secret.txt&return=1",
            $"{v1}/branches", $"{v1}/branches/main", $"{v1}/commits", $"{v1}/commits/{oid}", $"{v1}/contents", $"{v1}/contents/secret.txt",
        ];
        var stranger = await server.SignUpAsync();
        var noRepoScope = await owner.CreateTokenAsync("user:read");
        using var anon = server.Anonymous();
        using var sc = stranger.Client();
        using var tc = server.WithBearer(noRepoScope);
        using var oc = owner.Client();
        foreach (var route in routes)
        {
            foreach (var client in new[] { anon, sc, tc })
            {
                var res = await client.GetAsync(route);
                var message = await res.ErrorAsync(HttpStatusCode.NotFound);
                Assert.DoesNotContain("secret", message);
            }
            Assert.Equal(HttpStatusCode.OK, (await oc.GetAsync(route)).StatusCode);
        }
        await (await sc.PostAsJsonAsync($"{b}/branches", new { branch = "x" })).ErrorAsync(HttpStatusCode.NotFound);
        await (await sc.DeleteAsync($"{b}/branches/main")).ErrorAsync(HttpStatusCode.NotFound);
    }
}

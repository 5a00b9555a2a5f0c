using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.GitData;

public abstract class GitDataTests(AnvilServer server)
{
    private sealed record Repo(TestUser Owner, string Name, string Sha)
    {
        public string Api => $"/api/v1/repos/{Owner.Username}/{Name}";
        public string Git => $"{Api}/git";
    }

    private async Task<Repo> CreateRepoAsync(bool isPrivate = false)
    {
        var owner = await server.SignUpAsync();
        using var c = owner.Client();
        var name = "gitdata" + Guid.NewGuid().ToString("N")[..8];
        await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name, @private = isPrivate, auto_init = true })).JsonAsync(HttpStatusCode.Created);
        var branch = await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}/branches/main")).JsonAsync();
        return new Repo(owner, name, branch.Str("commit.sha"));
    }

    private static async Task<string> BlobAsync(HttpClient c, Repo repo, string text) =>
        (await (await c.PostAsJsonAsync($"{repo.Git}/blobs", new { content = text, encoding = "utf-8" })).JsonAsync(HttpStatusCode.Created)).Str("sha");

    [Fact]
    public async Task A_commit_built_from_blobs_and_trees_lands_on_a_new_branch_like_a_push()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var workflow = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n";
        var blob = await (await c.PostAsJsonAsync($"{repo.Git}/blobs", new { content = Convert.ToBase64String(Encoding.UTF8.GetBytes(workflow)), encoding = "base64" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.EndsWith($"{repo.Git}/blobs/{blob.Str("sha")}", blob.Str("url"));
        var got = await (await c.GetAsync($"{repo.Git}/blobs/{blob.Str("sha")}")).JsonAsync();
        Assert.Equal("base64", got.Str("encoding"));
        Assert.Equal(workflow, Encoding.UTF8.GetString(Convert.FromBase64String(got.Str("content"))));
        Assert.Equal(workflow.Length, got["size"]!.GetValue<long>());

        var baseCommit = await (await c.GetAsync($"{repo.Git}/commits/{repo.Sha}")).JsonAsync();
        var tree = await (await c.PostAsJsonAsync($"{repo.Git}/trees", new
        {
            base_tree = baseCommit.Str("tree.sha"),
            tree = new object[]
            {
                new { path = ".anvil/workflows/ci.yml", mode = "100644", type = "blob", sha = blob.Str("sha") },
                new { path = "src/hello.sh", mode = "100755", type = "blob", content = "echo hello\n" },
            },
        })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal([".anvil", "README.md", "src"], tree["tree"]!.AsArray().Select(e => e!.Str("path")).Order(StringComparer.Ordinal));

        var commit = await (await c.PostAsJsonAsync($"{repo.Git}/commits", new
        {
            message = "Add CI\n\nBuilt through the API.", tree = tree.Str("sha"), parents = new[] { repo.Sha },
            author = new { name = "Grace Hopper", email = "grace@example.com", date = "2020-01-02T03:04:05Z" },
        })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Grace Hopper", commit.Str("author.name"));
        Assert.Equal("grace@example.com", commit.Str("committer.email")); // no committer given: the author
        Assert.Equal("2020-01-02T03:04:05Z", commit.Str("author.date"));
        Assert.Equal("Add CI\n\nBuilt through the API.\n", commit.Str("message"));
        Assert.Equal(repo.Sha, commit["parents"]![0]!.Str("sha"));
        Assert.Equal(tree.Str("sha"), commit.Str("tree.sha"));
        Assert.False(commit["verification"]!["verified"]!.GetValue<bool>());

        var created = await (await c.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "refs/heads/ci", sha = commit.Str("sha") })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("refs/heads/ci", created.Str("ref"));
        Assert.Equal(commit.Str("sha"), created.Str("object.sha"));
        Assert.Equal("commit", created.Str("object.type"));
        Assert.EndsWith($"{repo.Git}/refs/heads/ci", created.Str("url"));

        // The branch is real to everything else, and its creation was a push: the push workflow ran on it.
        var file = await (await c.GetAsync($"{repo.Api}/contents/src/hello.sh?ref=ci")).JsonAsync();
        Assert.Equal("echo hello\n", Encoding.UTF8.GetString(Convert.FromBase64String(file.Str("content"))));
        var runs = (await (await c.GetAsync($"{repo.Api}/actions/runs")).JsonAsync())["workflow_runs"]!.AsArray();
        var run = Assert.Single(runs)!;
        Assert.Equal("push", run.Str("event"));
        Assert.Equal(commit.Str("sha"), run.Str("head_sha"));

        var recursive = await (await c.GetAsync($"{repo.Git}/trees/ci?recursive=1")).JsonAsync();
        Assert.False(recursive["truncated"]!.GetValue<bool>());
        var entries = recursive["tree"]!.AsArray().ToDictionary(e => e!.Str("path"), e => e!);
        Assert.Equal(["./anvil", "./anvil/workflows", "./anvil/workflows/ci.yml", "README.md", "src", "src/hello.sh"],
            entries.Keys.Select(k => k.StartsWith('.') ? "./" + k[1..] : k).Order(StringComparer.Ordinal));
        Assert.Equal("100755", entries["src/hello.sh"].Str("mode"));
        Assert.Equal("tree", entries["src"].Str("type"));
        Assert.Null(entries["src"]["size"]);
        Assert.Equal(11, entries["src/hello.sh"]["size"]!.GetValue<long>());
        var flat = await (await c.GetAsync($"{repo.Git}/trees/{tree.Str("sha")}")).JsonAsync();
        Assert.Equal(3, flat["tree"]!.AsArray().Count);
    }

    [Fact]
    public async Task Trees_replace_and_delete_paths_on_a_base_tree()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var one = await BlobAsync(c, repo, "one\n");
        var first = await (await c.PostAsJsonAsync($"{repo.Git}/trees", new
        {
            tree = new object[] { new { path = "a/b/one.txt", mode = "100644", sha = one }, new { path = "keep.txt", mode = "100644", content = "keep\n" } },
        })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(["a", "keep.txt"], first["tree"]!.AsArray().Select(e => e!.Str("path")));

        // "a" becomes a file, "keep.txt" goes: sha null removes a path.
        var nodes = new JsonArray
        {
            new JsonObject { ["path"] = "a", ["mode"] = "100644", ["type"] = "blob", ["content"] = "now a file\n" },
            new JsonObject { ["path"] = "keep.txt", ["mode"] = "100644", ["type"] = "blob", ["sha"] = null },
        };
        var second = await (await c.PostAsJsonAsync($"{repo.Git}/trees", new JsonObject { ["base_tree"] = first.Str("sha"), ["tree"] = nodes }))
            .JsonAsync(HttpStatusCode.Created);
        var only = Assert.Single(second["tree"]!.AsArray())!;
        Assert.Equal(("a", "blob"), (only.Str("path"), only.Str("type")));

        // A subtree by id, under a new directory.
        var sub = first["tree"]!.AsArray().Single(e => e!.Str("path") == "a")!.Str("sha");
        var third = await (await c.PostAsJsonAsync($"{repo.Git}/trees", new { tree = new object[] { new { path = "lib/a", mode = "040000", type = "tree", sha = sub } } }))
            .JsonAsync(HttpStatusCode.Created);
        var deep = await (await c.GetAsync($"{repo.Git}/trees/{third.Str("sha")}?recursive=true")).JsonAsync();
        Assert.Contains(deep["tree"]!.AsArray(), e => e!.Str("path") == "lib/a/b/one.txt" && e.Str("sha") == one);
    }

    [Fact]
    public async Task Refs_move_forward_only_unless_forced_and_list_by_prefix()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var baseTree = (await (await c.GetAsync($"{repo.Git}/commits/{repo.Sha}")).JsonAsync()).Str("tree.sha");
        async Task<string> CommitAsync(string parent, string text)
        {
            var tree = await (await c.PostAsJsonAsync($"{repo.Git}/trees", new { base_tree = baseTree, tree = new[] { new { path = "f.txt", mode = "100644", content = text } } }))
                .JsonAsync(HttpStatusCode.Created);
            return (await (await c.PostAsJsonAsync($"{repo.Git}/commits", new { message = text, tree = tree.Str("sha"), parents = new[] { parent } }))
                .JsonAsync(HttpStatusCode.Created)).Str("sha");
        }
        var ahead = await CommitAsync(repo.Sha, "ahead");
        var sideways = await CommitAsync(repo.Sha, "sideways");
        await (await c.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "refs/heads/feature/x", sha = repo.Sha })).JsonAsync(HttpStatusCode.Created);
        await (await c.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "refs/heads/feature-y", sha = repo.Sha })).JsonAsync(HttpStatusCode.Created);

        var moved = await (await c.PatchAsJsonAsync($"{repo.Git}/refs/heads/feature/x", new { sha = ahead })).JsonAsync();
        Assert.Equal(ahead, moved.Str("object.sha"));
        var refused = await (await c.PatchAsJsonAsync($"{repo.Git}/refs/heads/feature/x", new { sha = sideways })).ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Update is not a fast forward", refused.Str("error"));
        Assert.Equal(ahead, (await (await c.GetAsync($"{repo.Git}/ref/heads/feature/x")).JsonAsync()).Str("object.sha"));
        var forced = await (await c.PatchAsJsonAsync($"{repo.Git}/refs/heads/feature/x", new { sha = sideways, force = true })).JsonAsync();
        Assert.Equal(sideways, forced.Str("object.sha"));
        var viaBranches = await (await c.GetAsync($"{repo.Api}/branches/feature/x")).JsonAsync();
        Assert.Equal(sideways, viaBranches.Str("commit.sha"));

        var matching = (await (await c.GetAsync($"{repo.Git}/matching-refs/heads/feature")).JsonAsync()).AsArray();
        Assert.Equal(["refs/heads/feature-y", "refs/heads/feature/x"], matching.Select(r => r!.Str("ref")));
        Assert.Empty((await (await c.GetAsync($"{repo.Git}/matching-refs/heads/nothing")).JsonAsync()).AsArray());
        var all = (await (await c.GetAsync($"{repo.Git}/refs")).JsonAsync()).AsArray();
        Assert.Equal(3, all.Count);
        var ns = (await (await c.GetAsync($"{repo.Git}/refs/heads/feature")).JsonAsync()).AsArray();
        Assert.Equal("refs/heads/feature/x", Assert.Single(ns)!.Str("ref"));
        Assert.Equal("refs/heads/main", (await (await c.GetAsync($"{repo.Git}/refs/heads/main")).JsonAsync()).Str("ref"));
        await (await c.GetAsync($"{repo.Git}/ref/heads/feature")).ErrorAsync(HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"{repo.Git}/refs/heads/feature/x")).StatusCode);
        await (await c.GetAsync($"{repo.Git}/ref/heads/feature/x")).ErrorAsync(HttpStatusCode.NotFound);
        var gone = await (await c.DeleteAsync($"{repo.Git}/refs/heads/feature/x")).ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Reference does not exist", gone.Str("error"));
        await (await c.DeleteAsync($"{repo.Git}/refs/heads/main")).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PatchAsJsonAsync($"{repo.Git}/refs/heads/nothing", new { sha = ahead })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Annotated_tags_are_written_read_and_resolve_for_statuses()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var tag = await (await c.PostAsJsonAsync($"{repo.Git}/tags", new
        {
            tag = "v1.0", message = "First release", @object = repo.Sha, type = "commit",
            tagger = new { name = "Release Bot", email = "bot@example.com", date = "2021-05-06T07:08:09+02:00" },
        })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("v1.0", tag.Str("tag"));
        Assert.Equal("First release\n", tag.Str("message"));
        Assert.Equal("Release Bot", tag.Str("tagger.name"));
        Assert.Equal("2021-05-06T05:08:09Z", tag.Str("tagger.date"));
        Assert.Equal((repo.Sha, "commit"), (tag.Str("object.sha"), tag.Str("object.type")));
        var read = await (await c.GetAsync($"{repo.Git}/tags/{tag.Str("sha")}")).JsonAsync();
        Assert.Equal(tag.ToJsonString(), read.ToJsonString());

        var tagRef = await (await c.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "refs/tags/v1.0", sha = tag.Str("sha") })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("tag", tagRef.Str("object.type"));
        await (await c.PostAsJsonAsync($"{repo.Api}/statuses/{repo.Sha}", new { state = "success", context = "release" })).JsonAsync(HttpStatusCode.Created);
        var combined = await (await c.GetAsync($"{repo.Api}/commits/v1.0/status")).JsonAsync();
        Assert.Equal(("success", repo.Sha), (combined.Str("state"), combined.Str("sha")));
        Assert.Single((await (await c.GetAsync($"{repo.Api}/commits/v1.0/statuses")).JsonAsync()).AsArray());

        await (await c.PostAsJsonAsync($"{repo.Git}/tags", new { tag = "v2", message = "x", @object = repo.Sha, type = "tree" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/tags", new { tag = "bad..name", message = "x", @object = repo.Sha, type = "commit" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.GetAsync($"{repo.Git}/tags/{repo.Sha}")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_input_is_a_readable_error_and_writes_nothing()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var missing = new string('a', 40);
        await (await c.PostAsJsonAsync($"{repo.Git}/blobs", new { content = "!!not base64", encoding = "base64" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/blobs", new { content = "x", encoding = "latin1" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/blobs", new { encoding = "utf-8" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.GetAsync($"{repo.Git}/blobs/{missing}")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{repo.Git}/blobs/{repo.Sha}")).ErrorAsync(HttpStatusCode.NotFound); // a commit, not a blob
        await (await c.GetAsync($"{repo.Git}/blobs/nothex")).ErrorAsync(HttpStatusCode.NotFound);

        await (await c.PostAsJsonAsync($"{repo.Git}/trees", new { base_tree = missing, tree = Array.Empty<object>() })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/trees", new { tree = new[] { new { path = "x", mode = "100000", content = "x" } } })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/trees", new { tree = new[] { new { path = "../x", mode = "100644", content = "x" } } })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/trees", new { tree = new[] { new { path = ".git/config", mode = "100644", content = "x" } } })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/trees", new { tree = new[] { new { path = "x", mode = "100644", sha = missing } } })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/trees", new { tree = new[] { new { path = "x", mode = "040000", type = "blob", sha = missing } } })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/trees", new { tree = new[] { new { path = 5, mode = "100644" } } })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.GetAsync($"{repo.Git}/trees/{missing}")).ErrorAsync(HttpStatusCode.NotFound);

        var tree = (await (await c.GetAsync($"{repo.Git}/commits/{repo.Sha}")).JsonAsync()).Str("tree.sha");
        await (await c.PostAsJsonAsync($"{repo.Git}/commits", new { tree })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/commits", new { message = "m", tree = repo.Sha })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/commits", new { message = "m", tree, parents = new[] { missing } })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/commits", new { message = "m", tree, author = new { name = "A <b>", email = "a@b" } })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/commits", new { message = "m", tree, author = new { name = "A", email = "a@b", date = "yesterday" } }))
            .ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.GetAsync($"{repo.Git}/commits/{tree}")).ErrorAsync(HttpStatusCode.NotFound);

        var noPrefix = await (await c.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "heads/x", sha = repo.Sha })).ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("ref", noPrefix["errors"]![0]!.Str("field"));
        var taken = await (await c.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "refs/heads/main", sha = repo.Sha })).ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("already_exists", taken["errors"]![0]!.Str("code"));
        await (await c.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "refs/heads/main/sub", sha = repo.Sha })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "refs/heads/x", sha = missing })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "refs/heads/x", sha = tree })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "refs/heads/a..b", sha = repo.Sha })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "refs/pull/1/head", sha = repo.Sha })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.SendRawAsync(HttpMethod.Post, $"{repo.Git}/refs", "{not json")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["refs/heads/main"], (await (await c.GetAsync($"{repo.Git}/refs")).JsonAsync()).AsArray().Select(r => r!.Str("ref")));
    }

    [Fact]
    public async Task Private_is_404_readers_cannot_write_archived_refuses()
    {
        var repo = await CreateRepoAsync(isPrivate: true);
        var stranger = await server.SignUpAsync();
        using var s = stranger.Client();
        string[] reads = [$"{repo.Git}/ref/heads/main", $"{repo.Git}/matching-refs/heads", $"{repo.Git}/refs", $"{repo.Git}/refs/heads/main",
            $"{repo.Git}/commits/{repo.Sha}", $"{repo.Git}/trees/{repo.Sha}", $"{repo.Git}/blobs/{repo.Sha}", $"{repo.Git}/tags/{repo.Sha}"];
        foreach (var url in reads)
        {
            await (await s.GetAsync(url)).ErrorAsync(HttpStatusCode.NotFound);
        }
        await (await s.PostAsJsonAsync($"{repo.Git}/blobs", new { content = "x" })).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.PostAsJsonAsync($"{repo.Git}/refs", new { @ref = "refs/heads/x", sha = repo.Sha })).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.PatchAsJsonAsync($"{repo.Git}/refs/heads/main", new { sha = repo.Sha })).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.DeleteAsync($"{repo.Git}/refs/heads/main")).ErrorAsync(HttpStatusCode.NotFound);

        using var readOnly = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:read"));
        await (await readOnly.GetAsync($"{repo.Git}/commits/{repo.Sha}")).JsonAsync();
        await (await readOnly.PostAsJsonAsync($"{repo.Git}/blobs", new { content = "x" })).ErrorAsync(HttpStatusCode.Forbidden);

        var pub = await CreateRepoAsync();
        await (await s.GetAsync($"{pub.Git}/ref/heads/main")).JsonAsync();
        await (await s.PostAsJsonAsync($"{pub.Git}/refs", new { @ref = "refs/heads/x", sha = pub.Sha })).ErrorAsync(HttpStatusCode.Forbidden);
        using var owner = pub.Owner.Client();
        await (await owner.PatchAsJsonAsync(pub.Api, new { archived = true })).JsonAsync();
        var refused = await (await owner.PostAsJsonAsync($"{pub.Git}/refs", new { @ref = "refs/heads/x", sha = pub.Sha })).ErrorBodyAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Repository was archived so is read-only.", refused.Str("message"));
        await (await owner.PostAsJsonAsync($"{pub.Git}/blobs", new { content = "x" })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await owner.GetAsync($"{pub.Git}/refs")).JsonAsync();
    }
}

public sealed class GitDataTestsOnSqlite(SqliteServer s) : GitDataTests(s), IClassFixture<SqliteServer>;

public sealed class GitDataTestsOnPostgres(PostgresServer s) : GitDataTests(s), IClassFixture<PostgresServer>;

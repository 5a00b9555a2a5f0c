using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Browsing;

public abstract class BrowsingTests(AnvilServer server)
{
    private static string Q(string s) => Uri.EscapeDataString(s);

    private static JsonArray Arr(JsonNode node, string name) => node[name]!.AsArray();

    private static JsonNode Entry(JsonNode tree, string name) =>
        Arr(tree, "files").Single(f => f!.Str("name") == name)!;

    // ---- trees ----

    [Fact]
    public async Task Tree_lists_directories_and_submodules_first_with_types_modes_and_sizes()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var tree = await (await c.GetAsync($"{s.Base}/tree")).JsonAsync();
        Assert.False(tree["isEmpty"]!.GetValue<bool>());
        var names = Arr(tree, "files").Select(f => f!.Str("name")).ToList();
        Assert.Equal(["assets", "dir with space", "docs", "src", "vendor", "README.md", "feature.txt", "link", "run.sh"], names);

        var readme = Entry(tree, "README.md");
        Assert.Equal("file", readme.Str("type"));
        Assert.Equal("100644", readme.Str("mode"));
        Assert.Equal("README.md", readme.Str("path"));
        Assert.Equal(Encoding.UTF8.GetByteCount("# Sample\n\nMore.\n"), readme["size"]!.GetValue<long>());
        Assert.Matches("^[0-9a-f]{40}$", readme.Str("oid"));
        Assert.Equal("100755", Entry(tree, "run.sh").Str("mode"));
        Assert.Equal("symlink", Entry(tree, "link").Str("type"));
        var dir = Entry(tree, "src");
        Assert.Equal("dir", dir.Str("type"));
        Assert.Null(dir["size"]);
        Assert.Null(dir["lastCommit"]);

        var vendor = await (await c.GetAsync($"{s.Base}/tree?path=vendor")).JsonAsync();
        var lib = Assert.Single(Arr(vendor, "files"))!;
        Assert.Equal("submodule", lib.Str("type"));
        Assert.Equal("160000", lib.Str("mode"));
        Assert.Equal(s.Root, lib.Str("oid"));
        Assert.Equal("vendor/lib", lib.Str("path"));
    }

    [Fact]
    public async Task Tree_takes_paths_with_spaces_and_unicode_and_any_kind_of_ref()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var tree = await (await c.GetAsync($"{s.Base}/tree?path={Q("dir with space")}")).JsonAsync();
        var file = Assert.Single(Arr(tree, "files"))!;
        Assert.Equal("ünïcödé file.txt", file.Str("name"));
        Assert.Equal(SampleRepository.UnicodePath, file.Str("path"));

        // Branch, annotated tag, lightweight tag, full and abbreviated commit oid; trailing slash on the path is fine.
        foreach (var (gitRef, expected) in new[] { ("feature", "main.txt"), ("v1.0", "app.txt"), ("light", "app.txt"), (s.Edit, "app.txt"), (s.Rename[..10], "main.txt") })
        {
            var src = await (await c.GetAsync($"{s.Base}/tree?branch={Q(gitRef)}&path=src/")).JsonAsync();
            Assert.Equal(expected, Assert.Single(Arr(src, "files"))!.Str("name"));
        }
        var viaRefAlias = await (await c.GetAsync($"{s.Base}/tree?ref=light")).JsonAsync();
        Assert.Equal(["src", "README.md"], Arr(viaRefAlias, "files").Select(f => f!.Str("name")));
    }

    [Fact]
    public async Task Tree_with_last_commit_names_the_latest_change_of_each_entry()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var tree = await (await c.GetAsync($"{s.Base}/tree?lastCommit=1")).JsonAsync();
        Assert.Equal(s.MainChange, Entry(tree, "README.md")["lastCommit"]!.Str("oid"));
        Assert.Equal(s.Submodule, Entry(tree, "vendor")["lastCommit"]!.Str("oid"));
        Assert.Equal(s.Edit, Entry(tree, "assets")["lastCommit"]!.Str("oid"));
        Assert.Equal("Edit app", Entry(tree, "assets")["lastCommit"]!.Str("summary"));
        Assert.Equal(s.Owner.Username, Entry(tree, "assets")["lastCommit"]!.Str("author.username"));
        // feature.txt reached main through the merge, but its last change is the branch commit that added it, as git log -1 says.
        Assert.Equal(s.Rename, Entry(tree, "feature.txt")["lastCommit"]!.Str("oid"));
    }

    [Fact]
    public async Task Unknown_refs_and_paths_are_404_and_a_file_is_not_a_tree()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        await (await c.GetAsync($"{s.Base}/tree?branch=nope")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.Base}/tree?branch={new string('a', 40)}")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.Base}/tree?path=nope")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.Base}/tree?path=README.md")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.Base}/file?path=src")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.Base}/file?path=nope.txt")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.Base}/file?path=README.md&branch=nope")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.Base}/commits?branch=nope")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.Base}/commits/{new string('b', 40)}/diff")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"/api/repositories/{s.Owner.Username}/no-such-repo/tree")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.V1}/contents/nope")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.V1}/branches/nope")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.V1}/commits/nope")).ErrorAsync(HttpStatusCode.NotFound);
    }

    public static TheoryData<string> BadInputs => new()
    {
        "tree?path=../etc",
        "tree?path=src/../..",
        "tree?path=/etc",
        "tree?path=src%00x",
        "tree?path=a%5Cb",
        "tree?path=" + new string('a', 5000),
        "file?path=..%2F..%2Fanvil.db",
        "file?path=/etc/passwd",
        "file?path=README.md%00",
        "file",
        "file?path=",
        "tree?branch=main..feature",
        "tree?branch=main~1",
        "tree?branch=main%5E",
        "tree?branch=-n",
        "tree?branch=HEAD@%7B1%7D",
        "tree?branch=a%00b",
        "tree?branch=" + new string('a', 300),
        "commits?branch=main:README.md",
        "commits?path=../x",
        "commits?limit=0",
        "commits?limit=abc",
        "commits?skip=-1",
        "commits/main~1/diff",
        "file?path=README.md&return=1&branch=..",
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_a_400_with_the_error_envelope(string relative)
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        await (await c.GetAsync($"{s.Base}/{relative}")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task V1_bad_input_is_a_400_too()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        await (await c.GetAsync($"{s.V1}/contents/..%2Fx")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync($"{s.V1}/contents/README.md?ref=a..b")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync($"{s.V1}/commits?sha=main~2")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync($"{s.V1}/commits?per_page=0")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    // ---- files ----

    [Fact]
    public async Task File_returns_text_as_utf8_and_binary_as_base64()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var text = await (await c.GetAsync($"{s.Base}/file?path={Q(SampleRepository.UnicodePath)}")).JsonAsync();
        Assert.Equal(SampleRepository.UnicodeContent, text.Str("content"));
        Assert.Equal("utf-8", text.Str("encoding"));
        Assert.Equal(SampleRepository.UnicodePath, text.Str("path"));
        Assert.Equal(Encoding.UTF8.GetByteCount(SampleRepository.UnicodeContent), text["size"]!.GetValue<long>());
        Assert.Matches("^[0-9a-f]{40}$", text.Str("oid"));

        var binary = await (await c.GetAsync($"{s.Base}/file?path=assets/blob.bin")).JsonAsync();
        Assert.Equal("base64", binary.Str("encoding"));
        Assert.Equal(SampleRepository.BinaryContent, Convert.FromBase64String(binary.Str("content")));
        Assert.Equal(SampleRepository.BinaryContent.Length, binary["size"]!.GetValue<long>());

        var old = await (await c.GetAsync($"{s.Base}/file?path=src/app.txt&branch=light")).JsonAsync();
        Assert.Equal(SampleRepository.AppLines(0), old.Str("content"));
        var link = await (await c.GetAsync($"{s.Base}/file?path=link")).JsonAsync();
        Assert.Equal("symlink", link.Str("type"));
        Assert.Equal("README.md", link.Str("target"));
    }

    [Fact]
    public async Task Raw_file_gets_a_safe_content_type_and_the_exact_bytes()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        async Task<(string Type, byte[] Body, HttpResponseMessage Res)> Raw(string path)
        {
            var res = await c.GetAsync($"{s.Base}/file?path={Q(path)}&return=1");
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            Assert.Equal("nosniff", res.Headers.GetValues("X-Content-Type-Options").Single());
            return (res.Content.Headers.ContentType!.ToString(), await res.Content.ReadAsByteArrayAsync(), res);
        }

        var (type, body, _) = await Raw(SampleRepository.UnicodePath);
        Assert.Equal("text/plain; charset=utf-8", type);
        Assert.Equal(Encoding.UTF8.GetBytes(SampleRepository.UnicodeContent), body);

        (type, body, _) = await Raw("docs/page.html");
        Assert.Equal("text/plain; charset=utf-8", type);
        Assert.Equal(SampleRepository.HtmlContent, Encoding.UTF8.GetString(body));

        (type, body, _) = await Raw("assets/logo.png");
        Assert.Equal("image/png", type);
        Assert.Equal(SampleRepository.PngContent, body);

        (type, body, var res) = await Raw("assets/blob.bin");
        Assert.Equal("application/octet-stream", type);
        Assert.Equal(SampleRepository.BinaryContent, body);
        Assert.Equal("attachment", res.Content.Headers.ContentDisposition!.DispositionType);

        var old = await c.GetAsync($"{s.Base}/file?path=src/app.txt&branch={s.Root}&return=true");
        Assert.Equal(SampleRepository.AppLines(0), await old.Content.ReadAsStringAsync());
        await (await c.GetAsync($"{s.Base}/file?path=vendor/lib&return=1")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{s.Base}/file?path=src&return=1")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Files_over_the_inline_limit_come_without_content_but_stream_whole()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var size = Encoding.UTF8.GetByteCount(SampleRepository.LargeContent);
        var json = await (await c.GetAsync($"{s.Base}/file?branch=large-files&path={SampleRepository.LargePath}")).JsonAsync();
        Assert.True(json["tooLarge"]!.GetValue<bool>());
        Assert.Null(json["content"]);
        Assert.Equal(size, json["size"]!.GetValue<long>());

        var raw = await c.GetAsync($"{s.Base}/file?branch=large-files&path={SampleRepository.LargePath}&return=1");
        Assert.Equal("text/plain; charset=utf-8", raw.Content.Headers.ContentType!.ToString());
        Assert.Equal(size, raw.Content.Headers.ContentLength);
        Assert.Equal(SampleRepository.LargeContent, await raw.Content.ReadAsStringAsync());

        var v1 = await (await c.GetAsync($"{s.V1}/contents/{SampleRepository.LargePath}?ref=large-files")).JsonAsync();
        Assert.Equal("none", v1.Str("encoding"));
        Assert.Equal("", v1.Str("content"));
        Assert.Equal(size, v1["size"]!.GetValue<long>());
    }

    // ---- history ----

    [Fact]
    public async Task Commits_list_full_history_newest_first_with_exact_has_more()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var all = await (await c.GetAsync($"{s.Base}/commits")).JsonAsync();
        Assert.False(all["hasMore"]!.GetValue<bool>());
        var oids = Arr(all, "commits").Select(x => x!.Str("oid")).ToList();
        Assert.Equal([s.Submodule, s.Merge, s.MainChange, s.Rename, s.Edit, s.Root], oids);

        var merge = Arr(all, "commits")[1]!;
        Assert.Equal([s.MainChange, s.Rename], merge["parents"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("Merge branch 'feature'", merge.Str("message").TrimEnd());
        var root = Arr(all, "commits")[5]!;
        Assert.Empty(root["parents"]!.AsArray());
        Assert.Equal("Ada Author", root.Str("author.name"));
        Assert.Equal("ada@example.com", root.Str("author.email"));
        Assert.Null(root["author"]!["username"]);
        Assert.Equal("Cid Committer", root.Str("committer.name"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", root.Str("timestamp"));
        var edit = Arr(all, "commits")[4]!;
        Assert.Equal(s.Owner.Username, edit.Str("author.username"));
        Assert.Equal("Edit app\n\nWith a body.", edit.Str("message").TrimEnd());

        var first = await (await c.GetAsync($"{s.Base}/commits?limit=2")).JsonAsync();
        Assert.True(first["hasMore"]!.GetValue<bool>());
        Assert.Equal(oids[..2], Arr(first, "commits").Select(x => x!.Str("oid")));
        var last = await (await c.GetAsync($"{s.Base}/commits?limit=2&skip=4")).JsonAsync();
        Assert.False(last["hasMore"]!.GetValue<bool>());
        Assert.Equal(oids[4..], Arr(last, "commits").Select(x => x!.Str("oid")));
        var beyond = await (await c.GetAsync($"{s.Base}/commits?limit=2&skip=6")).JsonAsync();
        Assert.Empty(Arr(beyond, "commits"));
        Assert.False(beyond["hasMore"]!.GetValue<bool>());

        var byPath = await (await c.GetAsync($"{s.Base}/commits?path=README.md")).JsonAsync();
        Assert.Equal([s.MainChange, s.Root], Arr(byPath, "commits").Select(x => x!.Str("oid")));
        var onFeature = await (await c.GetAsync($"{s.Base}/commits?branch=feature&limit=10")).JsonAsync();
        Assert.Equal([s.Rename, s.Edit, s.Root], Arr(onFeature, "commits").Select(x => x!.Str("oid")));
    }

    [Fact]
    public async Task Diff_of_a_commit_with_edits_binaries_and_symlinks()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var diff = await (await c.GetAsync($"{s.Base}/commits/{s.Edit}/diff")).JsonAsync();
        Assert.Equal(s.Edit, diff.Str("commit.oid"));
        Assert.Equal(s.Root, diff.Str("parent"));
        Assert.False(diff["truncated"]!.GetValue<bool>());
        var files = Arr(diff, "files").ToDictionary(f => f!.Str("path"), f => f!);
        Assert.Equal(["assets/blob.bin", "assets/logo.png", SampleRepository.UnicodePath, "docs/page.html", "link", "run.sh", "src/app.txt"],
            files.Keys.Order(StringComparer.Ordinal));

        var app = files["src/app.txt"];
        Assert.Equal("modified", app.Str("status"));
        Assert.Equal(1, app["additions"]!.GetValue<int>());
        Assert.Equal(1, app["deletions"]!.GetValue<int>());
        Assert.Null(app["binary"]);
        var hunk = Assert.Single(app["hunks"]!.AsArray())!;
        Assert.Equal(2, hunk["oldStart"]!.GetValue<int>());
        Assert.Equal(7, hunk["oldLines"]!.GetValue<int>());
        var lines = hunk["lines"]!.AsArray();
        var deleted = lines.Single(l => l!.Str("type") == "deletion")!;
        Assert.Equal("line 5", deleted.Str("content"));
        Assert.Equal(5, deleted["oldLineNumber"]!.GetValue<int>());
        Assert.Null(deleted["newLineNumber"]);
        var added = lines.Single(l => l!.Str("type") == "addition")!;
        Assert.Equal("line 5 changed", added.Str("content"));
        Assert.Equal(5, added["newLineNumber"]!.GetValue<int>());
        var context = lines.First(l => l!.Str("type") == "context")!;
        Assert.Equal(2, context["oldLineNumber"]!.GetValue<int>());
        Assert.Equal(2, context["newLineNumber"]!.GetValue<int>());

        var bin = files["assets/blob.bin"];
        Assert.Equal("added", bin.Str("status"));
        Assert.True(bin["binary"]!.GetValue<bool>());
        Assert.Empty(bin["hunks"]!.AsArray());
        Assert.Equal("added", files[SampleRepository.UnicodePath].Str("status"));

        Assert.Equal(7, diff["stats"]!["filesChanged"]!.GetValue<int>());
        Assert.Equal(files.Values.Sum(f => f["additions"]!.GetValue<int>()), diff["stats"]!["additions"]!.GetValue<int>());
    }

    [Fact]
    public async Task Diff_shows_renames_merges_against_the_first_parent_and_root_commits_against_nothing()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var rename = await (await c.GetAsync($"{s.Base}/commits/{s.Rename}/diff")).JsonAsync();
        var moved = Arr(rename, "files").Single(f => f!.Str("status") == "renamed")!;
        Assert.Equal("src/main.txt", moved.Str("path"));
        Assert.Equal("src/app.txt", moved.Str("oldPath"));
        Assert.Null(Arr(rename, "files").Single(f => f!.Str("path") == "feature.txt")!["oldPath"]);

        var merge = await (await c.GetAsync($"{s.Base}/commits/{s.Merge}/diff")).JsonAsync();
        Assert.Equal(s.MainChange, merge.Str("parent"));
        Assert.Equal(["feature.txt", "src/main.txt"], Arr(merge, "files").Select(f => f!.Str("path")).Order(StringComparer.Ordinal));

        var root = await (await c.GetAsync($"{s.Base}/commits/{s.Root[..12]}/diff")).JsonAsync();
        Assert.Null(root["parent"]);
        Assert.Equal(s.Root, root.Str("commit.oid"));
        Assert.All(Arr(root, "files"), f => Assert.Equal("added", f!.Str("status")));
        Assert.Equal(2, root["stats"]!["filesChanged"]!.GetValue<int>());
        Assert.Equal(11, root["stats"]!["additions"]!.GetValue<int>());

        var sub = await (await c.GetAsync($"{s.Base}/commits/{s.Submodule}/diff")).JsonAsync();
        var gitlink = Assert.Single(Arr(sub, "files"))!;
        Assert.Equal("vendor/lib", gitlink.Str("path"));
        Assert.Equal("160000", gitlink.Str("newMode"));
    }

    // ---- branches ----

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

    // ---- v1 ----

    [Fact]
    public async Task V1_branches_in_github_shape_with_paging()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var res = await c.GetAsync($"{s.V1}/branches?per_page=1");
        var page = (await res.JsonAsync()).AsArray();
        var first = Assert.Single(page)!;
        Assert.Equal("feature", first.Str("name"));
        Assert.Equal(s.Rename, first.Str("commit.sha"));
        Assert.EndsWith($"{s.V1}/commits/{s.Rename}", first.Str("commit.url"));
        Assert.False(first["protected"]!.GetValue<bool>());
        Assert.Contains("rel=\"next\"", res.Headers.GetValues("Link").Single());

        var main = await (await c.GetAsync($"{s.V1}/branches/main")).JsonAsync();
        Assert.Equal("main", main.Str("name"));
        Assert.Equal(s.Submodule, main.Str("commit.sha"));
    }

    [Fact]
    public async Task V1_commits_in_github_shape_with_link_paging()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var res = await c.GetAsync($"{s.V1}/commits?per_page=2&page=2");
        var list = (await res.JsonAsync()).AsArray();
        Assert.Equal([s.MainChange, s.Rename], list.Select(x => x!.Str("sha")));
        var link = res.Headers.GetValues("Link").Single();
        Assert.Contains("page=3", link);
        Assert.Contains("rel=\"next\"", link);
        Assert.Contains("rel=\"prev\"", link);
        Assert.StartsWith("<http://", link);

        var lastPage = await c.GetAsync($"{s.V1}/commits?per_page=2&page=3");
        Assert.Equal([s.Edit, s.Root], (await lastPage.JsonAsync()).AsArray().Select(x => x!.Str("sha")));
        Assert.DoesNotContain("rel=\"next\"", lastPage.Headers.TryGetValues("Link", out var l) ? l.Single() : "");

        var feature = (await (await c.GetAsync($"{s.V1}/commits?sha=feature&path=src/main.txt")).JsonAsync()).AsArray();
        Assert.Equal([s.Rename], feature.Select(x => x!.Str("sha")));

        var edit = (await (await c.GetAsync($"{s.V1}/commits?sha={s.Edit}&per_page=1")).JsonAsync()).AsArray().Single()!;
        Assert.Equal(s.Edit, edit.Str("sha"));
        Assert.Equal("Edit app\n\nWith a body.", edit.Str("commit.message").TrimEnd());
        Assert.Equal(s.Owner.Username, edit.Str("commit.author.name"));
        Assert.Equal($"{s.Owner.Username}@example.com", edit.Str("commit.author.email"));
        Assert.Matches(@"Z$", edit.Str("commit.author.date"));
        Assert.Equal("cid@example.com", edit.Str("commit.committer.email"));
        Assert.Equal(s.Owner.Username, edit.Str("author.login"));
        Assert.Null(edit["committer"]);
        Assert.Equal(s.Root, edit["parents"]![0]!.Str("sha"));
        Assert.EndsWith($"/{s.Owner.Username}/{s.Name}/commit/{s.Edit}", edit.Str("html_url"));
        Assert.EndsWith($"{s.V1}/commits/{s.Edit}", edit.Str("url"));
    }

    [Fact]
    public async Task V1_single_commit_has_stats_and_files()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var commit = await (await c.GetAsync($"{s.V1}/commits/{s.Rename}")).JsonAsync();
        Assert.Equal(s.Rename, commit.Str("sha"));
        Assert.Equal(1, commit["stats"]!["additions"]!.GetValue<int>());
        var renamed = commit["files"]!.AsArray().Single(f => f!.Str("status") == "renamed")!;
        Assert.Equal("src/main.txt", renamed.Str("filename"));
        Assert.Equal("src/app.txt", renamed.Str("previous_filename"));
        var added = commit["files"]!.AsArray().Single(f => f!.Str("filename") == "feature.txt")!;
        Assert.Equal("@@ -0,0 +1 @@\n+feature", added.Str("patch"));
        Assert.Null(commit["author"]);

        var byBranch = await (await c.GetAsync($"{s.V1}/commits/feature")).JsonAsync();
        Assert.Equal(s.Rename, byBranch.Str("sha"));
    }

    [Fact]
    public async Task V1_contents_of_files_and_directories()
    {
        var s = await SampleRepository.ForAsync(server);
        using var c = server.Anonymous();
        var file = await (await c.GetAsync($"{s.V1}/contents/{Q("dir with space")}/{Q("ünïcödé file.txt")}")).JsonAsync();
        Assert.Equal("file", file.Str("type"));
        Assert.Equal("base64", file.Str("encoding"));
        Assert.Equal(SampleRepository.UnicodeContent, Encoding.UTF8.GetString(Convert.FromBase64String(file.Str("content"))));
        Assert.Equal("ünïcödé file.txt", file.Str("name"));
        Assert.Equal(SampleRepository.UnicodePath, file.Str("path"));
        Assert.Matches("^[0-9a-f]{40}$", file.Str("sha"));
        Assert.Equal(Encoding.UTF8.GetByteCount(SampleRepository.UnicodeContent), file["size"]!.GetValue<long>());
        foreach (var key in new[] { "url", "html_url", "download_url" })
        {
            Assert.StartsWith("http://", file.Str(key));
        }
        using (var raw = await c.GetAsync(file.Str("download_url")))
        {
            Assert.Equal(SampleRepository.UnicodeContent, await raw.Content.ReadAsStringAsync());
        }
        using (var self = await c.GetAsync(file.Str("url")))
        {
            Assert.Equal(file.Str("sha"), (await self.JsonAsync()).Str("sha"));
        }

        var root = (await (await c.GetAsync($"{s.V1}/contents")).JsonAsync()).AsArray();
        Assert.Equal("dir", root.Single(e => e!.Str("name") == "src")!.Str("type"));
        Assert.Equal("submodule", (await (await c.GetAsync($"{s.V1}/contents/vendor")).JsonAsync()).AsArray().Single()!.Str("type"));
        Assert.Null(root.Single(e => e!.Str("name") == "README.md")!["content"]);
        var old = (await (await c.GetAsync($"{s.V1}/contents/src?ref=light")).JsonAsync()).AsArray();
        Assert.Equal("src/app.txt", Assert.Single(old)!.Str("path"));

        // GitHub's _links on files and directory entries: the item's own, git and html URLs, each one that answers.
        Assert.Equal((file.Str("url"), file.Str("git_url"), file.Str("html_url")), (file.Str("_links.self"), file.Str("_links.git"), file.Str("_links.html")));
        var srcEntry = root.Single(e => e!.Str("name") == "src")!;
        Assert.Equal((srcEntry.Str("url"), srcEntry.Str("git_url"), srcEntry.Str("html_url")),
            (srcEntry.Str("_links.self"), srcEntry.Str("_links.git"), srcEntry.Str("_links.html")));
        Assert.Contains("/git/trees/", srcEntry.Str("_links.git"));
        using (var tree = await c.GetAsync(srcEntry.Str("_links.git")))
        {
            Assert.Equal(srcEntry.Str("sha"), (await tree.JsonAsync()).Str("sha"));
        }
        using (var blob = await c.GetAsync(file.Str("_links.git")))
        {
            Assert.Equal(file.Str("sha"), (await blob.JsonAsync()).Str("sha"));
        }
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync(srcEntry.Str("_links.self"))).StatusCode);

        var req = new HttpRequestMessage(HttpMethod.Get, $"{s.V1}/contents/assets/blob.bin");
        req.Headers.Accept.ParseAdd("application/vnd.github.raw+json");
        var bytes = await c.SendAsync(req);
        Assert.Equal(SampleRepository.BinaryContent, await bytes.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/octet-stream", bytes.Content.Headers.ContentType!.MediaType);
    }
}

public sealed class BrowsingTestsOnSqlite(SqliteServer s) : BrowsingTests(s), IClassFixture<SqliteServer>;

public sealed class BrowsingTestsOnPostgres(PostgresServer s) : BrowsingTests(s), IClassFixture<PostgresServer>;

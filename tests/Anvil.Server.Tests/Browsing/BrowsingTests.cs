using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Browsing;

public abstract partial class BrowsingTests(AnvilServer server)
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
}

public sealed class BrowsingTestsOnSqlite(SqliteServer s) : BrowsingTests(s), IClassFixture<SqliteServer>;

public sealed class BrowsingTestsOnPostgres(PostgresServer s) : BrowsingTests(s), IClassFixture<PostgresServer>;

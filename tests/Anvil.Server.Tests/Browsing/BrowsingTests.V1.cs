using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Browsing;

/// <summary>Browsing on the GitHub-shaped surface: branches, commits and contents as GitHub answers them.</summary>
public abstract partial class BrowsingTests
{
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

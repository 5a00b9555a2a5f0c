using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Browsing;

/// <summary>PUT and DELETE /contents/{path} (one commit each, like a push) and the tarball and zipball downloads (the signed links: <see cref="ArchiveLinkTests"/>).</summary>
public abstract class ContentWriteTests(AnvilServer server)
{
    private sealed record Repo(TestUser Owner, string Name)
    {
        public string Api => $"/api/v1/repos/{Owner.Username}/{Name}";
    }

    private async Task<Repo> CreateRepoAsync(bool isPrivate = false, bool autoInit = true)
    {
        var owner = await server.SignUpAsync();
        using var c = owner.Client();
        var name = "contents" + Guid.NewGuid().ToString("N")[..8];
        await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name, @private = isPrivate, auto_init = autoInit })).JsonAsync(HttpStatusCode.Created);
        return new Repo(owner, name);
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static async Task<string> ReadAsync(HttpClient c, Repo repo, string path, string? gitRef = null)
    {
        var file = await (await c.GetAsync($"{repo.Api}/contents/{path}" + (gitRef is null ? "" : $"?ref={gitRef}"))).JsonAsync();
        return Encoding.UTF8.GetString(Convert.FromBase64String(file.Str("content")));
    }

    [Fact]
    public async Task Create_update_and_delete_a_file_each_as_one_commit_by_the_caller()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var before = (await (await c.GetAsync($"{repo.Api}/branches/main")).JsonAsync()).Str("commit.sha");

        var created = await (await c.PutAsJsonAsync($"{repo.Api}/contents/docs/guide.md", new { message = "Add the guide", content = B64("# Guide\n") }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("docs/guide.md", created.Str("content.path"));
        Assert.Equal("file", created.Str("content.type"));
        Assert.Equal("Add the guide\n", created.Str("commit.message"));
        Assert.Equal(before, created["commit"]!["parents"]![0]!.Str("sha"));
        // The caller is the committer, and the author when none is given.
        Assert.Equal(("User " + repo.Owner.Username, $"{repo.Owner.Username}@example.com"), (created.Str("commit.author.name"), created.Str("commit.author.email")));
        Assert.Equal(created.Str("commit.author.email"), created.Str("commit.committer.email"));
        Assert.Equal("# Guide\n", await ReadAsync(c, repo, "docs/guide.md"));
        Assert.Equal(created.Str("commit.sha"), (await (await c.GetAsync($"{repo.Api}/branches/main")).JsonAsync()).Str("commit.sha"));
        var sha = created.Str("content.sha");

        // Without the blob's sha, or with a stale one, an existing file is not overwritten.
        var noSha = await (await c.PutAsJsonAsync($"{repo.Api}/contents/docs/guide.md", new { message = "m", content = B64("x") }))
            .ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("sha", noSha["errors"]![0]!.Str("field"));
        var updated = await (await c.PutAsJsonAsync($"{repo.Api}/contents/docs/guide.md", new
        {
            message = "Edit the guide", content = B64("# Guide\n\nMore.\n"), sha,
            author = new { name = "Ada Author", email = "ada@example.com" },
        })).JsonAsync();
        Assert.Equal("Ada Author", updated.Str("commit.author.name"));
        Assert.Equal("User " + repo.Owner.Username, updated.Str("commit.committer.name"));
        Assert.NotEqual(sha, updated.Str("content.sha"));
        await (await c.PutAsJsonAsync($"{repo.Api}/contents/docs/guide.md", new { message = "m", content = B64("late"), sha })).ErrorAsync(HttpStatusCode.Conflict);
        await (await c.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"{repo.Api}/contents/docs/guide.md")
            { Content = JsonContent.Create(new { message = "m", sha }) })).ErrorAsync(HttpStatusCode.Conflict);
        Assert.Equal("# Guide\n\nMore.\n", await ReadAsync(c, repo, "docs/guide.md"));

        var deleted = await (await c.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"{repo.Api}/contents/docs/guide.md")
            { Content = JsonContent.Create(new { message = "Remove the guide", sha = updated.Str("content.sha") }) })).JsonAsync();
        Assert.Null(deleted["content"]);
        Assert.Equal("Remove the guide\n", deleted.Str("commit.message"));
        await (await c.GetAsync($"{repo.Api}/contents/docs/guide.md")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"{repo.Api}/contents/docs/guide.md")
            { Content = JsonContent.Create(new { message = "again", sha }) })).ErrorAsync(HttpStatusCode.NotFound);
        var history = (await (await c.GetAsync($"{repo.Api}/commits")).JsonAsync()).AsArray();
        Assert.Equal(4, history.Count);
    }

    [Fact]
    public async Task A_write_goes_to_the_branch_asked_for_and_fires_push_events()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var main = (await (await c.GetAsync($"{repo.Api}/branches/main")).JsonAsync()).Str("commit.sha");
        await (await c.PutAsJsonAsync($"{repo.Api}/contents/x.txt", new { message = "m", content = B64("x"), branch = "nope" })).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.PostAsJsonAsync($"{repo.Api}/git/refs", new { @ref = "refs/heads/ci", sha = main })).JsonAsync(HttpStatusCode.Created);

        var workflow = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n";
        var put = await (await c.PutAsJsonAsync($"{repo.Api}/contents/.anvil/workflows/ci.yml", new { message = "Add CI", content = B64(workflow), branch = "ci" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(main, (await (await c.GetAsync($"{repo.Api}/branches/main")).JsonAsync()).Str("commit.sha"));
        Assert.Equal(workflow, await ReadAsync(c, repo, ".anvil/workflows/ci.yml", "ci"));
        var run = Assert.Single((await (await c.GetAsync($"{repo.Api}/actions/runs")).JsonAsync())["workflow_runs"]!.AsArray())!;
        Assert.Equal(("push", put.Str("commit.sha")), (run.Str("event"), run.Str("head_sha")));
    }

    [Fact]
    public async Task The_first_file_of_an_empty_repository_is_its_first_commit()
    {
        var repo = await CreateRepoAsync(autoInit: false);
        using var c = repo.Owner.Client();
        var created = await (await c.PutAsJsonAsync($"{repo.Api}/contents/README.md", new { message = "Start", content = B64("hello\n") }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Empty(created["commit"]!["parents"]!.AsArray());
        Assert.Equal("hello\n", await ReadAsync(c, repo, "README.md"));
    }

    [Fact]
    public async Task Bad_writes_are_refused_and_change_nothing()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var main = (await (await c.GetAsync($"{repo.Api}/branches/main")).JsonAsync()).Str("commit.sha");
        await (await c.PutAsJsonAsync($"{repo.Api}/contents/a.txt", new { message = "m", content = "%%% not base64" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PutAsJsonAsync($"{repo.Api}/contents/a.txt", new { content = B64("x") })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PutAsJsonAsync($"{repo.Api}/contents/a.txt", new { message = "m" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PutAsJsonAsync($"{repo.Api}/contents/.git/hooks/x", new { message = "m", content = B64("x") })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PutAsJsonAsync($"{repo.Api}/contents/a.txt", new { message = "m", content = B64("x"), branch = "a..b" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PutAsJsonAsync($"{repo.Api}/contents/d/f.txt", new { message = "m", content = B64("x") })).JsonAsync(HttpStatusCode.Created);
        var afterOne = (await (await c.GetAsync($"{repo.Api}/branches/main")).JsonAsync()).Str("commit.sha");
        await (await c.PutAsJsonAsync($"{repo.Api}/contents/d", new { message = "m", content = B64("x") })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.SendRawAsync(HttpMethod.Put, $"{repo.Api}/contents/a.txt", "{not json")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.NotEqual(main, afterOne);
        Assert.Equal(afterOne, (await (await c.GetAsync($"{repo.Api}/branches/main")).JsonAsync()).Str("commit.sha"));
    }

    [Fact]
    public async Task Private_is_404_readers_cannot_write_archived_refuses()
    {
        var repo = await CreateRepoAsync(isPrivate: true);
        var stranger = await server.SignUpAsync();
        using var s = stranger.Client();
        await (await s.PutAsJsonAsync($"{repo.Api}/contents/x.txt", new { message = "m", content = B64("x") })).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.GetAsync($"{repo.Api}/tarball/main")).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.GetAsync($"{repo.Api}/zipball")).ErrorAsync(HttpStatusCode.NotFound);
        using var readOnly = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:read"));
        await (await readOnly.PutAsJsonAsync($"{repo.Api}/contents/x.txt", new { message = "m", content = B64("x") })).ErrorAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await server.FollowArchiveLinkAsync(readOnly, $"{repo.Api}/zipball/main")).StatusCode);

        var pub = await CreateRepoAsync();
        await (await s.PutAsJsonAsync($"{pub.Api}/contents/x.txt", new { message = "m", content = B64("x") })).ErrorAsync(HttpStatusCode.Forbidden);
        using var owner = pub.Owner.Client();
        await (await owner.PatchAsJsonAsync(pub.Api, new { archived = true })).JsonAsync();
        var refused = await (await owner.PutAsJsonAsync($"{pub.Api}/contents/x.txt", new { message = "m", content = B64("x") })).ErrorBodyAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Repository was archived so is read-only.", refused.Str("message"));
        Assert.Equal(HttpStatusCode.OK, (await server.FollowArchiveLinkAsync(owner, $"{pub.Api}/tarball")).StatusCode);
    }

    [Fact]
    public async Task Tarball_and_zipball_hold_the_tree_under_one_top_folder()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var put = await (await c.PutAsJsonAsync($"{repo.Api}/contents/src/main.c", new { message = "code", content = B64("int main;\n") })).JsonAsync(HttpStatusCode.Created);
        var sha = put.Str("commit.sha");
        var folder = $"{repo.Owner.Username}-{repo.Name}-{sha[..7]}/";

        var tar = await server.FollowArchiveLinkAsync(c, $"{repo.Api}/tarball/main");
        Assert.Equal(HttpStatusCode.OK, tar.StatusCode);
        Assert.Equal("application/x-gzip", tar.Content.Headers.ContentType!.MediaType);
        Assert.Contains($"{repo.Owner.Username}-{repo.Name}-{sha[..7]}.tar.gz", tar.Content.Headers.ContentDisposition!.ToString());
        var names = new List<string>();
        var contents = new Dictionary<string, string>();
        await using (var gz = new GZipStream(await tar.Content.ReadAsStreamAsync(), CompressionMode.Decompress))
        {
            using var reader = new TarReader(gz);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
                {
                    continue;
                }
                names.Add(entry.Name);
                if (entry.DataStream is { } data)
                {
                    contents[entry.Name] = await new StreamReader(data).ReadToEndAsync();
                }
            }
        }
        Assert.All(names, n => Assert.StartsWith(folder, n));
        Assert.Equal("int main;\n", contents[folder + "src/main.c"]);
        Assert.Contains(folder + "README.md", names);

        var zip = await server.FollowArchiveLinkAsync(c, $"{repo.Api}/zipball/{sha}");
        Assert.Equal("application/zip", zip.Content.Headers.ContentType!.MediaType);
        using var archive = new ZipArchive(new MemoryStream(await zip.Content.ReadAsByteArrayAsync()));
        Assert.All(archive.Entries, e => Assert.StartsWith(folder, e.FullName));
        Assert.Contains(archive.Entries, e => e.FullName == folder + "src/main.c");

        await (await c.GetAsync($"{repo.Api}/tarball/no-such-ref")).ErrorAsync(HttpStatusCode.NotFound);
        var empty = await CreateRepoAsync(autoInit: false);
        using var e2 = empty.Owner.Client();
        await (await e2.GetAsync($"{empty.Api}/zipball")).ErrorAsync(HttpStatusCode.NotFound);
    }
}

public sealed class ContentWriteTestsOnSqlite(SqliteServer s) : ContentWriteTests(s), IClassFixture<SqliteServer>;

public sealed class ContentWriteTestsOnPostgres(PostgresServer s) : ContentWriteTests(s), IClassFixture<PostgresServer>;

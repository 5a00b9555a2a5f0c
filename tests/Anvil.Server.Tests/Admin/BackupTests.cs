using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Admin;

/// <summary>A backup taken from a running instance restores into an empty one that has everything back.</summary>
public abstract class BackupTests(AnvilServer server)
{
    private static Task<(int Code, string Output)> AdminAsync(string dataDir, string? databaseUrl, params string[] args) =>
        AdminCommand.RunAsync(dataDir, databaseUrl, args);

    [Fact]
    public async Task A_live_backup_restores_into_an_empty_instance_with_every_repository_issue_token_and_hook()
    {
        var owner = await server.SignUpAsync();
        var token = await owner.CreateTokenAsync("repo", "user:read");
        using var c = owner.Client();
        await (await c.PostAsJsonAsync("/api/repositories", new { name = "kept", visibility = "private", autoInit = true })).JsonAsync(HttpStatusCode.Created);
        using var git = new GitClient();
        var work = git.Path("kept");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, "kept", owner.Username, token), work);
        var head = await git.CommitFileAsync(work, "src/app.txt", "version 1", "Add the app");
        await git.OkAsync(work, "push", "-q", "origin", "main");
        await (await c.PostAsJsonAsync($"/api/repositories/{owner.Username}/kept/issues", new { title = "Back me up" })).JsonAsync(HttpStatusCode.Created);
        await (await c.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/kept/hooks",
            new { name = "web", config = new { url = "https://ci.example.com/hook", content_type = "json" }, events = new[] { "push" } }))
            .JsonAsync(HttpStatusCode.Created);

        // A page with a form has the instance seal an antiforgery token, with keys kept in the data directory.
        using (var browser = server.Anonymous())
        {
            browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");
            (await browser.GetAsync("/login")).EnsureSuccessStatusCode();
        }
        var archive = Path.Combine(git.Root, "instance.tar.gz");
        var (code, output) = await AdminAsync(server.DataDir, server.DatabaseUrl, "backup", "create", archive);
        Assert.True(code == 0, output);
        Assert.True(new FileInfo(archive).Length > 0);

        var restoredDir = Path.Combine(Path.GetTempPath(), "anvil-restored-" + Guid.NewGuid().ToString("N")[..10]);
        var restoredDb = server.Database == Database.Postgres ? await PostgresCluster.CreateDatabaseAsync() : null;
        (code, output) = await AdminAsync(restoredDir, restoredDb, "backup", "restore", archive);
        Assert.True(code == 0, output);
        // A second restore over it is refused: restores go into an empty instance only.
        Assert.Equal(1, (await AdminAsync(restoredDir, restoredDb, "backup", "restore", archive)).Code);

        // The signing keys came along: tokens and antiforgery cookies issued before the backup still verify.
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(server.DataDir, "secret.key")), await File.ReadAllBytesAsync(Path.Combine(restoredDir, "secret.key")));
        var keys = Directory.GetFiles(Path.Combine(server.DataDir, "keys")).Select(Path.GetFileName).Order().ToList();
        Assert.NotEmpty(keys);
        Assert.Equal(keys, Directory.GetFiles(Path.Combine(restoredDir, "keys")).Select(Path.GetFileName).Order());
        await using var restored = await AnvilServer.StartOverAsync(server.Database, restoredDir, restoredDb);
        var clone = git.Path("restored-clone");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(restored, owner.Username, "kept", owner.Username, token), clone);
        Assert.Equal("version 1", await File.ReadAllTextAsync(Path.Combine(clone, "src/app.txt")));
        Assert.Equal(head, (await git.OkAsync(clone, "rev-parse", "HEAD")).Trim());
        (code, output) = await AdminAsync(restoredDir, restoredDb, "repos", "fsck", $"{owner.Username}/kept");
        Assert.True(code == 0, output);

        using var pat = restored.WithBearer(token);
        Assert.Equal(owner.Username, (await (await pat.GetAsync("/api/v1/user")).JsonAsync()).Str("login"));
        var issue = await (await pat.GetAsync($"/api/v1/repos/{owner.Username}/kept/issues/1")).JsonAsync();
        Assert.Equal("Back me up", issue.Str("title"));
        using var session = restored.WithBearer(owner.SessionToken);
        var hooks = (await (await session.GetAsync($"/api/v1/repos/{owner.Username}/kept/hooks")).JsonAsync()).AsArray();
        Assert.Equal("https://ci.example.com/hook", Assert.Single(hooks)!.Str("config.url"));
        // The password still signs in: the account came back whole.
        using var anonymous = restored.Anonymous();
        (await anonymous.PostAsJsonAsync("/auth/sign-in", new { username = owner.Username, password = owner.Password })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Restoring_something_that_is_not_a_backup_fails_and_leaves_the_directory_empty()
    {
        var bogus = Path.GetTempFileName();
        await File.WriteAllTextAsync(bogus, "not a backup");
        var restoredDir = Path.Combine(Path.GetTempPath(), "anvil-bogus-" + Guid.NewGuid().ToString("N")[..10]);
        var restoredDb = server.Database == Database.Postgres ? await PostgresCluster.CreateDatabaseAsync() : null;
        try
        {
            Assert.NotEqual(0, (await AdminAsync(restoredDir, restoredDb, "backup", "restore", bogus)).Code);
            Assert.False(File.Exists(Path.Combine(restoredDir, "anvil.db")));
        }
        finally
        {
            File.Delete(bogus);
            if (Directory.Exists(restoredDir))
            {
                Directory.Delete(restoredDir, recursive: true);
            }
        }
    }
}

public sealed class BackupTestsOnSqlite(SqliteServer s) : BackupTests(s), IClassFixture<SqliteServer>;

public sealed class BackupTestsOnPostgres(PostgresServer s) : BackupTests(s), IClassFixture<PostgresServer>;

using System.IO.Compression;
using System.Net;
using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Octokit's file create, update and delete, and its archive download.</summary>
public abstract class ContentWriteCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Files_are_created_updated_and_deleted_through_Octokit()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        const string repo = "edited";
        await github.Repository.Create(new NewRepository(repo) { AutoInit = true });

        var created = await github.Repository.Content.CreateFile(owner.Username, repo, "notes/todo.md", new CreateFileRequest("Add todo", "- write tests\n", "main"));
        Assert.Equal("notes/todo.md", created.Content.Path);
        Assert.Equal("Add todo\n", created.Commit.Message);
        var read = await github.Repository.Content.GetAllContents(owner.Username, repo, "notes/todo.md");
        Assert.Equal("- write tests\n", read.Single().Content);

        var updated = await github.Repository.Content.UpdateFile(owner.Username, repo, "notes/todo.md",
            new UpdateFileRequest("Update todo", "- write more tests\n", created.Content.Sha, "main"));
        Assert.Equal(created.Commit.Sha, updated.Commit.Parents.Single().Sha);
        var stale = await Assert.ThrowsAnyAsync<ApiException>(() => github.Repository.Content.UpdateFile(owner.Username, repo, "notes/todo.md",
            new UpdateFileRequest("Stale", "x", created.Content.Sha, "main")));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        await github.Repository.Content.DeleteFile(owner.Username, repo, "notes/todo.md", new DeleteFileRequest("Done", updated.Content.Sha, "main"));
        await Assert.ThrowsAsync<NotFoundException>(() => github.Repository.Content.GetAllContents(owner.Username, repo, "notes/todo.md"));
    }

    [Fact]
    public async Task Archives_download_through_Octokit()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        const string repo = "archived-download";
        await github.Repository.Create(new NewRepository(repo) { AutoInit = true });
        var sha = (await github.Repository.Branch.Get(owner.Username, repo, "main")).Commit.Sha;

        var zip = await github.Repository.Content.GetArchive(owner.Username, repo, ArchiveFormat.Zipball, "main");
        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Contains(archive.Entries, e => e.FullName == $"{owner.Username}-{repo}-{sha[..7]}/README.md");
        var tar = await github.Repository.Content.GetArchive(owner.Username, repo, ArchiveFormat.Tarball, "main");
        Assert.True(tar.Length > 20 && tar[0] == 0x1f && tar[1] == 0x8b, "a gzip stream");
    }
}

public sealed class ContentWriteCompatibilityOnSqlite(OctokitSqliteServer s) : ContentWriteCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class ContentWriteCompatibilityOnPostgres(OctokitPostgresServer s) : ContentWriteCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

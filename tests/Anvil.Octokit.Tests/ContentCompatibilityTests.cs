using System.Text;
using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Branches, commits and contents of a repository pushed with the real git CLI.</summary>
public abstract class ContentCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Branches_commits_and_contents_match_what_was_pushed()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("code"));
        using var git = new GitClient();
        var work = git.Path("code");
        await git.OkAsync(null, "init", "-q", "-b", "main", work);
        var first = await git.CommitFileAsync(work, "README.md", "# code\n", "Add readme");
        var second = await git.CommitFileAsync(work, "src/app.txt", "hello\n", "Add app");
        await git.OkAsync(work, "branch", "feature", first);
        await git.OkAsync(work, "push", "-q", GitClient.Url(server, owner.Username, "code", owner.Username, owner.Password), "main", "feature");

        var branches = await github.Repository.Branch.GetAll(owner.Username, "code");
        Assert.Equal(["feature", "main"], branches.Select(b => b.Name).Order());
        Assert.Equal(second, branches.Single(b => b.Name == "main").Commit.Sha);
        Assert.Equal(first, branches.Single(b => b.Name == "feature").Commit.Sha);
        Assert.Equal(first, (await github.Repository.Branch.Get(owner.Username, "code", "feature")).Commit.Sha);

        var commits = await github.Repository.Commit.GetAll(owner.Username, "code");
        Assert.Equal([second, first], commits.Select(c => c.Sha));
        Assert.Equal("Add app", commits[0].Commit.Message);
        Assert.Equal("Anvil Test", commits[0].Commit.Author.Name);
        Assert.Equal(first, Assert.Single(commits[0].Parents).Sha);
        var onFeature = await github.Repository.Commit.GetAll(owner.Username, "code", new CommitRequest { Sha = "feature" });
        Assert.Equal([first], onFeature.Select(c => c.Sha));

        var one = await github.Repository.Commit.Get(owner.Username, "code", second);
        Assert.Equal(second, one.Sha);
        var file = Assert.Single(one.Files);
        Assert.Equal("src/app.txt", file.Filename);
        Assert.Equal("added", file.Status);
        Assert.Equal(1, file.Additions);

        var root = await github.Repository.Content.GetAllContents(owner.Username, "code");
        Assert.Equal(["README.md", "src"], root.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(ContentType.Dir, root.Single(c => c.Name == "src").Type.Value);
        Assert.Equal(ContentType.File, root.Single(c => c.Name == "README.md").Type.Value);

        var readme = Assert.Single(await github.Repository.Content.GetAllContents(owner.Username, "code", "README.md"));
        Assert.Equal("# code\n", readme.Content);
        Assert.Equal("README.md", readme.Path);
        Assert.Equal(7, readme.Size);
        Assert.Equal(await git.OkAsync(work, "rev-parse", "HEAD:README.md"), readme.Sha);

        var dir = Assert.Single(await github.Repository.Content.GetAllContents(owner.Username, "code", "src"));
        Assert.Equal("src/app.txt", dir.Path);

        var atFeature = await github.Repository.Content.GetAllContentsByRef(owner.Username, "code", "feature");
        Assert.Equal(["README.md"], atFeature.Select(c => c.Name));
        var raw = await github.Repository.Content.GetRawContent(owner.Username, "code", "src/app.txt");
        Assert.Equal("hello\n", Encoding.UTF8.GetString(raw));
    }
}

public sealed class ContentCompatibilityOnSqlite(OctokitSqliteServer s) : ContentCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class ContentCompatibilityOnPostgres(OctokitPostgresServer s) : ContentCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Rate limit, languages, tags, README and collaborator checks, as Octokit reads them.</summary>
public abstract class RepositoryFactsCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Rate_limits_decode()
    {
        var (_, github) = await OctokitClients.SignUpAsync(server);
        var limits = await github.RateLimit.GetRateLimits();
        // The fixture has every limit off: an unspendable budget, never a throttled one.
        Assert.True(limits.Resources.Core.Remaining > 0);
        Assert.Equal(limits.Resources.Core.Limit, limits.Rate.Limit);
        Assert.True(limits.Resources.Search.Remaining > 0);
        Assert.True(limits.Rate.Reset > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Languages_tags_readme_and_compare_match_what_was_pushed()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("facts"));
        using var git = new GitClient();
        var work = git.Path("facts");
        await git.OkAsync(null, "init", "-q", "-b", "main", work);
        await git.CommitFileAsync(work, "README.md", "# facts\n", "Add readme");
        var head = await git.CommitFileAsync(work, "app.py", "print('hello')\n", "Add app");
        await git.OkAsync(work, "tag", "v1.0");
        await git.OkAsync(work, "push", "-q", GitClient.Url(server, owner.Username, "facts", owner.Username, owner.Password), "main", "--tags");

        var language = Assert.Single(await github.Repository.GetAllLanguages(owner.Username, "facts"));
        Assert.Equal("Python", language.Name);
        Assert.Equal(15, language.NumberOfBytes);
        Assert.Equal("Python", (await github.Repository.Get(owner.Username, "facts")).Language);

        var tag = Assert.Single(await github.Repository.GetAllTags(owner.Username, "facts"));
        Assert.Equal("v1.0", tag.Name);
        Assert.Equal(head, tag.Commit.Sha);
        Assert.EndsWith("/tarball/refs/tags/v1.0", tag.TarballUrl);

        var readme = await github.Repository.Content.GetReadme(owner.Username, "facts");
        Assert.Equal("README.md", readme.Name);
        Assert.Equal("# facts\n", readme.Content);

        await git.OkAsync(work, "checkout", "-q", "-b", "feature");
        var feature = await git.CommitFileAsync(work, "lib.py", "x = 1\n", "Add lib");
        await git.OkAsync(work, "push", "-q", GitClient.Url(server, owner.Username, "facts", owner.Username, owner.Password), "feature");
        var compare = await github.Repository.Commit.Compare(owner.Username, "facts", "main", "feature");
        Assert.Equal("ahead", compare.Status);
        Assert.Equal(1, compare.AheadBy);
        Assert.Equal(0, compare.BehindBy);
        Assert.Equal(1, compare.TotalCommits);
        Assert.Equal(feature, Assert.Single(compare.Commits).Sha);
        Assert.Equal("lib.py", Assert.Single(compare.Files).Filename);
        Assert.Equal(head, compare.MergeBaseCommit.Sha);

        var (_, stranger) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("secret") { Private = true, AutoInit = true });
        await Assert.ThrowsAsync<NotFoundException>(() => stranger.Repository.Content.GetReadme(owner.Username, "secret"));
        await Assert.ThrowsAsync<NotFoundException>(() => stranger.Repository.GetAllTags(owner.Username, "secret"));
        await Assert.ThrowsAsync<NotFoundException>(() => stranger.Repository.GetAllLanguages(owner.Username, "secret"));
    }

    [Fact]
    public async Task Collaborator_check_and_permission()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("team") { AutoInit = true });
        var (friend, _) = await OctokitClients.SignUpAsync(server);
        var (stranger, _) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Collaborator.Add(owner.Username, "team", friend.Username, new CollaboratorRequest("pull"));

        Assert.True(await github.Repository.Collaborator.IsCollaborator(owner.Username, "team", friend.Username));
        Assert.False(await github.Repository.Collaborator.IsCollaborator(owner.Username, "team", stranger.Username));
        var permission = await github.Repository.Collaborator.ReviewPermission(owner.Username, "team", friend.Username);
        Assert.Equal("read", permission.Permission);
        Assert.Equal(friend.Username, permission.Collaborator.Login);
        Assert.Equal("admin", (await github.Repository.Collaborator.ReviewPermission(owner.Username, "team", owner.Username)).Permission);
    }
}

public sealed class RepositoryFactsCompatibilityOnSqlite(OctokitSqliteServer s) : RepositoryFactsCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class RepositoryFactsCompatibilityOnPostgres(OctokitPostgresServer s) : RepositoryFactsCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

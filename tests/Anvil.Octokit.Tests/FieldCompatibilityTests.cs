using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Fields Octokit models and tools read: repository hypermedia and counts, archiving, a branch's tip commit.</summary>
public abstract class FieldCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Repository_urls_counts_and_archiving()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        var created = await github.Repository.Create(new NewRepository("fields") { AutoInit = true });
        Assert.Null(created.SshUrl);
        Assert.Equal(0, created.SubscribersCount);
        Assert.False(created.Archived);
        Assert.Equal($"{created.Url}/{{archive_format}}{{/ref}}", created.ArchiveUrl);

        var archived = await github.Repository.Edit(owner.Username, "fields", new RepositoryUpdate { Archived = true });
        Assert.True(archived.Archived);
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => github.Issue.Create(owner.Username, "fields", new NewIssue("too late")));
        Assert.Equal("Repository was archived so is read-only.", refused.Message);
        Assert.True((await github.Repository.Get(owner.Username, "fields")).Archived);
        var unarchived = await github.Repository.Edit(owner.Username, "fields", new RepositoryUpdate { Archived = false });
        Assert.False(unarchived.Archived);
        Assert.Equal("in time", (await github.Issue.Create(owner.Username, "fields", new NewIssue("in time"))).Title);
    }

    [Fact]
    public async Task A_branch_names_its_tip_commit()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("branchy") { AutoInit = true });
        var branch = await github.Repository.Branch.Get(owner.Username, "branchy", "main");
        Assert.Equal("main", branch.Name);
        var commit = await github.Repository.Commit.Get(owner.Username, "branchy", branch.Commit.Sha);
        Assert.Equal(branch.Commit.Sha, commit.Sha);
        Assert.False(branch.Protected);
    }
}

public sealed class FieldCompatibilityOnSqlite(OctokitSqliteServer s) : FieldCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class FieldCompatibilityOnPostgres(OctokitPostgresServer s) : FieldCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

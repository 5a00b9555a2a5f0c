using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Topics, lock reasons and @me in search, through Octokit.</summary>
public abstract class TopicAndFieldCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Topics_are_replaced_read_and_searched()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("tagged"));
        var topic = "t" + Guid.NewGuid().ToString("N")[..10];

        var set = await github.Repository.ReplaceAllTopics(owner.Username, "tagged", new RepositoryTopics([topic, "forge"]));
        Assert.Equal([topic, "forge"], set.Names);
        Assert.Equal([topic, "forge"], (await github.Repository.GetAllTopics(owner.Username, "tagged")).Names);
        Assert.Equal([topic, "forge"], (await github.Repository.Get(owner.Username, "tagged")).Topics);
        var found = await github.Search.SearchRepo(new SearchRepositoriesRequest($"topic:{topic}"));
        Assert.Equal("tagged", Assert.Single(found.Items).Name);

        var refused = await Assert.ThrowsAsync<ApiValidationException>(() =>
            github.Repository.ReplaceAllTopics(owner.Username, "tagged", new RepositoryTopics(["Not Valid"])));
        Assert.Equal("Validation Failed", refused.Message);
        Assert.Equal([topic, "forge"], (await github.Repository.GetAllTopics(owner.Username, "tagged")).Names);
        await Assert.ThrowsAsync<NotFoundException>(() => github.Repository.GetAllTopics(owner.Username, "no-such-repo"));
    }

    [Fact]
    public async Task Lock_reasons_and_me_in_issue_search()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("calm"));
        await github.Issue.Create(owner.Username, "calm", new NewIssue("heated") { Assignees = { owner.Username } });

        await github.Issue.LockUnlock.Lock(owner.Username, "calm", 1, LockReason.TooHeated);
        var locked = await github.Issue.Get(owner.Username, "calm", 1);
        Assert.True(locked.Locked);
        Assert.Equal(LockReason.TooHeated, locked.ActiveLockReason!.Value.Value);
        await github.Issue.LockUnlock.Unlock(owner.Username, "calm", 1);
        var unlocked = await github.Issue.Get(owner.Username, "calm", 1);
        Assert.False(unlocked.Locked);
        Assert.Null(unlocked.ActiveLockReason);

        var mine = await github.Search.SearchIssues(new SearchIssuesRequest("assignee:@me author:@me")
        {
            Repos = new RepositoryCollection { $"{owner.Username}/calm" },
        });
        Assert.Equal("heated", Assert.Single(mine.Items).Title);
        Assert.Equal(1, mine.TotalCount);
    }
}

public sealed class TopicAndFieldCompatibilityOnSqlite(OctokitSqliteServer s) : TopicAndFieldCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class TopicAndFieldCompatibilityOnPostgres(OctokitPostgresServer s) : TopicAndFieldCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

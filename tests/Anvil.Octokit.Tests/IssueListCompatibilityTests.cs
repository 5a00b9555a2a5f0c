using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>The caller's issues across repositories, a repository's comments and assignees, through Octokit.</summary>
public abstract class IssueListCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task The_callers_issues_across_repositories()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        var (helper, helperClient) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("open-work"));
        await github.Repository.Create(new NewRepository("closed-work") { Private = true });
        await github.Repository.Collaborator.Add(owner.Username, "closed-work", helper.Username, new CollaboratorRequest("push"));
        await github.Issue.Create(owner.Username, "open-work", new NewIssue("public task") { Assignees = { helper.Username } });
        await github.Issue.Create(owner.Username, "closed-work", new NewIssue("private task") { Assignees = { helper.Username } });
        await github.Issue.Create(owner.Username, "closed-work", new NewIssue("nobody's task"));

        var assigned = await helperClient.Issue.GetAllForCurrent();
        Assert.Equal(["private task", "public task"], assigned.Select(i => i.Title));
        Assert.All(assigned, i => Assert.Equal(helper.Username, i.Assignee.Login));
        // Each item names its repository in full, as GitHub's cross-repository lists do.
        var privateOne = assigned.Single(i => i.Title == "private task").Repository;
        Assert.Equal(($"{owner.Username}/closed-work", true, owner.Username), (privateOne.FullName, privateOne.Private, privateOne.Owner.Login));
        Assert.True(privateOne.Permissions.Push);
        Assert.Equal(2, privateOne.OpenIssuesCount);
        Assert.Equal($"{owner.Username}/open-work", assigned.Single(i => i.Title == "public task").Repository.FullName);
        Assert.Equal($"{owner.Username}/open-work",
            (await helperClient.Issue.GetAllForOwnedAndMemberRepositories()).Single(i => i.Title == "public task").Repository.FullName);
        Assert.All(await github.Issue.GetAllForRepository(owner.Username, "closed-work"), i => Assert.Null(i.Repository)); // not on a repository's own list
        var oldestFirst = await helperClient.Issue.GetAllForOwnedAndMemberRepositories(new IssueRequest { SortDirection = SortDirection.Ascending });
        Assert.Equal(["public task", "private task"], oldestFirst.Select(i => i.Title));
        var inTheirRepos = await helperClient.Issue.GetAllForCurrent(new IssueRequest { Filter = IssueFilter.All });
        Assert.Equal(["nobody's task", "private task"], inTheirRepos.Select(i => i.Title));
        Assert.Empty(await helperClient.Issue.GetAllForCurrent(new IssueRequest { Filter = IssueFilter.Created }));
        var everything = await github.Issue.GetAllForCurrent(new IssueRequest { Filter = IssueFilter.All, State = ItemStateFilter.All });
        Assert.Equal(3, everything.Count);

        await github.Issue.Update(owner.Username, "open-work", 1, new IssueUpdate { State = ItemState.Closed });
        var closed = await helperClient.Issue.GetAllForCurrent(new IssueRequest { State = ItemStateFilter.Closed });
        Assert.Equal("public task", Assert.Single(closed).Title);
        var paged = await helperClient.Issue.GetAllForCurrent(new IssueRequest { State = ItemStateFilter.All }, new ApiOptions { PageSize = 1 });
        Assert.Equal(2, paged.Count);

        await github.Repository.Collaborator.Delete(owner.Username, "closed-work", helper.Username);
        Assert.Equal(["public task"], (await helperClient.Issue.GetAllForCurrent(new IssueRequest { State = ItemStateFilter.All })).Select(i => i.Title));
        var anonymous = new GitHubClient(new Connection(new ProductHeaderValue("anvil-tests"), new Uri(server.BaseUri, "/api/v1/")));
        await Assert.ThrowsAsync<AuthorizationException>(() => anonymous.Issue.GetAllForCurrent());
    }

    [Fact]
    public async Task Comments_of_a_repository()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("chatty"));
        await github.Issue.Create(owner.Username, "chatty", new NewIssue("one"));
        await github.Issue.Create(owner.Username, "chatty", new NewIssue("two"));
        var first = await github.Issue.Comment.Create(owner.Username, "chatty", 1, "first");
        var second = await github.Issue.Comment.Create(owner.Username, "chatty", 2, "second");

        var all = await github.Issue.Comment.GetAllForRepository(owner.Username, "chatty");
        Assert.Equal([first.Id, second.Id], all.Select(c => c.Id));
        var newest = await github.Issue.Comment.GetAllForRepository(owner.Username, "chatty",
            new IssueCommentRequest { Sort = IssueCommentSort.Created, Direction = SortDirection.Descending });
        Assert.Equal(["second", "first"], newest.Select(c => c.Body));
        Assert.Contains("/issues/2#issuecomment-", newest[0].HtmlUrl);
        var recent = await github.Issue.Comment.GetAllForRepository(owner.Username, "chatty",
            new IssueCommentRequest { Since = DateTimeOffset.UtcNow.AddDays(1) });
        Assert.Empty(recent);
        await Assert.ThrowsAsync<NotFoundException>(() => github.Issue.Comment.GetAllForRepository(owner.Username, "no-such-repo"));
    }

    [Fact]
    public async Task Assignees_of_an_issue_and_a_repository()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        var (helper, _) = await OctokitClients.SignUpAsync(server);
        var (stranger, _) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("crew") { Private = true });
        await github.Repository.Collaborator.Add(owner.Username, "crew", helper.Username, new CollaboratorRequest("push"));
        await github.Issue.Create(owner.Username, "crew", new NewIssue("lift this"));

        var added = await github.Issue.Assignee.AddAssignees(owner.Username, "crew", 1, new AssigneesUpdate([helper.Username, owner.Username]));
        Assert.Equal(new[] { owner.Username, helper.Username }.Order(), added.Assignees.Select(a => a.Login).Order());
        var removed = await github.Issue.Assignee.RemoveAssignees(owner.Username, "crew", 1, new AssigneesUpdate([owner.Username]));
        Assert.Equal(helper.Username, Assert.Single(removed.Assignees).Login);
        var refused = await Assert.ThrowsAsync<ApiValidationException>(() =>
            github.Issue.Assignee.AddAssignees(owner.Username, "crew", 1, new AssigneesUpdate([stranger.Username])));
        Assert.Equal("Validation Failed", refused.Message);

        var available = await github.Issue.Assignee.GetAllForRepository(owner.Username, "crew");
        Assert.Equal([owner.Username, helper.Username], available.Select(u => u.Login));
        Assert.True(await github.Issue.Assignee.CheckAssignee(owner.Username, "crew", helper.Username));
        Assert.False(await github.Issue.Assignee.CheckAssignee(owner.Username, "crew", stranger.Username));
    }
}

public sealed class IssueListCompatibilityOnSqlite(OctokitSqliteServer s) : IssueListCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class IssueListCompatibilityOnPostgres(OctokitPostgresServer s) : IssueListCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

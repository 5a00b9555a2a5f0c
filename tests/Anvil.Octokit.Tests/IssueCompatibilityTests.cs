using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

public abstract class IssueCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Create_list_update_and_close_issues()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("tracker"));

        var first = await github.Issue.Create(owner.Username, "tracker", new NewIssue("It breaks") { Body = "steps to reproduce" });
        Assert.Equal(1, first.Number);
        Assert.Equal("It breaks", first.Title);
        Assert.Equal("steps to reproduce", first.Body);
        Assert.Equal(ItemState.Open, first.State.Value);
        Assert.Equal(owner.Username, first.User.Login);
        Assert.Null(first.PullRequest);
        var second = await github.Issue.Create(owner.Username, "tracker", new NewIssue("Second"));
        Assert.Equal(2, second.Number);

        var open = await github.Issue.GetAllForRepository(owner.Username, "tracker");
        Assert.Equal([2, 1], open.Select(i => i.Number));

        var update = first.ToUpdate();
        update.Title = "It breaks on Tuesdays";
        var renamed = await github.Issue.Update(owner.Username, "tracker", 1, update);
        Assert.Equal("It breaks on Tuesdays", renamed.Title);
        Assert.Equal("steps to reproduce", renamed.Body);

        var closed = await github.Issue.Update(owner.Username, "tracker", 1, new IssueUpdate { State = ItemState.Closed });
        Assert.Equal(ItemState.Closed, closed.State.Value);
        Assert.NotNull(closed.ClosedAt);
        Assert.Equal(owner.Username, closed.ClosedBy?.Login);

        Assert.Equal([2], (await github.Issue.GetAllForRepository(owner.Username, "tracker")).Select(i => i.Number));
        var closedOnly = await github.Issue.GetAllForRepository(owner.Username, "tracker", new RepositoryIssueRequest { State = ItemStateFilter.Closed });
        Assert.Equal("It breaks on Tuesdays", Assert.Single(closedOnly).Title);
        var all = await github.Issue.GetAllForRepository(owner.Username, "tracker", new RepositoryIssueRequest { State = ItemStateFilter.All });
        Assert.Equal(2, all.Count);

        var fetched = await github.Issue.Get(owner.Username, "tracker", 1);
        Assert.Equal(closed.Id, fetched.Id);
        Assert.Equal(ItemState.Closed, fetched.State.Value);
        Assert.Equal(1, (await github.Repository.Get(owner.Username, "tracker")).OpenIssuesCount);
    }

    [Fact]
    public async Task Issue_comments()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("talk"));
        await github.Issue.Create(owner.Username, "talk", new NewIssue("Discuss"));
        var (visitor, visitorClient) = await OctokitClients.SignUpAsync(server);

        var mine = await github.Issue.Comment.Create(owner.Username, "talk", 1, "first!");
        var theirs = await visitorClient.Issue.Comment.Create(owner.Username, "talk", 1, "second");
        Assert.Equal("first!", mine.Body);
        Assert.Equal(owner.Username, mine.User.Login);
        Assert.Equal(AuthorAssociation.Owner, mine.AuthorAssociation.Value);
        Assert.Equal(visitor.Username, theirs.User.Login);

        var listed = await github.Issue.Comment.GetAllForIssue(owner.Username, "talk", 1);
        Assert.Equal([mine.Id, theirs.Id], listed.Select(c => c.Id));
        Assert.Equal(["first!", "second"], listed.Select(c => c.Body));

        var edited = await github.Issue.Comment.Update(owner.Username, "talk", mine.Id, "first, edited");
        Assert.Equal("first, edited", edited.Body);
        Assert.Equal("first, edited", (await github.Issue.Comment.Get(owner.Username, "talk", mine.Id)).Body);
        Assert.Equal(2, (await github.Issue.Get(owner.Username, "talk", 1)).Comments);

        await github.Issue.Comment.Delete(owner.Username, "talk", theirs.Id);
        Assert.Single(await github.Issue.Comment.GetAllForIssue(owner.Username, "talk", 1));
    }

    [Fact]
    public async Task Labels_on_a_repository_and_an_issue()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("labelled"));

        var created = await github.Issue.Labels.Create(owner.Username, "labelled", new NewLabel("needs-triage", "ededed") { Description = "new here" });
        Assert.Equal("needs-triage", created.Name);
        Assert.Equal("ededed", created.Color);
        Assert.Equal("new here", created.Description);

        var repoLabels = await github.Issue.Labels.GetAllForRepository(owner.Username, "labelled");
        Assert.Contains(repoLabels, l => l.Name == "needs-triage" && l.Id == created.Id);
        Assert.Equal(created.Id, (await github.Issue.Labels.Get(owner.Username, "labelled", "needs-triage")).Id);

        var issue = await github.Issue.Create(owner.Username, "labelled", new NewIssue("Tagged") { Labels = { "needs-triage" } });
        Assert.Equal("needs-triage", Assert.Single(issue.Labels).Name);

        var other = repoLabels.First(l => l.Name != "needs-triage");
        var afterAdd = await github.Issue.Labels.AddToIssue(owner.Username, "labelled", issue.Number, [other.Name]);
        Assert.Equal(new[] { "needs-triage", other.Name }.Order(), afterAdd.Select(l => l.Name).Order());
        var onIssue = await github.Issue.Labels.GetAllForIssue(owner.Username, "labelled", issue.Number);
        Assert.Equal(afterAdd.Select(l => l.Id).Order(), onIssue.Select(l => l.Id).Order());

        var afterRemove = await github.Issue.Labels.RemoveFromIssue(owner.Username, "labelled", issue.Number, "needs-triage");
        Assert.Equal(other.Name, Assert.Single(afterRemove).Name);

        var updated = await github.Issue.Labels.Update(owner.Username, "labelled", "needs-triage", new LabelUpdate("triage", "00ff00"));
        Assert.Equal("triage", updated.Name);
        Assert.Equal("00ff00", updated.Color);
    }
}

public sealed class IssueCompatibilityOnSqlite(OctokitSqliteServer s) : IssueCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class IssueCompatibilityOnPostgres(OctokitPostgresServer s) : IssueCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

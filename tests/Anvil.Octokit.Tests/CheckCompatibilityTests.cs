using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Check runs and suites as Octokit creates, updates and reads them.</summary>
public abstract class CheckCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Check_runs_and_suites_round_trip_through_Octokit()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("checked") { AutoInit = true });
        var sha = (await github.Repository.Branch.Get(owner.Username, "checked", "main")).Commit.Sha;

        var created = await github.Check.Run.Create(owner.Username, "checked", new NewCheckRun("lint", sha)
        {
            Status = CheckStatus.InProgress,
            ExternalId = "ci-1",
            DetailsUrl = "https://ci.example.com/1",
            Output = new NewCheckRunOutput("Linting", "running"),
        });
        Assert.Equal(sha, created.HeadSha);
        Assert.Equal(CheckStatus.InProgress, created.Status.Value);
        Assert.Equal("ci-1", created.ExternalId);
        Assert.NotNull(created.StartedAt);

        var updated = await github.Check.Run.Update(owner.Username, "checked", created.Id, new CheckRunUpdate
        {
            Status = CheckStatus.Completed,
            Conclusion = CheckConclusion.Success,
            Output = new NewCheckRunOutput("Lint", "clean"),
        });
        Assert.Equal(CheckConclusion.Success, updated.Conclusion!.Value.Value);
        Assert.Equal("clean", updated.Output.Summary);

        var got = await github.Check.Run.Get(owner.Username, "checked", created.Id);
        Assert.Equal("lint", got.Name);
        var runs = await github.Check.Run.GetAllForReference(owner.Username, "checked", sha);
        Assert.Equal(1, runs.TotalCount);
        Assert.Equal(created.Id, runs.CheckRuns.Single().Id);
        var suites = await github.Check.Suite.GetAllForReference(owner.Username, "checked", sha);
        Assert.Equal(1, suites.TotalCount);
        Assert.Equal(CheckStatus.Completed, suites.CheckSuites.Single().Status.Value);
        Assert.Equal(CheckConclusion.Success, suites.CheckSuites.Single().Conclusion!.Value.Value);
    }
}

public sealed class CheckCompatibilityOnSqlite(OctokitSqliteServer s) : CheckCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class CheckCompatibilityOnPostgres(OctokitPostgresServer s) : CheckCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

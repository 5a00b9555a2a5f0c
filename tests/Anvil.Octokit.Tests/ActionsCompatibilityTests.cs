using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Octokit's Actions workflows and workflow runs: the workflows of the default branch, by id and by file name, and their runs.</summary>
public abstract class ActionsCompatibilityTests(AnvilServer server)
{
    private const string Ci = """
        name: CI
        on: [push, workflow_dispatch]
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: echo build
        """;

    private const string Nightly = """
        name: Nightly
        on: workflow_dispatch
        jobs:
          sweep:
            runs-on: ubuntu-latest
            steps:
              - run: echo sweep
        """;

    /// <summary>Polls until <paramref name="done"/> holds (runs are queued after the push commits); the deadline is a safety net.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("gave up waiting for " + what);
            }
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Workflows_and_their_runs_read_through_Octokit()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        const string repo = "with-workflows";
        var o = owner.Username;
        await github.Repository.Create(new NewRepository(repo) { AutoInit = true });
        await github.Repository.Content.CreateFile(o, repo, ".github/workflows/ci.yml", new CreateFileRequest("Add CI", Ci, "main"));
        var nightlyFile = await github.Repository.Content.CreateFile(o, repo, ".anvil/workflows/nightly.yml", new CreateFileRequest("Add nightly", Nightly, "main"));

        // Listed a page at a time: Octokit follows the Link header to gather both.
        var workflows = await EventuallyAsync(() => github.Actions.Workflows.List(o, repo, new ApiOptions { PageSize = 1 }),
            w => w.Workflows.Count == 2, "both workflows");
        Assert.Equal(2, workflows.TotalCount);
        var ci = workflows.Workflows.Single(w => w.Name == "CI");
        var nightly = workflows.Workflows.Single(w => w.Name == "Nightly");
        Assert.Equal(".github/workflows/ci.yml", ci.Path);
        Assert.Equal(WorkflowState.Active, ci.State.Value);
        Assert.Equal($"{server.BaseUri.ToString().TrimEnd('/')}/{o}/{repo}/blob/main/.github/workflows/ci.yml", ci.HtmlUrl);
        Assert.EndsWith($"/api/v1/repos/{o}/{repo}/actions/workflows/{ci.Id}", ci.Url);

        // By id and by file name alike.
        Assert.Equal("Nightly", (await github.Actions.Workflows.Get(o, repo, nightly.Id)).Name);
        Assert.Equal(nightly.Id, (await github.Actions.Workflows.Get(o, repo, "nightly.yml")).Id);
        await Assert.ThrowsAsync<NotFoundException>(() => github.Actions.Workflows.Get(o, repo, "missing.yml"));
        await Assert.ThrowsAsync<NotFoundException>(() => github.Actions.Workflows.Get(o, repo, 999_999_999));

        // Both pushes ran CI (it runs on push); nightly runs only when dispatched, here by its id.
        var ciRuns = await EventuallyAsync(() => github.Actions.Workflows.Runs.ListByWorkflow(o, repo, ci.Id), r => r.TotalCount == 2, "two CI runs");
        Assert.Equal(0, (await github.Actions.Workflows.Runs.ListByWorkflow(o, repo, "nightly.yml")).TotalCount);
        await github.Actions.Workflows.CreateDispatch(o, repo, nightly.Id, new CreateWorkflowDispatch("main"));
        var nightlyRun = Assert.Single((await github.Actions.Workflows.Runs.ListByWorkflow(o, repo, nightly.Id)).WorkflowRuns);
        Assert.Equal("workflow_dispatch", nightlyRun.Event);
        // run_number counts each workflow's runs (the ids count every run of the server).
        Assert.Equal([2L, 1L], ciRuns.WorkflowRuns.Select(r => r.RunNumber));
        Assert.Equal(1, nightlyRun.RunNumber);
        Assert.Equal(3, (await github.Actions.Workflows.Runs.List(o, repo)).TotalCount);

        var run = ciRuns.WorkflowRuns[0]; // newest first: the push that added nightly.yml
        Assert.Equal(nightlyFile.Commit.Sha, run.HeadSha);
        Assert.Equal(ci.Id, run.WorkflowId);
        Assert.Equal(ci.Url, run.WorkflowUrl);
        Assert.Equal(".github/workflows/ci.yml", run.Path);
        Assert.Equal("CI", run.DisplayTitle);
        Assert.Equal("main", run.HeadBranch);
        Assert.Equal(1, run.RunAttempt);
        Assert.Equal(o, run.Actor.Login);
        Assert.Equal($"{o}/{repo}", run.Repository.FullName);
        Assert.Equal($"{o}/{repo}", run.HeadRepository.FullName);
        Assert.EndsWith($"/actions/runs/{run.Id}/jobs", run.JobsUrl);
        Assert.EndsWith($"/actions/runs/{run.Id}/logs", run.LogsUrl);
        Assert.EndsWith($"/actions/runs/{run.Id}/rerun", run.RerunUrl);
        var suite = await github.Check.Suite.Get(o, repo, run.CheckSuiteId);
        Assert.Equal(run.HeadSha, suite.HeadSha);
        Assert.Equal(suite.Url, run.CheckSuiteUrl);
        var fetched = await github.Actions.Workflows.Runs.Get(o, repo, run.Id);
        Assert.Equal(run.WorkflowId, fetched.WorkflowId);
        Assert.Equal(run.CheckSuiteId, fetched.CheckSuiteId);

        // GitHub's run filters on a workflow's runs.
        Assert.Equal(2, (await github.Actions.Workflows.Runs.ListByWorkflow(o, repo, ci.Id, new WorkflowRunsRequest { Branch = "main", Actor = o })).TotalCount);
        Assert.Equal(0, (await github.Actions.Workflows.Runs.ListByWorkflow(o, repo, ci.Id, new WorkflowRunsRequest { Event = "workflow_dispatch" })).TotalCount);
        Assert.Equal(1, (await github.Actions.Workflows.Runs.ListByWorkflow(o, repo, ci.Id, new WorkflowRunsRequest { HeadSha = run.HeadSha })).TotalCount);
        Assert.Equal(0, (await github.Actions.Workflows.Runs.ListByWorkflow(o, repo, ci.Id, new WorkflowRunsRequest { Actor = "nobody-at-all" })).TotalCount);
        Assert.Equal(2, (await github.Actions.Workflows.Runs.ListByWorkflow(o, repo, ci.Id,
            new WorkflowRunsRequest { Created = ">=" + DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd") })).TotalCount);
        Assert.Equal(0, (await github.Actions.Workflows.Runs.ListByWorkflow(o, repo, ci.Id, new WorkflowRunsRequest { Created = "<2001-01-01" })).TotalCount);
        Assert.Equal(1, (await github.Actions.Workflows.Runs.ListByWorkflow(o, repo, ci.Id, new WorkflowRunsRequest { CheckSuiteId = run.CheckSuiteId })).TotalCount);
        var bad = await Assert.ThrowsAsync<ApiValidationException>(() =>
            github.Actions.Workflows.Runs.ListByWorkflow(o, repo, ci.Id, new WorkflowRunsRequest { Created = "last tuesday" }));
        Assert.Equal("created", bad.ApiError.Errors.Single().Field);

        // A workflow whose file leaves the default branch is listed as deleted, with its runs kept.
        await github.Repository.Content.DeleteFile(o, repo, ".anvil/workflows/nightly.yml", new DeleteFileRequest("Drop nightly", nightlyFile.Content.Sha, "main"));
        var gone = await EventuallyAsync(() => github.Actions.Workflows.Get(o, repo, nightly.Id), w => w.State.Value == WorkflowState.Deleted, "nightly deleted");
        Assert.Equal("Nightly", gone.Name);
        Assert.Equal(1, (await github.Actions.Workflows.Runs.ListByWorkflow(o, repo, nightly.Id)).TotalCount);
    }

    [Fact]
    public async Task Rerequesting_an_Actions_check_suite_reruns_its_workflow_run_through_Octokit()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        const string repo = "rerequested";
        var o = owner.Username;
        await github.Repository.Create(new NewRepository(repo) { AutoInit = true });
        await github.Repository.Content.CreateFile(o, repo, ".github/workflows/ci.yml", new CreateFileRequest("Add CI", Ci, "main"));
        var run = (await EventuallyAsync(() => github.Actions.Workflows.Runs.List(o, repo), r => r.TotalCount == 1, "the CI run")).WorkflowRuns[0];

        // A queued job's check run carries started_at (its creation time) as GitHub's do: Octokit's CheckRun cannot be read without it.
        var queued = Assert.Single((await github.Check.Run.GetAllForCheckSuite(o, repo, run.CheckSuiteId)).CheckRuns);
        Assert.Equal(CheckStatus.Queued, queued.Status.Value);
        Assert.Null(queued.CompletedAt);
        Assert.InRange(queued.StartedAt, run.CreatedAt.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(queued.StartedAt, (await github.Check.Run.Get(o, repo, queued.Id)).StartedAt);

        // Still queued (no runner here): GitHub refuses to re-run a suite that has not finished.
        var busy = await Assert.ThrowsAnyAsync<ApiException>(() => github.Check.Suite.Rerequest(o, repo, run.CheckSuiteId));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, busy.StatusCode);

        await github.Actions.Workflows.Runs.Cancel(o, repo, run.Id);
        var cancelled = await EventuallyAsync(() => github.Actions.Workflows.Runs.Get(o, repo, run.Id), r => r.Status.Value == WorkflowRunStatus.Completed, "cancelled");
        Assert.Equal(WorkflowRunConclusion.Cancelled, cancelled.Conclusion!.Value.Value);

        Assert.True(await github.Check.Suite.Rerequest(o, repo, run.CheckSuiteId));
        var again = await github.Actions.Workflows.Runs.Get(o, repo, run.Id);
        Assert.Equal(2, again.RunAttempt);
        Assert.Equal(run.RunNumber, again.RunNumber); // a re-run is the same run, numbered as it was
        Assert.Equal(WorkflowRunStatus.Queued, again.Status.Value);
        Assert.Equal(run.CheckSuiteId, again.CheckSuiteId);
        var suite = await github.Check.Suite.Get(o, repo, run.CheckSuiteId);
        // The new attempt's job is queued beside the cancelled one in the same suite, which is no longer complete.
        Assert.Equal(CheckStatus.InProgress, suite.Status.Value);

        await Assert.ThrowsAsync<NotFoundException>(() => github.Check.Suite.Rerequest(o, repo, 999_999_999));
    }
}

public sealed class ActionsCompatibilityOnSqlite(OctokitSqliteServer s) : ActionsCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class ActionsCompatibilityOnPostgres(OctokitPostgresServer s) : ActionsCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

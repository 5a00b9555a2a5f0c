using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Actions;

/// <summary>Servers whose runner leases are short, so a vanished runner's job comes back within a test.</summary>
public sealed class ActionsSqliteServer : AnvilServer
{
    public ActionsSqliteServer()
    {
        Settings["ANVIL_RUNNER_LEASE_SECONDS"] = "15";
        Settings["ANVIL_ACTIONS_SWEEP_SECONDS"] = "1";
    }

    public override Database Database => Database.Sqlite;
}

public sealed class ActionsPostgresServer : AnvilServer
{
    public ActionsPostgresServer()
    {
        Settings["ANVIL_RUNNER_LEASE_SECONDS"] = "15";
        Settings["ANVIL_ACTIONS_SWEEP_SECONDS"] = "1";
    }

    public override Database Database => Database.Postgres;
}

public abstract class ActionsTests(AnvilServer server)
{
    private const string OneJob = """
        on: push
        jobs:
          only:
            runs-on: ubuntu-latest
            steps:
              - name: first
                run: echo one
              - name: second
                run: echo two
        """;

    private async Task<(ActionsRepo Repo, long RunId)> PushAndGetRunAsync(string workflow, string file = ".anvil/workflows/ci.yml")
    {
        var repo = await ActionsRepo.CreateAsync(server);
        await repo.PushAsync("main", (file, workflow));
        var runs = await ActionsRepo.EventuallyAsync(repo.RunsAsync, r => r["total_count"]!.GetValue<int>() > 0, "a run");
        return (repo, runs["workflow_runs"]![0]!["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Real_runner_runs_a_pushed_workflow_with_checkout_env_failure_and_needs()
    {
        const string workflow = """
            name: CI
            on:
              push:
                branches: [main]
            env:
              GREETING: hello
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - name: Greet
                    run: |
                      echo "$GREETING from $GITHUB_REPOSITORY on $GITHUB_REF"
                      cat marker.txt
                  - name: In sub
                    working-directory: sub
                    env:
                      WHO: step-env
                    run: echo "in $(basename "$PWD") as $WHO"
              broken:
                runs-on: ubuntu-latest
                steps:
                  - run: echo before-failure && exit 3
                  - run: echo never-runs
              after-broken:
                needs: broken
                runs-on: ubuntu-latest
                steps:
                  - run: echo should-not-run
              cleanup:
                needs: [broken]
                if: always()
                runs-on: ubuntu-latest
                steps:
                  - run: echo cleanup-ran
            """;
        using var repo = await ActionsRepo.CreateAsync(server);
        var sha = await repo.PushAsync("main", (".github/workflows/ci.yml", workflow), ("marker.txt", "marker-content-42"), ("sub/keep.txt", "x"));
        await using var runner = new RunnerProcess(server, await repo.RegistrationTokenAsync());

        var runs = await ActionsRepo.EventuallyAsync(repo.RunsAsync, r => r["total_count"]!.GetValue<int>() == 1, "the run");
        var runId = runs["workflow_runs"]![0]!["id"]!.GetValue<long>();
        Assert.Equal(sha, runs["workflow_runs"]![0]!.Str("head_sha"));
        Assert.Equal("push", runs["workflow_runs"]![0]!.Str("event"));
        var run = await ActionsRepo.EventuallyAsync(() => repo.GetAsync($"/actions/runs/{runId}"), r => r.Str("status") == "completed", "run completion", detail: () => runner.Output);
        Assert.Equal("failure", run.Str("conclusion"));

        var jobs = (await repo.GetAsync($"/actions/runs/{runId}/jobs"))["jobs"]!.AsArray().ToDictionary(j => j!.Str("name"), j => j!);
        Assert.Equal("success", jobs["build"].Str("conclusion"));
        Assert.Equal("failure", jobs["broken"].Str("conclusion"));
        Assert.Equal("skipped", jobs["after-broken"].Str("conclusion"));
        Assert.Equal("success", jobs["cleanup"].Str("conclusion"));
        Assert.Equal(["success", "success", "success"], jobs["build"]["steps"]!.AsArray().Select(s => s!.Str("conclusion")));
        Assert.Equal(["failure", "skipped"], jobs["broken"]["steps"]!.AsArray().Select(s => s!.Str("conclusion")));

        var buildLog = await repo.LogsAsync(jobs["build"]["id"]!.GetValue<long>());
        Assert.Contains($"hello from {repo.Owner.Username}/{repo.Name} on refs/heads/main", buildLog);
        Assert.Contains("marker-content-42", buildLog);
        Assert.Contains("in sub as step-env", buildLog);
        Assert.DoesNotContain("eyJ", buildLog); // no token leaks into the log
        var brokenLog = await repo.LogsAsync(jobs["broken"]["id"]!.GetValue<long>());
        Assert.Contains("before-failure", brokenLog);
        Assert.DoesNotContain("never-runs", brokenLog);
        Assert.Contains("exit code 3", brokenLog);
        Assert.Contains("cleanup-ran", await repo.LogsAsync(jobs["cleanup"]["id"]!.GetValue<long>()));

        var checks = (await repo.GetAsync($"/commits/{sha}/check-runs"))["check_runs"]!.AsArray().ToDictionary(c => c!.Str("name"), c => c!);
        Assert.Equal(4, checks.Count);
        Assert.All(checks.Values, c => Assert.Equal("completed", c.Str("status")));
        Assert.Equal("success", checks["build"].Str("conclusion"));
        Assert.Equal("failure", checks["broken"].Str("conclusion"));
        Assert.Equal("skipped", checks["after-broken"].Str("conclusion"));
        Assert.Equal("anvil-actions", checks["build"].Str("app.slug"));
        var suites = await repo.GetAsync($"/commits/{sha}/check-suites");
        Assert.Equal("failure", suites["check_suites"]![0]!.Str("conclusion"));
    }

    [Fact]
    public async Task Real_runner_stops_a_running_step_when_the_run_is_cancelled()
    {
        const string slow = "on: push\njobs:\n  slow:\n    runs-on: ubuntu-latest\n    timeout-minutes: 30\n    steps:\n      - run: echo started && sleep 600\n      - run: echo never";
        using var repo = await ActionsRepo.CreateAsync(server);
        await repo.PushAsync("main", (".anvil/workflows/slow.yml", slow));
        await using var runner = new RunnerProcess(server, await repo.RegistrationTokenAsync());
        var runs = await ActionsRepo.EventuallyAsync(repo.RunsAsync, r => r["total_count"]!.GetValue<int>() == 1, "the run");
        var runId = runs["workflow_runs"]![0]!["id"]!.GetValue<long>();
        var jobId = (await repo.GetAsync($"/actions/runs/{runId}/jobs"))["jobs"]![0]!["id"]!.GetValue<long>();
        await ActionsRepo.EventuallyAsync(() => repo.LogsAsync(jobId), log => log.Contains("started"), "the step to start", detail: () => runner.Output);

        using var c = repo.Owner.Client();
        await (await c.PostAsync($"{repo.Api}/actions/runs/{runId}/cancel", null)).JsonAsync(HttpStatusCode.Accepted);
        var run = await ActionsRepo.EventuallyAsync(() => repo.GetAsync($"/actions/runs/{runId}"), r => r.Str("status") == "completed", "cancellation", detail: () => runner.Output);
        Assert.Equal("cancelled", run.Str("conclusion"));
        var job = (await repo.GetAsync($"/actions/runs/{runId}/jobs"))["jobs"]![0]!;
        Assert.Equal("cancelled", job.Str("conclusion"));
        Assert.Equal(["cancelled", "skipped"], job["steps"]!.AsArray().Select(s => s!.Str("conclusion")));
        Assert.DoesNotContain("never", await repo.LogsAsync(jobId));
    }

    [Fact]
    public async Task Pull_request_workflows_queue_for_the_head_commit_when_the_base_branch_matches()
    {
        const string onPr = "on:\n  pull_request:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: echo pr}]";
        using var repo = await ActionsRepo.CreateAsync(server);
        var head = await repo.PushAsync("feature", (".anvil/workflows/pr.yml", onPr));
        Assert.Equal(0, (await repo.RunsAsync())["total_count"]!.GetValue<int>()); // a push is not a pull request
        using (var scope = server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Anvil.Server.Infrastructure.Data.AnvilDbContext>();
            var entity = await db.Repositories.Include(r => r.Owner).FirstAsync(r => r.Name == repo.Name);
            var workflows = scope.ServiceProvider.GetRequiredService<Anvil.Server.Actions.WorkflowService>();
            Assert.Empty(await workflows.OnPullRequestAsync(entity, 7, head, "release", entity.OwnerId, default));
            Assert.Single(await workflows.OnPullRequestAsync(entity, 7, head, "main", entity.OwnerId, default));
        }
        var run = (await repo.RunsAsync())["workflow_runs"]![0]!;
        Assert.Equal(("pull_request", head), (run.Str("event"), run.Str("head_sha")));
        var check = (await repo.GetAsync($"/commits/{head}/check-runs"))["check_runs"]![0]!;
        Assert.Equal(("test", "queued"), (check.Str("name"), check.Str("status")));
    }

    [Fact]
    public async Task An_invalid_workflow_fails_its_run_with_the_reason_and_never_crashes()
    {
        var (repo, runId) = await PushAndGetRunAsync("on: push\njobs:\n  a:\n    runs-on: x\n    stpes:\n      - run: echo");
        using var _ = repo;
        var run = await repo.GetAsync($"/actions/runs/{runId}");
        Assert.Equal(("completed", "failure"), (run.Str("status"), run.Str("conclusion")));
        Assert.Contains("unknown key 'stpes'", run.Str("error"));
        var sha = run.Str("head_sha");
        var check = (await repo.GetAsync($"/commits/{sha}/check-runs"))["check_runs"]![0]!;
        Assert.Equal("failure", check.Str("conclusion"));
        Assert.Contains("stpes", check.Str("output.summary"));

        // Bad YAML too, and a push that doesn't match the filters queues nothing.
        await repo.PushAsync("main", (".anvil/workflows/ci.yml", "on: [push\njobs: {"));
        var runs = await ActionsRepo.EventuallyAsync(repo.RunsAsync, r => r["total_count"]!.GetValue<int>() == 2, "second run");
        Assert.Contains("invalid YAML", runs["workflow_runs"]![0]!.Str("error"));
        await repo.PushAsync("main", (".anvil/workflows/ci.yml", "on:\n  push:\n    branches: [release]\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]"));
        await repo.PushAsync("feature", ("f.txt", "x"));
        Assert.Equal(2, (await repo.RunsAsync())["total_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Two_runners_race_for_one_job_and_exactly_one_wins()
    {
        var (repo, runId) = await PushAndGetRunAsync(OneJob);
        using var _ = repo;
        var runners = new[] { new ApiRunner(server, await repo.RegisterRunnerAsync("a")), new ApiRunner(server, await repo.RegisterRunnerAsync("b")) };
        var answers = await Task.WhenAll(runners.Select(r => r.HeartbeatAsync(3)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.NoContent);
        var job = await answers.Single(a => a.StatusCode == HttpStatusCode.OK).JsonAsync();
        Assert.Equal(runId, job["job"]!["run_id"]!.GetValue<long>());
        Assert.Equal(["first", "second"], job["job"]!["steps"]!.AsArray().Select(s => s!.Str("name")));
        var jobRow = (await repo.GetAsync($"/actions/runs/{runId}/jobs"))["jobs"]![0]!;
        Assert.Equal("in_progress", jobRow.Str("status"));
    }

    [Fact]
    public async Task Job_tokens_are_single_use_logs_are_idempotent_per_seq_and_state_survives_a_restart()
    {
        var (repo, runId) = await PushAndGetRunAsync(OneJob);
        using var _ = repo;
        var runner = new ApiRunner(server, await repo.RegisterRunnerAsync());
        var claimed = await runner.ClaimAsync();
        Assert.StartsWith("eyJ", claimed.Str("checkout_token"));

        var first = runner.Token!;
        await runner.CallAsync("steps/1/status", new { status = "in_progress" });
        await (await runner.CallRawAsync("logs", new { seq = 0, chunk = "eA==" }, first)).ErrorAsync(HttpStatusCode.Unauthorized); // replay
        await runner.LogAsync(0, "part one\n");
        await runner.LogAsync(0, "part one again\n"); // a retried chunk is not stored twice
        await (await runner.CallRawAsync("logs", new { seq = 1, chunk = "not base64!" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await runner.CallRawAsync("status", new { status = "completed" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await runner.CallRawAsync("logs", new { seq = 1, chunk = "eA==" }, "eyJhbGciOiJIUzI1NiJ9.e30.bad")).ErrorAsync(HttpStatusCode.Unauthorized);
        using (var pat = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write")))
        {
            await (await pat.PostAsJsonAsync($"/api/v1/jobs/{runner.JobId}/cancel-check", new { })).ErrorAsync(HttpStatusCode.Unauthorized);
        }

        await server.StopAsync();
        await server.StartAsync();

        var check = await runner.CallAsync("cancel-check", new { });
        Assert.False(check["cancelled"]!.GetValue<bool>());
        await runner.LogAsync(1, "part two\n");
        await runner.CallAsync("steps/1/status", new { status = "completed", conclusion = "success" });
        await runner.CallAsync("steps/2/status", new { status = "completed", conclusion = "success" });
        await runner.CallAsync("status", new { status = "completed", conclusion = "success" });
        await (await runner.CallRawAsync("logs", new { seq = 2, chunk = "eA==" })).ErrorAsync(HttpStatusCode.Unauthorized); // the job is over

        var run = await repo.CompletedRunAsync(runId);
        Assert.Equal("success", run.Str("conclusion"));
        Assert.Equal("part one\npart two\n", await repo.LogsAsync(runner.JobId));
        var check2 = (await repo.GetAsync($"/commits/{run.Str("head_sha")}/check-runs"))["check_runs"]![0]!;
        Assert.Equal("success", check2.Str("conclusion"));
    }

    [Fact]
    public async Task A_job_whose_runner_vanished_is_requeued_and_finished_by_another()
    {
        var (repo, runId) = await PushAndGetRunAsync(OneJob);
        using var _ = repo;
        var lost = new ApiRunner(server, await repo.RegisterRunnerAsync("lost"));
        await lost.ClaimAsync();
        await lost.LogAsync(0, "from the lost runner\n");
        // The lost runner never calls again: after its lease the job is queued for someone else.
        var second = new ApiRunner(server, await repo.RegisterRunnerAsync("second"));
        await second.ClaimAsync();
        Assert.Equal(lost.JobId, second.JobId);
        await (await lost.CallRawAsync("logs", new { seq = 1, chunk = "eA==" })).ErrorAsync(HttpStatusCode.Unauthorized);
        await second.LogAsync(0, "from the second runner\n");
        await second.CallAsync("status", new { status = "completed", conclusion = "success" });
        Assert.Equal("success", (await repo.CompletedRunAsync(runId)).Str("conclusion"));
        Assert.Equal("from the second runner\n", await repo.LogsAsync(second.JobId));
    }

    [Fact]
    public async Task Cancel_reaches_the_runner_and_rerun_starts_a_new_attempt()
    {
        var (repo, runId) = await PushAndGetRunAsync(OneJob.Replace("jobs:", "jobs:\n  later:\n    needs: only\n    runs-on: ubuntu-latest\n    steps: [{run: echo}]"));
        using var _ = repo;
        var runner = new ApiRunner(server, await repo.RegisterRunnerAsync());
        await runner.ClaimAsync();
        using var c = repo.Owner.Client();
        await (await c.PostAsync($"{repo.Api}/actions/runs/{runId}/cancel", null)).JsonAsync(HttpStatusCode.Accepted);
        Assert.True((await runner.CallAsync("cancel-check", new { }))["cancelled"]!.GetValue<bool>());
        await runner.CallAsync("status", new { status = "completed", conclusion = "cancelled" });
        var run = await repo.CompletedRunAsync(runId);
        Assert.Equal("cancelled", run.Str("conclusion"));
        var jobs = (await repo.GetAsync($"/actions/runs/{runId}/jobs"))["jobs"]!.AsArray();
        Assert.All(jobs, j => Assert.Equal("cancelled", j!.Str("conclusion")));
        await (await c.PostAsync($"{repo.Api}/actions/runs/{runId}/cancel", null)).ErrorAsync(HttpStatusCode.Conflict);

        await (await c.PostAsync($"{repo.Api}/actions/runs/{runId}/rerun", null)).JsonAsync(HttpStatusCode.Created);
        var again = await repo.GetAsync($"/actions/runs/{runId}");
        Assert.Equal(2, again["run_attempt"]!.GetValue<int>());
        Assert.NotEqual("completed", again.Str("status"));
        var rerunner = new ApiRunner(server, await repo.RegisterRunnerAsync());
        await rerunner.ClaimAsync();
        await rerunner.CallAsync("status", new { status = "completed", conclusion = "success" });
        var later = new ApiRunner(server, await repo.RegisterRunnerAsync());
        await later.ClaimAsync();
        await later.CallAsync("status", new { status = "completed", conclusion = "success" });
        Assert.Equal("success", (await repo.CompletedRunAsync(runId)).Str("conclusion"));
        var checks = (await repo.GetAsync($"/commits/{again.Str("head_sha")}/check-runs"))["check_runs"]!.AsArray();
        Assert.Equal(4, checks.Count); // two jobs, two attempts
    }

    [Fact]
    public async Task Dispatch_runs_a_workflow_on_demand_and_access_rules_hold()
    {
        const string manual = "name: Manual\non: workflow_dispatch\njobs:\n  go:\n    runs-on: ubuntu-latest\n    steps: [{run: echo manual}]";
        using var repo = await ActionsRepo.CreateAsync(server, isPrivate: true);
        await repo.PushAsync("main", (".anvil/workflows/manual.yml", manual));
        Assert.Equal(0, (await repo.RunsAsync())["total_count"]!.GetValue<int>());
        using var c = repo.Owner.Client();
        var res = await c.PostAsJsonAsync($"{repo.Api}/actions/workflows/manual.yml/dispatches", new { @ref = "main" });
        Assert.Equal(HttpStatusCode.NoContent, res.StatusCode);
        var runs = await repo.RunsAsync();
        Assert.Equal("workflow_dispatch", runs["workflow_runs"]![0]!.Str("event"));
        Assert.Equal("Manual", runs["workflow_runs"]![0]!.Str("name"));
        await (await c.PostAsJsonAsync($"{repo.Api}/actions/workflows/nope.yml/dispatches", new { @ref = "main" })).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.PostAsJsonAsync($"{repo.Api}/actions/workflows/manual.yml/dispatches", new { @ref = "no-such-branch" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);

        var stranger = await server.SignUpAsync();
        using var s = stranger.Client();
        await (await s.GetAsync($"{repo.Api}/actions/runs")).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.PostAsJsonAsync($"{repo.Api}/actions/workflows/manual.yml/dispatches", new { @ref = "main" })).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.PostAsync($"{repo.Api}/actions/runners/registration-token", null)).ErrorAsync(HttpStatusCode.NotFound);
        using var anon = server.Anonymous();
        await (await anon.PostAsJsonAsync("/api/v1/runners/register", new { token = "anvreg_bogus" })).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await anon.PostAsJsonAsync("/api/v1/runners/heartbeat", new { })).ErrorAsync(HttpStatusCode.Unauthorized);

        // The runner's checkout token reads this one repository only while the job runs.
        var runner = new ApiRunner(server, await repo.RegisterRunnerAsync());
        var job = await runner.ClaimAsync();
        var checkout = job.Str("checkout_token");
        var url = GitClient.Url(server, repo.Owner.Username, repo.Name, "x-access-token", checkout);
        await repo.Git.OkAsync(null, "ls-remote", url);
        await runner.CallAsync("status", new { status = "completed", conclusion = "success" });
        await repo.Git.FailsAsync(null, "ls-remote", url);
    }
}

public sealed class ActionsTestsOnSqlite(ActionsSqliteServer s) : ActionsTests(s), IClassFixture<ActionsSqliteServer>;

public sealed class ActionsTestsOnPostgres(ActionsPostgresServer s) : ActionsTests(s), IClassFixture<ActionsPostgresServer>;

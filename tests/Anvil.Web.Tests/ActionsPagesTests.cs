using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Actions;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>
/// The Actions pages with the real anvil-runner: the run list, a run and its job with steps and the log folded per step,
/// the log growing live while a step runs, cancel and re-run from the page without script, check runs, and privacy.
/// </summary>
public abstract class ActionsPagesTests(AnvilServer server, Chromium chromium)
{
    private const int Slow = 180_000; // a safety net for the runner on a busy machine, never an assertion on speed

    private static string Release() => Path.Combine(Path.GetTempPath(), "anvil-web-release-" + Guid.NewGuid().ToString("N")[..8]);

    private async Task<Viewer> SignedInAsync(TestUser user, bool javaScript = true)
    {
        var viewer = await Viewer.OpenAsync(chromium, server, javaScript: javaScript);
        await viewer.Page.Context.AddCookiesAsync([new Cookie { Name = "anvil_session", Value = user.SessionToken, Url = server.BaseUri.ToString() }]);
        return viewer;
    }

    private static async Task<(long RunId, long JobId)> FirstRunAsync(ActionsRepo repo)
    {
        var runs = await ActionsRepo.EventuallyAsync(repo.RunsAsync, r => r["total_count"]!.GetValue<int>() >= 1, "the run");
        var runId = runs["workflow_runs"]![0]!["id"]!.GetValue<long>();
        var jobId = (await repo.GetAsync($"/actions/runs/{runId}/jobs"))["jobs"]![0]!["id"]!.GetValue<long>();
        return (runId, jobId);
    }

    [Fact]
    public async Task A_pushed_workflow_runs_and_its_run_job_steps_and_log_show_with_the_log_growing_live()
    {
        var (first, second) = (Release(), Release());
        using var repo = await ActionsRepo.CreateAsync(server);
        var (o, r) = (repo.Owner.Username, repo.Name);
        var sha = await repo.PushAsync("main", (".anvil/workflows/ci.yml", $$"""
            name: CI
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - name: Greet
                    run: echo "hello from the runner"
                  - name: Wait for the test
                    run: |
                      echo "waiting for release"
                      while [ ! -f "{{first}}" ]; do sleep 0.2; done
                      echo "released at last"
                      while [ ! -f "{{second}}" ]; do sleep 0.2; done
                      echo "all done"
            """));
        await using var runner = new RunnerProcess(server, await repo.RegistrationTokenAsync());
        var (runId, jobId) = await FirstRunAsync(repo);

        await using var viewer = await SignedInAsync(repo.Owner);
        var page = viewer.Page;
        // The run's html_url (the API's) opens its page; the job's opens the job's.
        var runView = await repo.GetAsync($"/actions/runs/{runId}");
        Assert.Equal(200, await viewer.GoAsync(new Uri(runView.Str("html_url")).PathAndQuery));
        await Assertions.Expect(page.Locator(".run-heading")).ToContainTextAsync($"CI #{runId}");
        var jobView = await repo.GetAsync($"/actions/jobs/{jobId}");
        Assert.Equal(200, await viewer.GoAsync(new Uri(jobView.Str("html_url")).PathAndQuery));
        await Assertions.Expect(page.Locator(".job-title a")).ToHaveTextAsync("build");

        var waiting = page.Locator("details[data-step-name='Wait for the test']");
        await Assertions.Expect(waiting.Locator("pre")).ToContainTextAsync("waiting for release", new() { Timeout = Slow });
        await Assertions.Expect(page.Locator("details[data-step-name='Greet'] pre")).ToContainTextAsync("hello from the runner");
        await Assertions.Expect(waiting).ToHaveAttributeAsync("open", "");
        Assert.DoesNotContain("released at last", await waiting.Locator("pre").TextContentAsync());
        // Marks this document: a reload would forget it, so the line below arrives over the live stream, not by reloading.
        await page.EvaluateAsync("window.anvilTestMark = 'same-document'");
        await File.WriteAllTextAsync(first, "go");
        await Assertions.Expect(waiting.Locator("pre")).ToContainTextAsync("released at last", new() { Timeout = Slow });
        Assert.Equal("same-document", await page.EvaluateAsync<string?>("window.anvilTestMark ?? null"));
        Assert.Equal("in_progress", (await repo.GetAsync($"/actions/jobs/{jobId}")).Str("status"));

        // When the job ends the page reloads itself and shows the final state.
        await File.WriteAllTextAsync(second, "go");
        await Assertions.Expect(page.Locator(".job-title .run-icon")).ToHaveAttributeAsync("aria-label", "Success", new() { Timeout = Slow });
        await Assertions.Expect(page.Locator(".run-heading .run-icon")).ToHaveAttributeAsync("aria-label", "Success");
        await Assertions.Expect(waiting.Locator("pre")).ToContainTextAsync("all done");
        await Assertions.Expect(page.Locator("details[data-step-name='Greet'] summary .run-icon")).ToHaveAttributeAsync("aria-label", "Success");

        // The run list: the Actions tab, newest first, with its workflow, number, event, branch and actor.
        await page.GetByRole(AriaRole.Link, new() { Name = "Actions", Exact = true }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/{r}/actions");
        var row = page.Locator(".run-list li").First;
        await Assertions.Expect(row.Locator(".run-title")).ToHaveTextAsync("CI");
        await Assertions.Expect(row).ToContainTextAsync($"#{runId}: Commit pushed by {o}");
        await Assertions.Expect(row.Locator(".branch-name")).ToHaveTextAsync("main");
        await Assertions.Expect(row.Locator(".run-icon")).ToHaveAttributeAsync("aria-label", "Success");
        await Assertions.Expect(row.Locator(".run-meta")).ToContainTextAsync("Duration ");
        Assert.Equal(200, await viewer.GoAsync($"/{o}/{r}/actions?workflow=.anvil/workflows/ci.yml&branch=main&status=success"));
        await Assertions.Expect(page.Locator(".run-list li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByLabel("Workflow")).ToHaveValueAsync(".anvil/workflows/ci.yml");
        Assert.Equal(200, await viewer.GoAsync($"/{o}/{r}/actions?status=failure"));
        await Assertions.Expect(page.Locator(".run-list li")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".blankslate")).ToContainTextAsync("No runs match");

        // The job's check run: its html_url opens its page, which leads to the job; the commit lists it.
        var checkRun = await repo.GetAsync($"/check-runs/{long.Parse(jobView.Str("check_run_url").Split('/')[^1])}");
        Assert.Equal(200, await viewer.GoAsync(new Uri(checkRun.Str("html_url")).PathAndQuery));
        await Assertions.Expect(page.Locator(".run-heading")).ToHaveTextAsync("Success build");
        await Assertions.Expect(page.Locator(".run-summary")).ToContainTextAsync("Success");
        await page.GetByRole(AriaRole.Link, new() { Name = "View job in Actions" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/{r}/actions/runs/{runId}/job/{jobId}");
        Assert.Equal(200, await viewer.GoAsync($"/{o}/{r}/commit/{sha}"));
        var check = page.Locator(".check-states li", new() { HasText = "build" });
        await Assertions.Expect(check.Locator(".run-icon")).ToHaveAttributeAsync("aria-label", "Success");
        await Assertions.Expect(check.GetByRole(AriaRole.Link, new() { Name = "build" })).ToHaveAttributeAsync("href", $"/{o}/{r}/actions/runs/{runId}/job/{jobId}");
        await Assertions.Expect(page.Locator(".check-states-title")).ToHaveTextAsync("All checks have passed");
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_writer_cancels_and_re_runs_from_the_page_without_javascript_and_a_reader_may_not()
    {
        var release = Release();
        using var repo = await ActionsRepo.CreateAsync(server);
        var (o, r) = (repo.Owner.Username, repo.Name);
        var sha = await repo.PushAsync("main", (".anvil/workflows/slow.yml", $$"""
            name: Slow
            on: push
            jobs:
              wait:
                runs-on: ubuntu-latest
                steps:
                  - name: Wait
                    run: |
                      echo "started"
                      while [ ! -f "{{release}}" ]; do sleep 0.2; done
                      echo "finished"
            """));
        await using var runner = new RunnerProcess(server, await repo.RegistrationTokenAsync());
        var (runId, jobId) = await FirstRunAsync(repo);
        await ActionsRepo.EventuallyAsync(() => repo.LogsAsync(jobId), log => log.Contains("started"), "the step to start", detail: () => runner.Output);
        var path = $"/{o}/{r}/actions/runs/{runId}";

        // A reader of the public repository sees the run but no buttons, and a post of the form by hand is refused, changing nothing.
        var reader = await server.SignUpAsync();
        await using (var readerView = await SignedInAsync(reader))
        {
            Assert.Equal(200, await readerView.GoAsync(path));
            await Assertions.Expect(readerView.Page.GetByRole(AriaRole.Button, new() { Name = "Cancel workflow" })).ToHaveCountAsync(0);
            var refused = await readerView.Page.RunAndWaitForResponseAsync(
                () => readerView.Page.EvaluateAsync("document.querySelector('form[name=cancel], form:has(input[name=_handler][value=cancel])').submit()"),
                res => res.Request.Method == "POST");
            Assert.Equal(422, refused.Status);
            await Assertions.Expect(readerView.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("You do not have write access to this repository.");
            readerView.ForgetConsoleErrors();
        }
        Assert.Equal("in_progress", (await repo.GetAsync($"/actions/runs/{runId}")).Str("status"));

        await using var viewer = await SignedInAsync(repo.Owner, javaScript: false);
        var page = viewer.Page;
        Assert.Equal(200, await viewer.GoAsync(path));
        // Without script the log so far is there, and the page says a reload shows more.
        await Assertions.Expect(page.Locator("details[data-step-name='Wait'] pre")).ToContainTextAsync("started");
        await Assertions.Expect(page.Locator(".job-live-note")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel workflow" }).ClickAsync();
        await page.WaitForDocumentAsync("**" + path);
        var cancelled = await ActionsRepo.EventuallyAsync(() => repo.GetAsync($"/actions/runs/{runId}"), x => x.Str("status") == "completed", "the cancellation",
            detail: () => runner.Output);
        Assert.Equal("cancelled", cancelled.Str("conclusion"));
        Assert.Equal(200, await viewer.GoAsync(path));
        await Assertions.Expect(page.Locator(".run-heading .run-icon")).ToHaveAttributeAsync("aria-label", "Cancelled");
        await Assertions.Expect(page.Locator("details[data-step-name='Wait'] summary .run-icon")).ToHaveAttributeAsync("aria-label", "Cancelled");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel workflow" })).ToHaveCountAsync(0);

        await File.WriteAllTextAsync(release, "go");
        await page.GetByRole(AriaRole.Button, new() { Name = "Re-run all jobs" }).ClickAsync();
        await page.WaitForDocumentAsync("**" + path);
        await Assertions.Expect(page.Locator(".run-summary")).ToContainTextAsync("Attempt #2");
        var rerun = await ActionsRepo.EventuallyAsync(() => repo.GetAsync($"/actions/runs/{runId}"), x => x.Str("status") == "completed", "the re-run",
            detail: () => runner.Output);
        Assert.Equal("success", rerun.Str("conclusion"));
        Assert.Equal(200, await viewer.GoAsync(path));
        await Assertions.Expect(page.Locator(".run-heading .run-icon")).ToHaveAttributeAsync("aria-label", "Success");
        await Assertions.Expect(page.Locator("details[data-step-name='Wait'] pre")).ToContainTextAsync("finished");
        // The commit lists the job's check once, in its re-run's state, though both attempts have a check run.
        Assert.Equal(2, (await repo.GetAsync($"/commits/{sha}/check-runs"))["total_count"]!.GetValue<int>());
        Assert.Equal(200, await viewer.GoAsync($"/{o}/{r}/commit/{sha}"));
        await Assertions.Expect(page.Locator(".check-states li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".check-states li .run-icon")).ToHaveAttributeAsync("aria-label", "Success");
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_private_repository_s_runs_jobs_logs_and_checks_are_not_found_for_a_stranger()
    {
        using var repo = await ActionsRepo.CreateAsync(server, isPrivate: true);
        var (o, r) = (repo.Owner.Username, repo.Name);
        await repo.PushAsync("main", (".anvil/workflows/ci.yml", """
            name: Private CI
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - name: Greet
                    run: echo hi
            """));
        // Driven through the runner API: the step has started and logged a line, the job is still running.
        var runner = new ApiRunner(server, await repo.RegisterRunnerAsync());
        await runner.ClaimAsync();
        await runner.CallAsync("steps/1/status", new { status = "in_progress" });
        await runner.LogAsync(0, "Job build on runner\n\n▶ Greet\nsecret line of the private log\n");
        var (runId, jobId) = await FirstRunAsync(repo);
        var checkRunId = long.Parse((await repo.GetAsync($"/actions/jobs/{jobId}")).Str("check_run_url").Split('/')[^1]);
        string[] paths = [$"/{o}/{r}/actions", $"/{o}/{r}/actions/runs/{runId}", $"/{o}/{r}/actions/runs/{runId}/job/{jobId}",
            $"/{o}/{r}/actions/runs/{runId}/job/{jobId}/live", $"/{o}/{r}/actions/runs/{runId}/job/{jobId}/logs", $"/{o}/{r}/runs/{checkRunId}"];

        var stranger = await server.SignUpAsync();
        await using (var strangerView = await SignedInAsync(stranger))
        await using (var anonymous = await Viewer.OpenAsync(chromium, server))
        {
            foreach (var path in paths)
            {
                Assert.Equal(404, await strangerView.GoAsync(path));
                Assert.DoesNotContain("secret line", await strangerView.Page.ContentAsync());
                Assert.Equal(404, await anonymous.GoAsync(path));
            }
            // Another repository's run id under this one's name is not found either.
            Assert.Equal(404, await anonymous.GoAsync($"/{o}/{r}/actions/runs/{runId + 100000}"));
        }

        // The owner, without script, reads the log so far in its step.
        await using var viewer = await SignedInAsync(repo.Owner, javaScript: false);
        Assert.Equal(200, await viewer.GoAsync($"/{o}/{r}/actions/runs/{runId}/job/{jobId}"));
        await Assertions.Expect(viewer.Page.Locator("details[data-step-name='Greet'] pre")).ToHaveTextAsync("secret line of the private log\n");
        await Assertions.Expect(viewer.Page.Locator("details[data-log-part='0'] pre")).ToContainTextAsync("Job build on runner");
        await Assertions.Expect(viewer.Page.Locator(".run-heading .run-icon")).ToHaveAttributeAsync("aria-label", "In progress");
        Assert.Equal(200, await viewer.GoAsync($"/{o}/{r}/runs/{checkRunId}"));
        await Assertions.Expect(viewer.Page.Locator(".run-summary")).ToContainTextAsync("In progress");
        await viewer.Page.GoBackAsync();
        var rawLog = $"/{o}/{r}/actions/runs/{runId}/job/{jobId}/logs";
        await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Link, new() { Name = "View raw log" })).ToHaveAttributeAsync("href", rawLog);
        var raw = await viewer.Page.Context.APIRequest.GetAsync(rawLog);
        Assert.Equal(200, raw.Status);
        Assert.Equal("Job build on runner\n\n▶ Greet\nsecret line of the private log\n", await raw.TextAsync());
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task An_invalid_workflow_s_run_says_why_and_its_check_leads_to_it()
    {
        using var repo = await ActionsRepo.CreateAsync(server);
        var (o, r) = (repo.Owner.Username, repo.Name);
        var sha = await repo.PushAsync("main", (".anvil/workflows/broken.yml", "name: Broken\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    stepz: []\n"));
        var runs = await ActionsRepo.EventuallyAsync(repo.RunsAsync, x => x["total_count"]!.GetValue<int>() == 1, "the run");
        var run = runs["workflow_runs"]![0]!;
        var runId = run["id"]!.GetValue<long>();

        await using var viewer = await SignedInAsync(repo.Owner, javaScript: false);
        var page = viewer.Page;
        Assert.Equal(200, await viewer.GoAsync($"/{o}/{r}/actions/runs/{runId}"));
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This workflow file is invalid.");
        await Assertions.Expect(page.Locator(".run-error")).ToContainTextAsync(run.Str("error"));
        await Assertions.Expect(page.Locator(".run-heading .run-icon")).ToHaveAttributeAsync("aria-label", "Failure");
        // Re-running it would run the same broken file: the page offers no button (the API refuses it too).
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Re-run all jobs" })).ToHaveCountAsync(0);

        Assert.Equal(200, await viewer.GoAsync($"/{o}/{r}/commit/{sha}"));
        await Assertions.Expect(page.Locator(".check-states li").GetByRole(AriaRole.Link, new() { Name = "broken.yml", Exact = true }))
            .ToHaveAttributeAsync("href", $"/{o}/{r}/actions/runs/{runId}");
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_check_run_from_the_api_shows_its_sanitized_markdown_output()
    {
        using var repo = await ActionsRepo.CreateAsync(server);
        var sha = await repo.PushAsync("main", ("README.md", "checked\n"));
        using var api = repo.Owner.Client();
        var created = await (await api.PostAsJsonAsync($"{repo.Api}/check-runs", new
        {
            name = "lint", head_sha = sha, status = "completed", conclusion = "failure", details_url = "https://ci.example.com/42",
            output = new { title = "2 problems", summary = "Found **2** problems <script>alert(1)</script>", text = "- `a.py` line 3\n- `b.py` line 9" },
        })).JsonAsync(System.Net.HttpStatusCode.Created);

        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        Assert.Equal(200, await viewer.GoAsync(new Uri(created.Str("html_url")).PathAndQuery));
        await Assertions.Expect(page.Locator(".run-heading")).ToHaveTextAsync("Failure lint");
        await Assertions.Expect(page.Locator(".run-summary")).ToContainTextAsync("Failure");
        await Assertions.Expect(page.Locator(".check-output-title")).ToHaveTextAsync("2 problems");
        await Assertions.Expect(page.Locator(".check-output .markdown-body strong")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator(".check-output script")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".check-text li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Details" })).ToHaveAttributeAsync("href", "https://ci.example.com/42");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "View job in Actions" })).ToHaveCountAsync(0);

        Assert.Equal(200, await viewer.GoAsync($"/{repo.Owner.Username}/{repo.Name}/commit/{sha}"));
        await Assertions.Expect(page.Locator(".check-states-title")).ToHaveTextAsync("All checks have failed");
        await Assertions.Expect(page.Locator(".check-states li").GetByRole(AriaRole.Link, new() { Name = "lint" }))
            .ToHaveAttributeAsync("href", $"/{repo.Owner.Username}/{repo.Name}/runs/{created["id"]!.GetValue<long>()}");
        viewer.AssertNoConsoleErrors();
    }
}

public sealed class ActionsPagesTestsOnSqlite(ActionsSqliteServer server, Chromium chromium)
    : ActionsPagesTests(server, chromium), IClassFixture<ActionsSqliteServer>, IClassFixture<Chromium>;

public sealed class ActionsPagesTestsOnPostgres(ActionsPostgresServer server, Chromium chromium)
    : ActionsPagesTests(server, chromium), IClassFixture<ActionsPostgresServer>, IClassFixture<Chromium>;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Actions;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Web.Tests.Infrastructure;

/// <summary>A finished workflow run on a sample repository, driven through the runner API (so its log is known), for page lists.</summary>
public static class SampleRun
{
    public const string Workflow = """
        name: CI
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - name: Run the tests
                run: python -m unittest
              - name: Lint
                run: ruff check .
        """;

    public sealed record Finished(long RunId, long JobId, long CheckRunId, string Sha);

    /// <summary>Pushes <see cref="Workflow"/> to <paramref name="repo"/>'s main and completes its run: tests pass, lint fails.</summary>
    public static async Task<Finished> PushAndFinishAsync(AnvilServer server, TestUser owner, string repo)
    {
        using var git = new GitClient();
        var work = git.Path("work");
        var url = GitClient.Url(server, owner.Username, repo, owner.Username, owner.Password);
        await git.OkAsync(null, "clone", "-q", url, work);
        Directory.CreateDirectory(Path.Combine(work, ".anvil", "workflows"));
        await git.CommitFileAsync(work, ".anvil/workflows/ci.yml", Workflow, "Run the tests on every push");
        await git.OkAsync(work, "push", "-q", url, "HEAD:refs/heads/main");

        using var api = owner.Client();
        var token = (await (await api.PostAsync($"/api/v1/repos/{owner.Username}/{repo}/actions/runners/registration-token", null)).JsonAsync(HttpStatusCode.Created)).Str("token");
        using var anonymous = server.Anonymous();
        var credential = (await (await anonymous.PostAsJsonAsync("/api/v1/runners/register", new { token, name = "sample-runner" })).JsonAsync(HttpStatusCode.Created)).Str("token");
        var runner = new ApiRunner(server, credential);
        var job = await runner.ClaimAsync();
        await runner.CallAsync("steps/1/status", new { status = "in_progress" });
        await runner.LogAsync(0, "Job test on runner\n\n▶ Run the tests\n....\nRan 4 tests in 0.002s\n\nOK\n");
        await runner.CallAsync("steps/1/status", new { status = "completed", conclusion = "success" });
        await runner.CallAsync("steps/2/status", new { status = "in_progress" });
        await runner.LogAsync(1, "\n▶ Lint\nsrc/calc.py:3:1: F401 `os` imported but unused\nFound 1 error.\nProcess completed with exit code 1.\n");
        await runner.CallAsync("steps/2/status", new { status = "completed", conclusion = "failure" });
        await runner.CallAsync("status", new { status = "completed", conclusion = "failure" });

        var runId = job["job"]!["run_id"]!.GetValue<long>();
        var jobView = (await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{owner.Username}/{repo}/actions/jobs/{runner.JobId}"))!;
        var checkRunId = long.Parse(jobView.Str("check_run_url").Split('/')[^1]);
        return new Finished(runId, runner.JobId, checkRunId, jobView.Str("head_sha"));
    }
}

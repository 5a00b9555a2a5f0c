using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Actions;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Anvil.Server.Tests.PullRequests;

namespace Anvil.Server.Tests.Webhooks;

public abstract class CheckRunWebhookTests(PullsServer server) : IAsyncLifetime
{
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    [Fact]
    public async Task Check_runs_made_through_the_api_are_created_then_completed_events_for_check_run_hooks_only()
    {
        using var repo = await PullRepo.CreateAsync(server);
        const string secret = "check-run-secret";
        var path = "/checks-" + Guid.NewGuid().ToString("N")[..6];
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url(path), ["check_run"], secret);
        var pushOnly = await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url(path + "-push"), ["push"]);
        var sha = await repo.RemoteAsync("main");
        using var c = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write"));

        var created = await (await c.PostAsJsonAsync($"{repo.V1}/check-runs", new
        {
            name = "lint", head_sha = sha, status = "in_progress", external_id = "ext-7", details_url = "https://ci.example.com/7",
            output = new { title = "Linting", summary = "running" },
        })).JsonAsync(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<long>();

        var first = await _receiver.WaitForEventAsync(path, "check_run", p => p.Str("action") == "created");
        Assert.Equal("check_run", first.Header("X-Anvil-Event"));
        Assert.Equal(Sign(secret, first.Body), first.Header("X-Hub-Signature-256"));
        var run = first.Json["check_run"]!;
        Assert.Equal(id, run["id"]!.GetValue<long>());
        // One shape: the payload's run is the API's run, but for the whole suite in place of its id.
        foreach (var field in new[] { "node_id", "head_sha", "external_id", "url", "html_url", "details_url", "status", "name", "started_at" })
        {
            Assert.Equal(created[field]!.ToJsonString(), run[field]!.ToJsonString());
        }
        Assert.Equal("in_progress", run.Str("status"));
        Assert.Null(run["conclusion"]);
        Assert.Null(run["completed_at"]);
        Assert.Equal("Linting", run.Str("output.title"));
        Assert.Equal(0, run["output"]!["annotations_count"]!.GetValue<int>());
        Assert.EndsWith($"/check-runs/{id}/annotations", run.Str("output.annotations_url"));
        Assert.Equal("anvil", run.Str("app.slug"));
        Assert.Equal(created["check_suite"]!["id"]!.GetValue<long>(), run["check_suite"]!["id"]!.GetValue<long>());
        Assert.Equal(sha, run.Str("check_suite.head_sha"));
        Assert.Equal("in_progress", run.Str("check_suite.status"));
        Assert.Empty(run["pull_requests"]!.AsArray());
        Assert.Equal($"{repo.Owner.Username}/{repo.Name}", first.Json.Str("repository.full_name"));
        Assert.Null(first.Json["repository"]!["permissions"]);
        Assert.Equal(repo.Owner.Username, first.Json.Str("sender.login"));

        // Text-only updates are no event; completing is.
        await (await c.PatchAsJsonAsync($"{repo.V1}/check-runs/{id}", new { output = new { title = "Linting", summary = "half way" } })).JsonAsync();
        await (await c.PatchAsJsonAsync($"{repo.V1}/check-runs/{id}", new { status = "completed", conclusion = "failure" })).JsonAsync();
        var done = await _receiver.WaitForEventAsync(path, "check_run", p => p.Str("action") == "completed");
        Assert.Equal(Sign(secret, done.Body), done.Header("X-Hub-Signature-256"));
        Assert.Equal("completed", done.Json.Str("check_run.status"));
        Assert.Equal("failure", done.Json.Str("check_run.conclusion"));
        Assert.NotNull(done.Json["check_run"]!["completed_at"]);
        Assert.Equal("half way", done.Json.Str("check_run.output.summary"));
        Assert.Equal("completed", done.Json.Str("check_run.check_suite.status"));
        Assert.Equal("failure", done.Json.Str("check_run.check_suite.conclusion"));

        // Completing again changes nothing GitHub would announce, and creating the same external id again is no new run.
        await (await c.PatchAsJsonAsync($"{repo.V1}/check-runs/{id}", new { conclusion = "success" })).JsonAsync();
        await (await c.PostAsJsonAsync($"{repo.V1}/check-runs", new { name = "lint", head_sha = sha, external_id = "ext-7" })).JsonAsync(HttpStatusCode.Created);
        using var owner = repo.Owner.Client();
        var hookId = (await (await owner.GetAsync($"{repo.V1}/hooks")).JsonAsync()).AsArray()
            .Single(h => h!.Str("config.url") == _receiver.Url(path))!["id"]!.GetValue<long>();
        // Deliveries are rows written by the request that caused them, so the lists are complete once the calls returned.
        async Task<List<JsonNode>> EventsOf(long hook) => (await (await owner.GetAsync($"{repo.V1}/hooks/{hook}/deliveries")).JsonAsync()).AsArray()
            .Select(d => d!).Where(d => d.Str("event") != "ping").ToList();
        var deliveries = await EventsOf(hookId);
        Assert.Equal(["completed", "created"], deliveries.Select(d => d.Str("action")).Order());
        Assert.All(deliveries, d => Assert.Equal("check_run", d.Str("event")));
        Assert.Empty(await EventsOf(pushOnly["id"]!.GetValue<long>()));
    }

    [Fact]
    public async Task A_check_run_on_a_pull_requests_head_lists_the_pull_request()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var path = "/pr-checks-" + Guid.NewGuid().ToString("N")[..6];
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url(path), ["*"]);
        var head = await repo.CommitAsync("feature", "f.txt", "f\n", from: "main");
        await repo.PushAsync("feature");
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Checked", headBranch = "feature", baseBranch = "main" });
        var number = pr.Number();
        using var c = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write"));
        var created = await (await c.PostAsJsonAsync($"{repo.V1}/check-runs", new { name = "test", head_sha = head, conclusion = "success" }))
            .JsonAsync(HttpStatusCode.Created);

        var hook = await _receiver.WaitForEventAsync(path, "check_run", p => p.Str("action") == "created");
        var listed = Assert.Single(hook.Json["check_run"]!["pull_requests"]!.AsArray())!;
        Assert.Equal(number, listed["number"]!.GetValue<int>());
        Assert.EndsWith($"{repo.V1}/pulls/{number}", listed.Str("url"));
        Assert.Equal("feature", listed.Str("head.ref"));
        Assert.Equal(head, listed.Str("head.sha"));
        Assert.Equal(repo.Name, listed.Str("head.repo.name"));
        Assert.Equal("main", listed.Str("base.ref"));
        Assert.Equal(await repo.RemoteAsync("main"), listed.Str("base.sha"));
        Assert.Equal(listed.ToJsonString(), hook.Json["check_run"]!["check_suite"]!["pull_requests"]![0]!.ToJsonString());
        // Created already finished: `created`, then `completed`, as on GitHub.
        var completed = await _receiver.WaitForEventAsync(path, "check_run", p => p.Str("action") == "completed");
        Assert.Equal("success", completed.Json.Str("check_run.conclusion"));
        // The API lists it too: the same shape in one place.
        Assert.Equal(listed.ToJsonString(), created["pull_requests"]![0]!.ToJsonString());
        var got = await (await c.GetAsync($"{repo.V1}/check-runs/{created["id"]}")).JsonAsync();
        Assert.Equal(number, got["pull_requests"]![0]!["number"]!.GetValue<int>());
    }

    [Fact]
    public async Task Actions_jobs_check_runs_are_check_run_events_too()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var path = "/actions-checks-" + Guid.NewGuid().ToString("N")[..6];
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url(path), ["check_run"]);
        await repo.GitAsync("checkout", "-q", "main");
        var sha = await repo.Git.CommitFileAsync(repo.Dir, ".anvil/workflows/ci.yml",
            "on: push\njobs:\n  build:\n    runs-on: nowhere-such-label\n    steps:\n      - run: echo hi\n", "add ci");
        await repo.PushAsync("main");

        var created = await _receiver.WaitForEventAsync(path, "check_run", p => p.Str("action") == "created");
        Assert.Equal("anvil-actions", created.Json.Str("check_run.app.slug"));
        Assert.Equal("build", created.Json.Str("check_run.name"));
        Assert.Equal(sha, created.Json.Str("check_run.head_sha"));
        Assert.Equal("queued", created.Json.Str("check_run.status"));
        Assert.Equal("main", created.Json.Str("check_run.check_suite.head_branch"));
        Assert.Equal(repo.Owner.Username, created.Json.Str("sender.login"));

        // No runner has the label: cancelling ends the job, and so its check run.
        using var c = repo.Owner.Client();
        var runs = await (await c.GetAsync($"{repo.V1}/actions/runs")).JsonAsync();
        var runId = runs["workflow_runs"]![0]!["id"]!.GetValue<long>();
        await (await c.PostAsync($"{repo.V1}/actions/runs/{runId}/cancel", null)).JsonAsync(HttpStatusCode.Accepted);
        var completed = await _receiver.WaitForEventAsync(path, "check_run", p => p.Str("action") == "completed");
        Assert.Equal("cancelled", completed.Json.Str("check_run.conclusion"));
        Assert.Equal(created.Json["check_run"]!["id"]!.GetValue<long>(), completed.Json["check_run"]!["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_job_the_sweep_times_out_sends_check_run_completed_with_links_to_this_server()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var path = "/swept-" + Guid.NewGuid().ToString("N")[..6];
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url(path), ["check_run"]);
        await repo.GitAsync("checkout", "-q", "main");
        await repo.Git.CommitFileAsync(repo.Dir, ".anvil/workflows/ci.yml",
            "on: push\njobs:\n  build:\n    runs-on: nowhere-such-label\n    timeout-minutes: 5\n    steps:\n      - run: echo hi\n", "add ci");
        await repo.PushAsync("main");
        var created = await _receiver.WaitForEventAsync(path, "check_run", p => p.Str("action") == "created");

        // As if a runner had taken the job a day ago and gone silent: the background sweep, not a request, ends it.
        using (var scope = server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AnvilDbContext>();
            var dayAgo = DateTime.UtcNow.AddDays(-1);
            Assert.Equal(1, await db.WorkflowJobs.Where(j => j.CheckRunId == created.Json["check_run"]!["id"]!.GetValue<long>())
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.InProgress).SetProperty(j => j.StartedAt, dayAgo)));
        }

        var completed = await _receiver.WaitForEventAsync(path, "check_run", p => p.Str("action") == "completed");
        Assert.Equal("timed_out", completed.Json.Str("check_run.conclusion"));
        Assert.Equal(created.Json.Str("check_run.url"), completed.Json.Str("check_run.url"));
        Assert.StartsWith(server.BaseUri.ToString().TrimEnd('/') + "/api/v1/repos/", completed.Json.Str("check_run.url"));
        Assert.Equal($"{repo.Owner.Username}/{repo.Name}", completed.Json.Str("repository.full_name"));
    }

    [Fact]
    public async Task Rerequesting_another_apps_check_suite_sends_check_suite_rerequested()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var path = "/suites-" + Guid.NewGuid().ToString("N")[..6];
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url(path), ["check_suite"]);
        var sha = await repo.RemoteAsync("main");
        using var c = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write"));
        var created = await (await c.PostAsJsonAsync($"{repo.V1}/check-runs", new { name = "lint", head_sha = sha, conclusion = "failure" }))
            .JsonAsync(HttpStatusCode.Created);
        var suiteId = created["check_suite"]!["id"]!.GetValue<long>();

        var res = await c.PostAsync($"{repo.V1}/check-suites/{suiteId}/rerequest", null);
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var evt = await _receiver.WaitForEventAsync(path, "check_suite", p => p.Str("action") == "rerequested");
        Assert.Equal(suiteId, evt.Json["check_suite"]!["id"]!.GetValue<long>());
        Assert.Equal(sha, evt.Json.Str("check_suite.head_sha"));
        Assert.Equal("failure", evt.Json.Str("check_suite.conclusion"));
        Assert.Equal("anvil", evt.Json.Str("check_suite.app.slug"));
        Assert.Equal(repo.Owner.Username, evt.Json.Str("sender.login"));
        // The run itself is the app's to redo: unchanged here.
        Assert.Equal("failure", (await (await c.GetAsync($"{repo.V1}/check-runs/{created["id"]}")).JsonAsync()).Str("conclusion"));

        await (await c.PostAsync($"{repo.V1}/check-suites/999999999/rerequest", null)).ErrorAsync(HttpStatusCode.NotFound);
    }
}

public sealed class CheckRunWebhookTestsOnSqlite(PullsSqliteServer s) : CheckRunWebhookTests(s), IClassFixture<PullsSqliteServer>;

public sealed class CheckRunWebhookTestsOnPostgres(PullsPostgresServer s) : CheckRunWebhookTests(s), IClassFixture<PullsPostgresServer>;

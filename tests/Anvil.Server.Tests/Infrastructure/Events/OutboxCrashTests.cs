using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Webhooks;

namespace Anvil.Server.Tests.Infrastructure.Events;

/// <summary>
/// A committed change never loses its webhook (or its notifications): the server is killed right after an issue's
/// commit and before anything is dispatched, and the restarted server sends what the change caused, once.
/// </summary>
public abstract class OutboxCrashTests(Database database) : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "anvil-outbox-" + Guid.NewGuid().ToString("N")[..10]);
    private string? _databaseUrl;
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        _databaseUrl = database == Database.Postgres ? await PostgresCluster.CreateDatabaseAsync() : null;
        _receiver = await HookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<ServerProcess> StartAsync(string? crashAfterCommitOf = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["ANVIL_WEBHOOK_ALLOW_HOSTS"] = "127.0.0.1",
            ["ANVIL_WEBHOOK_RETRY_BASE_SECONDS"] = "0.3",
            // An event is its raiser's for a second; then a restarted server's worker, looking twice a second, takes it.
            ["ANVIL_OUTBOX_LEASE_SECONDS"] = "1",
            ["ANVIL_OUTBOX_SWEEP_SECONDS"] = "0.5",
        };
        if (crashAfterCommitOf is not null)
        {
            settings["ANVIL_TEST_HOOKS"] = "1";
            settings["ANVIL_TEST_CRASH_AFTER_COMMIT"] = crashAfterCommitOf;
        }
        return ServerProcess.StartAsync(_dataDir, _databaseUrl, settings);
    }

    private static async Task<(string Username, string Token)> SignUpAsync(ServerProcess server)
    {
        var username = "u" + Guid.NewGuid().ToString("N")[..10];
        using var c = server.Client();
        var body = await (await c.PostAsJsonAsync("/auth/sign-up", new { email = $"{username}@example.com", username, password = "correct-horse-battery", name = username }))
            .JsonAsync(HttpStatusCode.Created);
        return (username, body.Str("token"));
    }

    [Fact]
    public async Task An_issue_committed_just_before_a_crash_still_sends_its_webhook_and_notification_once_after_restart()
    {
        string owner, ownerToken, watcher, watcherToken, repo = "crash-" + Guid.NewGuid().ToString("N")[..6];
        await using (var doomed = await StartAsync(crashAfterCommitOf: "IssueOpened"))
        {
            (owner, ownerToken) = await SignUpAsync(doomed);
            (watcher, watcherToken) = await SignUpAsync(doomed);
            using var c = doomed.Client(ownerToken);
            await (await c.PostAsJsonAsync("/api/repositories", new { name = repo, visibility = "public" })).JsonAsync(HttpStatusCode.Created);
            await (await c.PostAsJsonAsync($"/api/v1/repos/{owner}/{repo}/hooks", new
            {
                name = "web",
                config = new { url = _receiver.Url("/hook"), content_type = "json" },
                events = new[] { "issues" },
                active = true,
            })).JsonAsync(HttpStatusCode.Created);

            // The server dies after the issue's commit, before dispatching: the request never gets an answer.
            await Assert.ThrowsAnyAsync<Exception>(() =>
                c.PostAsJsonAsync($"/api/repositories/{owner}/{repo}/issues", new { title = "Survives the crash", body = $"cc @{watcher}" }));
            await doomed.WaitForExitAsync();
            Assert.True(doomed.HasExited);
        }
        Assert.DoesNotContain(_receiver.All, r => r.Event == "issues");

        await using var restarted = await StartAsync();
        var delivered = await _receiver.WaitForEventAsync("/hook", "issues", p => p.Str("action") == "opened");
        Assert.Equal("Survives the crash", delivered.Json.Str("issue.title"));
        Assert.Equal($"{owner}/{repo}", delivered.Json.Str("repository.full_name"));
        Assert.Equal(owner, delivered.Json.Str("sender.login"));

        // The issue itself committed, and what it caused is there exactly once.
        using var oc = restarted.Client(ownerToken);
        var issue = (await (await oc.GetAsync($"/api/repositories/{owner}/{repo}/issues/1")).JsonAsync())["issue"]!;
        Assert.Equal("Survives the crash", issue.Str("title"));
        var hookId = (await (await oc.GetAsync($"/api/v1/repos/{owner}/{repo}/hooks")).JsonAsync()).AsArray()[0]!["id"]!.GetValue<long>();
        var deliveries = (await (await oc.GetAsync($"/api/v1/repos/{owner}/{repo}/hooks/{hookId}/deliveries")).JsonAsync()).AsArray();
        Assert.Single(deliveries, d => d!.Str("event") == "issues");
        using var wc = restarted.Client(watcherToken);
        var told = Assert.Single((await (await wc.GetAsync("/api/notifications")).JsonAsync())["notifications"]!.AsArray())!;
        Assert.Equal("Survives the crash", told.Str("subject.title"));
        Assert.Equal("mention", told.Str("reason"));

        // A change made after the restart is dispatched by its own request as usual.
        await (await oc.PostAsJsonAsync($"/api/repositories/{owner}/{repo}/issues", new { title = "After the restart", body = "" })).JsonAsync(HttpStatusCode.Created);
        await _receiver.WaitForEventAsync("/hook", "issues", p => p.Str("issue.title") == "After the restart");
        Assert.Single(_receiver.All, r => r.Event == "issues" && r.Json.Str("issue.title") == "Survives the crash");
    }

    [Fact]
    public async Task A_merge_committed_just_before_a_crash_still_sends_its_pull_request_webhook_after_restart()
    {
        string owner, token, repo = "merge-" + Guid.NewGuid().ToString("N")[..6];
        await using (var doomed = await StartAsync(crashAfterCommitOf: "PullRequestMerged"))
        {
            (owner, token) = await SignUpAsync(doomed);
            using var c = doomed.Client(token);
            await (await c.PostAsJsonAsync("/api/repositories", new { name = repo, visibility = "public", autoInit = true })).JsonAsync(HttpStatusCode.Created);
            using var git = new GitClient();
            var work = git.Path("work");
            var url = $"http://{owner}:correct-horse-battery@{doomed.BaseUri.Authority}/{owner}/{repo}.git"; // the sign-up password
            await git.OkAsync(null, "clone", "-q", url, work);
            await git.OkAsync(work, "checkout", "-q", "-b", "feature");
            await git.CommitFileAsync(work, "feature.txt", "new", "Add the feature");
            await git.OkAsync(work, "push", "-q", "origin", "feature");
            await (await c.PostAsJsonAsync($"/api/v1/repos/{owner}/{repo}/pulls", new { title = "The feature", head = "feature", @base = "main" }))
                .JsonAsync(HttpStatusCode.Created);
            await (await c.PostAsJsonAsync($"/api/v1/repos/{owner}/{repo}/hooks", new
            {
                name = "web",
                config = new { url = _receiver.Url("/merge"), content_type = "json" },
                events = new[] { "pull_request" },
                active = true,
            })).JsonAsync(HttpStatusCode.Created);
            // The merge check runs in the background; merging waits until it has said the pull request is mergeable.
            for (var i = 0; i < 100; i++)
            {
                var pr = await (await c.GetAsync($"/api/v1/repos/{owner}/{repo}/pulls/1")).JsonAsync();
                if (pr["mergeable"]?.GetValue<bool?>() == true)
                {
                    break;
                }
                await Task.Delay(100);
            }
            await Assert.ThrowsAnyAsync<Exception>(() => c.PutAsJsonAsync($"/api/v1/repos/{owner}/{repo}/pulls/1/merge", new { merge_method = "merge" }));
            await doomed.WaitForExitAsync();
        }
        Assert.DoesNotContain(_receiver.All, r => r.Event == "pull_request" && r.Json.Str("action") == "closed");

        await using var restarted = await StartAsync();
        var delivered = await _receiver.WaitForEventAsync("/merge", "pull_request", p => p.Str("action") == "closed");
        Assert.True(delivered.Json["pull_request"]!["merged"]!.GetValue<bool>());
        using var oc = restarted.Client(token);
        Assert.True((await (await oc.GetAsync($"/api/v1/repos/{owner}/{repo}/pulls/1")).JsonAsync())["merged"]!.GetValue<bool>());
    }
}

public sealed class OutboxCrashTestsOnSqlite() : OutboxCrashTests(Database.Sqlite);

public sealed class OutboxCrashTestsOnPostgres() : OutboxCrashTests(Database.Postgres);

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.PullRequests;

namespace Anvil.Server.Tests.Webhooks;

/// <summary>GitHub's <c>status</c> event: sent to hooks subscribed to it when a commit status is posted.</summary>
public abstract class StatusWebhookTests(PullsServer server) : IAsyncLifetime
{
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Posting_a_commit_status_sends_the_status_event_with_the_commit_and_the_branches_containing_it()
    {
        using var repo = await PullRepo.CreateAsync(server);
        const string secret = "status-secret";
        var path = "/status-" + Guid.NewGuid().ToString("N")[..6];
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url(path), ["status"], secret);
        var checksOnly = await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url(path + "-checks"), ["check_run"]);
        var main = await repo.RemoteAsync("main");
        // "feature" grows from main: main's tip is in both branches, feature's tip only in feature.
        var feature = await repo.CommitAsync("feature", "f.txt", "f\n", from: "main");
        await repo.PushAsync("feature");
        using var c = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write"));

        var created = await (await c.PostAsJsonAsync($"{repo.V1}/statuses/{main}", new
        {
            state = "success", target_url = "https://ci.example.com/builds/9", description = "Build passed", context = "ci/build",
        })).JsonAsync(HttpStatusCode.Created);

        var got = await _receiver.WaitForEventAsync(path, "status", _ => true);
        Assert.Equal("status", got.Header("X-Anvil-Event"));
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), got.Body));
        Assert.Equal(signature, got.Header("X-Hub-Signature-256"));
        var p = got.Json;
        Assert.Equal(created["id"]!.GetValue<long>(), p["id"]!.GetValue<long>());
        Assert.Equal(main, p.Str("sha"));
        Assert.Equal($"{repo.Owner.Username}/{repo.Name}", p.Str("name"));
        Assert.Equal("success", p.Str("state"));
        Assert.Equal("ci/build", p.Str("context"));
        Assert.Equal("Build passed", p.Str("description"));
        Assert.Equal("https://ci.example.com/builds/9", p.Str("target_url"));
        Assert.Equal(created["created_at"]!.ToJsonString(), p["created_at"]!.ToJsonString());
        Assert.Equal(created["updated_at"]!.ToJsonString(), p["updated_at"]!.ToJsonString());
        // The commit is the one GET /commits/{sha} answers, the fields a receiver reads included.
        using var owner = repo.Owner.Client();
        var commit = await (await owner.GetAsync($"{repo.V1}/commits/{main}")).JsonAsync();
        foreach (var field in new[] { "sha", "node_id", "url", "html_url", "commit", "parents", "author", "committer" })
        {
            Assert.Equal(commit[field]!.ToJsonString(), p["commit"]![field]!.ToJsonString());
        }
        var branches = p["branches"]!.AsArray();
        Assert.Equal(["main", "feature"], branches.Select(b => b!.Str("name")));
        Assert.Equal(main, branches[0]!.Str("commit.sha"));
        Assert.Equal(feature, branches[1]!.Str("commit.sha"));
        Assert.EndsWith($"{repo.V1}/commits/{feature}", branches[1]!.Str("commit.url"));
        Assert.False(branches[0]!["protected"]!.GetValue<bool>());
        Assert.Equal(repo.Name, p.Str("repository.name"));
        Assert.Null(p["repository"]!["permissions"]);
        Assert.Equal(repo.Owner.Username, p.Str("sender.login"));

        // A status on feature's tip lists feature alone; hooks not subscribed to `status` get nothing.
        await (await c.PostAsJsonAsync($"{repo.V1}/statuses/{feature}", new { state = "pending" })).JsonAsync(HttpStatusCode.Created);
        var second = await _receiver.WaitForEventAsync(path, "status", s => s.Str("sha") == feature);
        Assert.Equal("pending", second.Json.Str("state"));
        Assert.Equal("default", second.Json.Str("context"));
        Assert.Null(second.Json["target_url"]);
        Assert.Equal(["feature"], second.Json["branches"]!.AsArray().Select(b => b!.Str("name")));
        var hookId = checksOnly["id"]!.GetValue<long>();
        var deliveries = (await (await owner.GetAsync($"{repo.V1}/hooks/{hookId}/deliveries")).JsonAsync()).AsArray();
        Assert.DoesNotContain(deliveries, d => d!.Str("event") == "status");
    }

    [Fact]
    public async Task A_refused_status_sends_nothing()
    {
        using var repo = await PullRepo.CreateAsync(server);
        var hook = await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url("/refused-" + Guid.NewGuid().ToString("N")[..6]), ["status"]);
        using var c = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write"));
        var main = await repo.RemoteAsync("main");

        await (await c.PostAsJsonAsync($"{repo.V1}/statuses/{main}", new { state = "bogus" })).JsonAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync($"{repo.V1}/statuses/{new string('0', 40)}", new { state = "success" })).JsonAsync(HttpStatusCode.UnprocessableEntity);

        using var owner = repo.Owner.Client();
        var deliveries = (await (await owner.GetAsync($"{repo.V1}/hooks/{hook["id"]!.GetValue<long>()}/deliveries")).JsonAsync()).AsArray();
        Assert.DoesNotContain(deliveries, d => d!.Str("event") == "status");
    }
}

public sealed class StatusWebhookTestsOnSqlite(PullsSqliteServer s) : StatusWebhookTests(s), IClassFixture<PullsSqliteServer>;

public sealed class StatusWebhookTestsOnPostgres(PullsPostgresServer s) : StatusWebhookTests(s), IClassFixture<PullsPostgresServer>;

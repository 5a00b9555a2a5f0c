using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Webhooks;

public abstract class IssueWebhookTests(WebhookServer server) : IAsyncLifetime
{
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private string BaseUrl => server.BaseUri.ToString().TrimEnd('/');

    /// <summary>What reached <paramref name="path"/> besides the ping every new hook gets.</summary>
    private IEnumerable<HookReceiver.Received> Events(string path) => _receiver.On(path).Where(r => r.Event != "ping");

    private Task<HookReceiver.Received> ActionAsync(string path, string eventName, string action) =>
        _receiver.WaitForEventAsync(path, eventName, p => p.Str("action") == action);

    [Fact]
    public async Task Issue_lifecycle_sends_GitHubs_issues_events_with_the_v1_issue_view()
    {
        var owner = await server.SignUpAsync();
        var writer = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner);
        const string secret = "issue-hook-secret";
        var path = "/issues-" + Guid.NewGuid().ToString("N")[..8];
        await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url(path), ["issues"], secret);
        var api = $"/api/v1/repos/{owner.Username}/{repo}";
        using var c = owner.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await c.PutAsJsonAsync($"{api}/collaborators/{writer.Username}", new { permission = "push" })).StatusCode);

        var created = await (await c.PostAsJsonAsync($"{api}/issues", new { title = "Crash on start", body = "stack trace", labels = new[] { "bug" } }))
            .JsonAsync(HttpStatusCode.Created);
        var number = created["number"]!.GetValue<int>();
        var shown = await (await c.GetAsync($"{api}/issues/{number}")).JsonAsync();
        var opened = await ActionAsync(path, "issues", "opened");
        Assert.Equal("issues", opened.Header("X-Anvil-Event"));
        Assert.Equal(opened.Header("X-GitHub-Delivery"), opened.Header("X-Anvil-Delivery"));
        Assert.Equal(Sign(secret, opened.Body), opened.Header("X-Hub-Signature-256"));
        var payload = opened.Json;
        Assert.Equal(shown.ToJsonString(), payload["issue"]!.ToJsonString()); // the very view GET /issues/{n} answers with
        Assert.Equal($"{BaseUrl}/api/v1/repos/{owner.Username}/{repo}/issues/{number}", payload.Str("issue.url"));
        Assert.Equal($"{BaseUrl}/{owner.Username}/{repo}/issues/{number}", payload.Str("issue.html_url"));
        Assert.Equal($"{owner.Username}/{repo}", payload.Str("repository.full_name"));
        Assert.Equal(1, payload["repository"]!["open_issues_count"]!.GetValue<int>());
        Assert.Null(payload["repository"]!["permissions"]);
        Assert.Equal(owner.Username, payload.Str("sender.login"));

        var url = $"{api}/issues/{number}";
        await (await c.PatchAsJsonAsync(url, new { title = "Crash on start-up", body = "full stack trace" })).JsonAsync();
        var edited = (await ActionAsync(path, "issues", "edited")).Json;
        Assert.Equal("Crash on start", edited.Str("changes.title.from"));
        Assert.Equal("stack trace", edited.Str("changes.body.from"));
        Assert.Equal("Crash on start-up", edited.Str("issue.title"));

        using var w = writer.Client();
        await (await w.PatchAsJsonAsync(url, new { state = "closed", state_reason = "not_planned" })).JsonAsync();
        var closed = (await ActionAsync(path, "issues", "closed")).Json;
        Assert.Equal("closed", closed.Str("issue.state"));
        Assert.Equal("not_planned", closed.Str("issue.state_reason"));
        Assert.Equal(writer.Username, closed.Str("issue.closed_by.login"));
        Assert.Equal(writer.Username, closed.Str("sender.login"));
        Assert.Equal(0, closed["repository"]!["open_issues_count"]!.GetValue<int>());
        await (await w.PatchAsJsonAsync(url, new { state = "open" })).JsonAsync();
        Assert.Equal("open", (await ActionAsync(path, "issues", "reopened")).Json.Str("issue.state"));

        await (await c.PostAsJsonAsync($"{url}/labels", new { labels = new[] { "enhancement", "documentation" } })).JsonAsync();
        await (await c.DeleteAsync($"{url}/labels/bug")).JsonAsync();
        await (await c.PatchAsJsonAsync(url, new { assignees = new[] { writer.Username } })).JsonAsync();
        await (await c.PatchAsJsonAsync(url, new { assignees = Array.Empty<string>() })).JsonAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await c.PutAsJsonAsync($"{url}/lock", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"{url}/lock")).StatusCode);

        await ActionAsync(path, "issues", "unlocked");
        var labeled = Events(path).Select(r => r.Json).Where(p => p.Str("action") == "labeled").Select(p => p.Str("label.name")).Order();
        Assert.Equal(["documentation", "enhancement"], labeled); // one delivery per label
        var unlabeled = (await ActionAsync(path, "issues", "unlabeled")).Json;
        Assert.Equal("bug", unlabeled.Str("label.name"));
        Assert.Equal($"{BaseUrl}/api/v1/repos/{owner.Username}/{repo}/labels/bug", unlabeled.Str("label.url"));
        var assigned = (await ActionAsync(path, "issues", "assigned")).Json;
        Assert.Equal(writer.Username, assigned.Str("assignee.login"));
        Assert.Equal(writer.Username, assigned["issue"]!["assignees"]![0]!["login"]!.GetValue<string>());
        Assert.Equal(writer.Username, (await ActionAsync(path, "issues", "unassigned")).Json.Str("assignee.login"));
        Assert.True((await ActionAsync(path, "issues", "locked")).Json["issue"]!["locked"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync(url)).StatusCode);
        var deleted = (await ActionAsync(path, "issues", "deleted")).Json;
        Assert.Equal(number, deleted["issue"]!["number"]!.GetValue<int>());
        Assert.Equal("Crash on start-up", deleted.Str("issue.title"));
        Assert.All(Events(path), r => Assert.Equal("issues", r.Event));
    }

    [Fact]
    public async Task Comments_send_issue_comment_events_only_to_hooks_that_want_them()
    {
        var owner = await server.SignUpAsync();
        var commenter = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner);
        var commentsPath = "/comments-" + Guid.NewGuid().ToString("N")[..8];
        var pushPath = "/push-" + Guid.NewGuid().ToString("N")[..8];
        await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url(commentsPath), ["issue_comment"]);
        await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url(pushPath), ["push"]);
        var api = $"/api/v1/repos/{owner.Username}/{repo}";
        using var o = owner.Client();
        var number = (await (await o.PostAsJsonAsync($"{api}/issues", new { title = "Talk here" })).JsonAsync(HttpStatusCode.Created))["number"]!.GetValue<int>();

        using var c = commenter.Client();
        var comment = await (await c.PostAsJsonAsync($"{api}/issues/{number}/comments", new { body = "first!" })).JsonAsync(HttpStatusCode.Created);
        var id = comment["id"]!.GetValue<long>();
        var created = (await ActionAsync(commentsPath, "issue_comment", "created")).Json;
        Assert.Equal(comment.ToJsonString(), created["comment"]!.ToJsonString()); // the v1 comment view
        Assert.Equal("NONE", created.Str("comment.author_association"));
        Assert.Equal(number, created["issue"]!["number"]!.GetValue<int>());
        Assert.Equal(1, created["issue"]!["comments"]!.GetValue<int>());
        Assert.Equal(commenter.Username, created.Str("sender.login"));

        await (await c.PatchAsJsonAsync($"{api}/issues/comments/{id}", new { body = "second thoughts" })).JsonAsync();
        var edited = (await ActionAsync(commentsPath, "issue_comment", "edited")).Json;
        Assert.Equal("first!", edited.Str("changes.body.from"));
        Assert.Equal("second thoughts", edited.Str("comment.body"));

        Assert.Equal(HttpStatusCode.NoContent, (await o.DeleteAsync($"{api}/issues/comments/{id}")).StatusCode);
        var deleted = (await ActionAsync(commentsPath, "issue_comment", "deleted")).Json;
        Assert.Equal(id, deleted["comment"]!["id"]!.GetValue<long>());
        Assert.Equal(0, deleted["issue"]!["comments"]!.GetValue<int>());
        Assert.Equal(owner.Username, deleted.Str("sender.login"));

        Assert.All(Events(commentsPath), r => Assert.Equal("issue_comment", r.Event));
        Assert.Equal(3, Events(commentsPath).Count());
        Assert.Empty(Events(pushPath));
    }
}

public sealed class IssueWebhookTestsOnSqlite(WebhookSqliteServer s) : IssueWebhookTests(s), IClassFixture<WebhookSqliteServer>;

public sealed class IssueWebhookTestsOnPostgres(WebhookPostgresServer s) : IssueWebhookTests(s), IClassFixture<WebhookPostgresServer>;

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Webhooks;

public abstract class WebhookTests(WebhookServer server) : IAsyncLifetime
{
    private const string ZeroOid = "0000000000000000000000000000000000000000";
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static string HooksUrl(TestUser owner, string repo) => $"/api/v1/repos/{owner.Username}/{repo}/hooks";

    [Fact]
    public async Task Hook_is_created_in_GitHubs_shape_and_its_secret_never_comes_back()
    {
        var owner = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner);
        const string secret = "s3cr3t-never-shown";
        var hook = await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url("/crud"), ["push", "star"], secret);
        var id = hook["id"]!.GetValue<long>();
        Assert.Equal("Repository", hook.Str("type"));
        Assert.Equal("web", hook.Str("name"));
        Assert.True(hook["active"]!.GetValue<bool>());
        Assert.Equal(["push", "star"], hook["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(_receiver.Url("/crud"), hook.Str("config.url"));
        Assert.Equal("json", hook.Str("config.content_type"));
        Assert.Equal("0", hook.Str("config.insecure_ssl"));
        Assert.Equal("********", hook.Str("config.secret"));
        var self = $"{server.BaseUri.ToString().TrimEnd('/')}{HooksUrl(owner, repo)}/{id}";
        Assert.Equal(self, hook.Str("url"));
        Assert.Equal(self + "/pings", hook.Str("ping_url"));
        Assert.Equal(self + "/test", hook.Str("test_url"));
        Assert.Equal(self + "/deliveries", hook.Str("deliveries_url"));
        Assert.NotNull(hook["created_at"]);
        Assert.NotNull(hook["updated_at"]);
        Assert.NotNull(hook["last_response"]);

        using var c = owner.Client();
        var got = await (await c.GetAsync($"{HooksUrl(owner, repo)}/{id}")).JsonAsync();
        var list = await (await c.GetAsync(HooksUrl(owner, repo))).JsonAsync();
        Assert.Single(list.AsArray());
        var patched = await (await c.PatchAsJsonAsync($"{HooksUrl(owner, repo)}/{id}", new { add_events = new[] { "fork" }, active = false })).JsonAsync();
        Assert.Equal(["push", "star", "fork"], patched["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.False(patched["active"]!.GetValue<bool>());
        Assert.Equal("********", patched.Str("config.secret")); // absent from the patch: kept
        var ping = await _receiver.WaitForEventAsync("/crud", "ping");
        var deliveries = await (await c.GetAsync($"{HooksUrl(owner, repo)}/{id}/deliveries")).JsonAsync();
        var delivery = await EventuallyAsync(async () =>
        {
            var d = await (await c.GetAsync($"{HooksUrl(owner, repo)}/{id}/deliveries/{deliveries[0]!["id"]}")).JsonAsync();
            return d.Str("state") == "delivered" ? d : null;
        }, "the ping's delivery record");
        foreach (var body in new[] { hook, got, list, patched, deliveries, delivery, ping.Json })
        {
            Assert.DoesNotContain(secret, body.ToJsonString());
        }
        // The delivery shows the signature header, which proves nothing about the key.
        Assert.StartsWith("sha256=", delivery["request"]!["headers"]!["X-Hub-Signature-256"]!.GetValue<string>());

        var cleared = await (await c.PatchAsJsonAsync($"{HooksUrl(owner, repo)}/{id}", new { config = new { secret = "" } })).JsonAsync();
        Assert.Null(cleared["config"]!["secret"]);
        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"{HooksUrl(owner, repo)}/{id}")).StatusCode);
        await (await c.GetAsync($"{HooksUrl(owner, repo)}/{id}")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_hooks_are_422_and_nothing_is_created()
    {
        var owner = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner);
        using var c = owner.Client();
        var url = HooksUrl(owner, repo);
        object[] bad =
        [
            new { config = new { url = "ftp://example.com/hook" } },
            new { config = new { url = "/relative" } },
            new { config = new { url = "http://user:pw@example.com/" } },
            new { config = new { url = "https://example.com/" }, events = new[] { "push", "nonsense" } },
            new { config = new { url = "https://example.com/" }, events = Array.Empty<string>() },
            new { config = new { url = "https://example.com/", content_type = "xml" } },
            new { config = new { url = "https://example.com/", insecure_ssl = "maybe" } },
            new { name = "email", config = new { url = "https://example.com/" } },
            new { events = new[] { "push" } },
        ];
        foreach (var body in bad)
        {
            await (await c.PostAsJsonAsync(url, body)).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        }
        await (await c.SendRawAsync(HttpMethod.Post, url, "{not json")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Empty((await (await c.GetAsync(url)).JsonAsync()).AsArray());
    }

    [Fact]
    public async Task Only_admins_manage_hooks_and_tokens_need_webhooks_or_repo_write()
    {
        var owner = await server.SignUpAsync();
        var reader = await server.SignUpAsync();
        var writer = await server.SignUpAsync();
        var admin = await server.SignUpAsync();
        var stranger = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner, isPrivate: true);
        using (var oc = owner.Client())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await oc.PutAsJsonAsync($"/api/v1/repos/{owner.Username}/{repo}/collaborators/{reader.Username}", new { permission = "pull" })).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await oc.PutAsJsonAsync($"/api/v1/repos/{owner.Username}/{repo}/collaborators/{writer.Username}", new { permission = "push" })).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await oc.PutAsJsonAsync($"/api/v1/repos/{owner.Username}/{repo}/collaborators/{admin.Username}", new { permission = "admin" })).StatusCode);
        }
        var body = new { config = new { url = _receiver.Url("/perm"), content_type = "json" }, events = new[] { "push" } };
        var url = HooksUrl(owner, repo);

        using (var anon = server.Anonymous())
        {
            await (await anon.GetAsync(url)).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        using (var sc = stranger.Client())
        {
            await (await sc.GetAsync(url)).ErrorAsync(HttpStatusCode.NotFound); // private: not even "forbidden"
        }
        using (var rc = reader.Client())
        {
            await (await rc.PostAsJsonAsync(url, body)).ErrorAsync(HttpStatusCode.Forbidden);
        }
        using (var wc = writer.Client())
        {
            // Write access is not enough: hooks are an administrator's, as on GitHub.
            await (await wc.PostAsJsonAsync(url, body)).ErrorAsync(HttpStatusCode.Forbidden);
        }
        using (var ac = admin.Client())
        {
            await (await ac.PostAsJsonAsync(url, body)).JsonAsync(HttpStatusCode.Created);
        }
        using (var hooksOnly = server.WithBearer(await owner.CreateTokenAsync("webhooks")))
        {
            await (await hooksOnly.PostAsJsonAsync(url, body)).JsonAsync(HttpStatusCode.Created);
            Assert.Equal(2, (await (await hooksOnly.GetAsync(url)).JsonAsync()).AsArray().Count);
        }
        using (var repoWrite = server.WithBearer(await owner.CreateTokenAsync("repo")))
        {
            await (await repoWrite.GetAsync(url)).JsonAsync();
        }
        using (var readOnly = server.WithBearer(await owner.CreateTokenAsync("repo:read")))
        {
            var res = await readOnly.GetAsync(url);
            await res.ErrorAsync(HttpStatusCode.Forbidden);
            Assert.Equal("webhooks, repo:write", res.Headers.GetValues("X-Accepted-OAuth-Scopes").Single());
        }
        using (var readerHooks = server.WithBearer(await reader.CreateTokenAsync("webhooks")))
        {
            // The scope never exceeds the user: a reader stays a reader.
            await (await readerHooks.PostAsJsonAsync(url, body)).ErrorAsync(HttpStatusCode.Forbidden);
        }
        using (var writerHooks = server.WithBearer(await writer.CreateTokenAsync("webhooks")))
        {
            // Nor does it lift a writer to an administrator.
            await (await writerHooks.PostAsJsonAsync(url, body)).ErrorAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Every_hook_route_refuses_a_writer_with_403_and_a_stranger_with_404_and_changes_nothing()
    {
        var owner = await server.SignUpAsync();
        var writer = await server.SignUpAsync();
        var stranger = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner, isPrivate: true);
        using (var oc = owner.Client())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await oc.PutAsJsonAsync($"/api/v1/repos/{owner.Username}/{repo}/collaborators/{writer.Username}", new { permission = "push" })).StatusCode);
        }
        var hook = await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url("/admin-only"), ["push"]);
        var id = hook["id"]!.GetValue<long>();
        await _receiver.WaitForEventAsync("/admin-only", "ping");
        var hookUrl = $"{HooksUrl(owner, repo)}/{id}";
        using var oc2 = owner.Client();
        var deliveryId = (await (await oc2.GetAsync($"{hookUrl}/deliveries")).JsonAsync())[0]!["id"]!.GetValue<long>();
        var before = await (await oc2.GetAsync(hookUrl)).JsonAsync();
        var deliveriesBefore = (await (await oc2.GetAsync($"{hookUrl}/deliveries")).JsonAsync()).AsArray().Count;

        var create = new { config = new { url = _receiver.Url("/writer"), content_type = "json" }, events = new[] { "push" } };
        foreach (var (caller, expected) in new[] { (writer, HttpStatusCode.Forbidden), (stranger, HttpStatusCode.NotFound) })
        {
            using var c = caller.Client();
            await (await c.GetAsync(HooksUrl(owner, repo))).ErrorAsync(expected);
            await (await c.PostAsJsonAsync(HooksUrl(owner, repo), create)).ErrorAsync(expected);
            await (await c.GetAsync(hookUrl)).ErrorAsync(expected);
            await (await c.PatchAsJsonAsync(hookUrl, new { active = false, config = new { url = _receiver.Url("/stolen") } })).ErrorAsync(expected);
            await (await c.PostAsync($"{hookUrl}/pings", null)).ErrorAsync(expected);
            await (await c.GetAsync($"{hookUrl}/deliveries")).ErrorAsync(expected);
            await (await c.GetAsync($"{hookUrl}/deliveries/{deliveryId}")).ErrorAsync(expected);
            await (await c.PostAsync($"{hookUrl}/deliveries/{deliveryId}/attempts", null)).ErrorAsync(expected);
            await (await c.DeleteAsync(hookUrl)).ErrorAsync(expected);
        }

        // Nothing changed: the one hook is still there as it was, with no extra delivery.
        var after = await (await oc2.GetAsync(hookUrl)).JsonAsync();
        Assert.Equal(before.Str("config.url"), after.Str("config.url"));
        Assert.True(after["active"]!.GetValue<bool>());
        Assert.Single((await (await oc2.GetAsync(HooksUrl(owner, repo))).JsonAsync()).AsArray());
        Assert.Equal(deliveriesBefore, (await (await oc2.GetAsync($"{hookUrl}/deliveries")).JsonAsync()).AsArray().Count);
    }

    [Fact]
    public async Task New_hook_is_pinged_with_signed_GitHub_headers_and_can_be_pinged_again()
    {
        var owner = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner);
        const string secret = "ping-secret";
        var hook = await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url("/ping"), ["push"], secret);
        var id = hook["id"]!.GetValue<long>();

        var ping = await _receiver.WaitForEventAsync("/ping", "ping");
        Assert.Equal(Sign(secret, ping.Body), ping.Header("X-Hub-Signature-256"));
        Assert.NotEqual(Sign("wrong", ping.Body), ping.Header("X-Hub-Signature-256"));
        Assert.Equal("ping", ping.Header("X-Anvil-Event"));
        Assert.True(Guid.TryParse(ping.Header("X-GitHub-Delivery"), out var guid));
        Assert.Equal(guid.ToString(), ping.Header("X-Anvil-Delivery"));
        Assert.Equal(id.ToString(), ping.Header("X-GitHub-Hook-ID"));
        Assert.StartsWith("Anvil-Hookshot/", ping.Header("User-Agent"));
        Assert.StartsWith("application/json", ping.Header("Content-Type"));
        var json = ping.Json;
        Assert.Equal(id, json["hook_id"]!.GetValue<long>());
        Assert.Equal(id, json["hook"]!["id"]!.GetValue<long>());
        Assert.False(string.IsNullOrEmpty(json.Str("zen")));
        Assert.Equal($"{owner.Username}/{repo}", json.Str("repository.full_name"));
        Assert.Null(json["repository"]!["permissions"]);
        Assert.Equal(owner.Username, json.Str("sender.login"));

        using var c = owner.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await c.PostAsync($"{HooksUrl(owner, repo)}/{id}/pings", null)).StatusCode);
        await _receiver.WaitForAsync(r => r.Path == "/ping" && r.Event == "ping" && r.Header("X-GitHub-Delivery") != guid.ToString(), "a second ping");
        await (await c.PostAsync($"{HooksUrl(owner, repo)}/999999/pings", null)).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Git_pushes_fire_push_create_and_delete_with_GitHubs_fields()
    {
        var owner = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner);
        const string secret = "push-secret";
        await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url("/push"), ["push", "create", "delete"], secret);
        using var wc = await WorkingCopy.InitAsync(server, owner, repo);

        var first = await wc.CommitAsync("a.txt", "one", "first commit");
        var second = await wc.CommitAsync("b.txt", "two", "second commit\n\nwith a body");
        await wc.GitAsync("push", "-q", "origin", "main");
        var created = await _receiver.WaitForEventAsync("/push", "push", p => p.Str("after") == second);
        Assert.Equal(Sign(secret, created.Body), created.Header("X-Hub-Signature-256"));
        var p1 = created.Json;
        Assert.Equal("refs/heads/main", p1.Str("ref"));
        Assert.Equal(ZeroOid, p1.Str("before"));
        Assert.True(p1["created"]!.GetValue<bool>());
        Assert.False(p1["deleted"]!.GetValue<bool>());
        Assert.False(p1["forced"]!.GetValue<bool>());
        Assert.Equal([first, second], p1["commits"]!.AsArray().Select(x => x!.Str("id")));
        Assert.Equal(second, p1.Str("head_commit.id"));
        Assert.Equal("second commit\n\nwith a body", p1.Str("head_commit.message"));
        Assert.Equal(["b.txt"], p1["head_commit"]!["added"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal("Hook Tester", p1.Str("head_commit.author.name"));
        Assert.Equal("hooks@example.com", p1.Str("head_commit.committer.email"));
        Assert.Equal($"{owner.Username}/{repo}", p1.Str("repository.full_name"));
        Assert.Equal(owner.Username, p1.Str("pusher.name"));
        Assert.Equal(owner.Username, p1.Str("sender.login"));
        var createBranch = (await _receiver.WaitForEventAsync("/push", "create", p => p.Str("ref") == "main")).Json;
        Assert.Equal("branch", createBranch.Str("ref_type"));
        Assert.Equal("main", createBranch.Str("master_branch"));
        Assert.Equal("user", createBranch.Str("pusher_type"));

        var third = await wc.CommitAsync("a.txt", "one, changed", "third commit");
        await wc.GitAsync("push", "-q", "origin", "main");
        var p2 = (await _receiver.WaitForEventAsync("/push", "push", p => p.Str("after") == third)).Json;
        Assert.Equal(second, p2.Str("before"));
        Assert.False(p2["created"]!.GetValue<bool>());
        Assert.False(p2["forced"]!.GetValue<bool>());
        Assert.Equal([third], p2["commits"]!.AsArray().Select(x => x!.Str("id")));
        Assert.Equal(["a.txt"], p2["head_commit"]!["modified"]!.AsArray().Select(x => x!.GetValue<string>()));

        await wc.GitAsync("reset", "-q", "--hard", first);
        var rewritten = await wc.CommitAsync("c.txt", "other", "rewritten history");
        await wc.GitAsync("push", "-q", "--force", "origin", "main");
        var p3 = (await _receiver.WaitForEventAsync("/push", "push", p => p.Str("after") == rewritten)).Json;
        Assert.True(p3["forced"]!.GetValue<bool>());
        Assert.Equal(third, p3.Str("before"));

        await wc.GitAsync("tag", "v1.0");
        await wc.GitAsync("push", "-q", "origin", "v1.0");
        var tag = (await _receiver.WaitForEventAsync("/push", "create", p => p.Str("ref") == "v1.0")).Json;
        Assert.Equal("tag", tag.Str("ref_type"));
        await _receiver.WaitForEventAsync("/push", "push", p => p.Str("ref") == "refs/tags/v1.0");

        await wc.GitAsync("push", "-q", "origin", "main:feature");
        await _receiver.WaitForEventAsync("/push", "create", p => p.Str("ref") == "feature");
        await wc.GitAsync("push", "-q", "origin", "--delete", "feature");
        var deleted = (await _receiver.WaitForEventAsync("/push", "delete", p => p.Str("ref") == "feature")).Json;
        Assert.Equal("branch", deleted.Str("ref_type"));
        var deletePush = (await _receiver.WaitForEventAsync("/push", "push", p => p.Str("ref") == "refs/heads/feature" && p["deleted"]!.GetValue<bool>())).Json;
        Assert.Equal(ZeroOid, deletePush.Str("after"));
        Assert.Empty(deletePush["commits"]!.AsArray());
        Assert.Null(deletePush["head_commit"]);
    }

    [Fact]
    public async Task Star_and_fork_fire_their_events_and_unsubscribed_events_do_not()
    {
        var owner = await server.SignUpAsync();
        var fan = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner, autoInit: true);
        await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url("/social"), ["star", "fork"]);
        await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url("/push-only"), ["push"]);
        using var fc = fan.Client();

        Assert.Equal(HttpStatusCode.NoContent, (await fc.PutAsync($"/api/v1/user/starred/{owner.Username}/{repo}", null)).StatusCode);
        var star = (await _receiver.WaitForEventAsync("/social", "star", p => p.Str("action") == "created")).Json;
        Assert.Equal(fan.Username, star.Str("sender.login"));
        Assert.Equal($"{owner.Username}/{repo}", star.Str("repository.full_name"));
        Assert.NotNull(star["starred_at"]);
        Assert.Equal(HttpStatusCode.NoContent, (await fc.DeleteAsync($"/api/v1/user/starred/{owner.Username}/{repo}")).StatusCode);
        var unstar = (await _receiver.WaitForEventAsync("/social", "star", p => p.Str("action") == "deleted")).Json;
        Assert.Null(unstar["starred_at"]);

        await (await fc.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/{repo}/forks", new { })).JsonAsync(HttpStatusCode.Accepted);
        var fork = (await _receiver.WaitForEventAsync("/social", "fork")).Json;
        Assert.Equal($"{fan.Username}/{repo}", fork.Str("forkee.full_name"));
        Assert.True(fork["forkee"]!["fork"]!.GetValue<bool>());
        Assert.Equal($"{owner.Username}/{repo}", fork.Str("repository.full_name"));
        Assert.Equal(fan.Username, fork.Str("sender.login"));

        // The push-only hook got its creation ping and nothing else.
        await _receiver.WaitForEventAsync("/push-only", "ping");
        Assert.All(_receiver.On("/push-only"), r => Assert.Equal("ping", r.Event));
    }

    [Fact]
    public async Task Form_hooks_get_a_urlencoded_payload_field_signed_as_sent()
    {
        var owner = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner);
        await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url("/form"), ["push"], "form-secret", contentType: "form");
        var ping = await _receiver.WaitForEventAsync("/form", "ping");
        Assert.StartsWith("application/x-www-form-urlencoded", ping.Header("Content-Type"));
        Assert.StartsWith("payload=", ping.Text);
        Assert.Equal(Sign("form-secret", ping.Body), ping.Header("X-Hub-Signature-256"));
        Assert.Equal($"{owner.Username}/{repo}", ping.Json.Str("repository.full_name"));
    }

    [Fact]
    public async Task A_failing_receiver_gets_the_delivery_after_retries_and_every_attempt_is_recorded()
    {
        var owner = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner);
        var failures = 0;
        _receiver.Respond = r => r.Path == "/flaky" && Interlocked.Increment(ref failures) <= 3 ? 503 : 200;
        var hook = await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url("/flaky"), ["push"]);
        var id = hook["id"]!.GetValue<long>();
        using var c = owner.Client();
        var deliveriesUrl = $"{HooksUrl(owner, repo)}/{id}/deliveries";

        var delivered = await EventuallyAsync(async () =>
        {
            var list = await (await c.GetAsync(deliveriesUrl)).JsonAsync();
            return list.AsArray().FirstOrDefault(d => d!.Str("state") == "delivered");
        }, "the ping to be delivered");
        Assert.Equal(4, _receiver.On("/flaky").Count());
        Assert.Single(_receiver.On("/flaky").Select(r => r.Header("X-GitHub-Delivery")).Distinct()); // one delivery, retried
        Assert.Equal(200, delivered!["status_code"]!.GetValue<int>());
        Assert.Equal("OK", delivered.Str("status"));
        Assert.Equal("ping", delivered.Str("event"));
        Assert.Equal(4, delivered["attempts"]!.GetValue<int>());

        var detail = await (await c.GetAsync($"{deliveriesUrl}/{delivered["id"]}")).JsonAsync();
        var attempts = detail["attempts"]!.AsArray();
        Assert.Equal([503, 503, 503, 200], attempts.Select(a => a!["status_code"]!.GetValue<int>()));
        Assert.Equal([1, 2, 3, 4], attempts.Select(a => a!["number"]!.GetValue<int>()));
        Assert.All(attempts, a => Assert.Equal("thanks", a!.Str("response_body")));
        Assert.Equal("test", detail["response"]!["headers"]!["X-Receiver"]!.GetValue<string>());
        Assert.Equal("ping", detail["request"]!["headers"]!["X-GitHub-Event"]!.GetValue<string>());
        Assert.Equal(id, detail["request"]!["payload"]!["hook_id"]!.GetValue<long>());
        var hookNow = await (await c.GetAsync($"{HooksUrl(owner, repo)}/{id}")).JsonAsync();
        Assert.Equal(200, hookNow["last_response"]!["code"]!.GetValue<int>());

        // Redelivery: a new delivery with the same GUID, flagged as such.
        var redelivery = await (await c.PostAsync($"{deliveriesUrl}/{delivered["id"]}/attempts", null)).JsonAsync(HttpStatusCode.Accepted);
        Assert.True(redelivery["redelivery"]!.GetValue<bool>());
        await EventuallyAsync(() => Task.FromResult(_receiver.On("/flaky").Count() == 5 ? (object)true : null), "the redelivery");
        Assert.Single(_receiver.On("/flaky").Select(r => r.Header("X-GitHub-Delivery")).Distinct());
        await (await c.PostAsync($"{deliveriesUrl}/424242/attempts", null)).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("http://10.0.0.1/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:9/hook")]
    [InlineData("http://127.0.0.2:9/hook")]
    [InlineData("http://100.64.0.1/hook")]
    public async Task Private_addresses_are_refused_and_the_refusal_is_recorded(string target)
    {
        var owner = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner);
        var hook = await WebhookServer.CreateHookAsync(owner, repo, target, ["push"]);
        using var c = owner.Client();
        var deliveriesUrl = $"{HooksUrl(owner, repo)}/{hook["id"]}/deliveries";
        var failed = await EventuallyAsync(async () =>
            (await (await c.GetAsync(deliveriesUrl)).JsonAsync()).AsArray().FirstOrDefault(d => d!.Str("state") == "failed"), "the refusal");
        // Refused once and for all: waiting will not make a private address public.
        Assert.Equal(1, failed!["attempts"]!.GetValue<int>());
        Assert.Contains("refused", failed.Str("status"));
        var detail = await (await c.GetAsync($"{deliveriesUrl}/{failed["id"]}")).JsonAsync();
        var attempt = Assert.Single(detail["attempts"]!.AsArray());
        Assert.Null(attempt!["status_code"]);
        Assert.Contains("private, loopback or link-local", attempt.Str("error"));
    }

    [Fact]
    public async Task Pending_deliveries_survive_a_restart()
    {
        var owner = await server.SignUpAsync();
        var repo = await WebhookServer.CreateRepoAsync(owner);
        var up = false;
        _receiver.Respond = r => r.Path == "/restart" && !Volatile.Read(ref up) ? 503 : 200;
        await WebhookServer.CreateHookAsync(owner, repo, _receiver.Url("/restart"), ["push"]);
        await _receiver.WaitForEventAsync("/restart", "ping"); // tried, refused with 503: it stays pending
        await server.StopAsync();
        Volatile.Write(ref up, true);
        var before = _receiver.On("/restart").Count();
        await server.StartAsync();
        await EventuallyAsync(() => Task.FromResult(_receiver.On("/restart").Count() > before ? (object)true : null), "a delivery after the restart");
        using var c = owner.Client();
        var list = await (await c.GetAsync(HooksUrl(owner, repo))).JsonAsync();
        await EventuallyAsync(async () =>
            (await (await c.GetAsync($"{HooksUrl(owner, repo)}/{list[0]!["id"]}/deliveries")).JsonAsync()).AsArray()
                .FirstOrDefault(d => d!.Str("state") == "delivered"), "the delivery to be marked delivered");
    }

    [Fact]
    public async Task Public_repository_events_reach_the_Discord_channel_and_private_ones_do_not()
    {
        var owner = await server.SignUpAsync();
        var fan = await server.SignUpAsync();
        var open = await WebhookServer.CreateRepoAsync(owner, autoInit: true);
        var secret = await WebhookServer.CreateRepoAsync(owner, isPrivate: true, autoInit: true);
        using var fc = fan.Client();
        using var oc = owner.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await oc.PutAsync($"/api/v1/user/starred/{owner.Username}/{secret}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fc.PutAsync($"/api/v1/user/starred/{owner.Username}/{open}", null)).StatusCode);
        var message = await server.Discord.WaitForAsync(r => r.Path == "/discord" && r.Text.Contains($"{owner.Username}/{open}"), "the star embed");
        var embed = message.Json["embeds"]![0]!;
        Assert.Contains("star", embed.Str("title"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(fan.Username, embed.Str("author.name"));

        using var wc = await WorkingCopy.InitAsync(server, owner, open);
        await wc.GitAsync("pull", "-q", "origin", "main");
        await wc.CommitAsync("x.txt", "x", "announce me");
        await wc.GitAsync("push", "-q", "origin", "HEAD:main");
        var push = await server.Discord.WaitForAsync(r => r.Path == "/discord" && r.Text.Contains("announce me"), "the push embed");
        Assert.Contains($"{owner.Username}/{open}:main", push.Json["embeds"]![0]!.Str("title"));

        Assert.DoesNotContain(server.Discord.All, r => r.Text.Contains(secret));
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (await probe() is { } found)
            {
                return found;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"timed out waiting for {what}");
    }
}

public sealed class WebhookTestsOnSqlite(WebhookSqliteServer s) : WebhookTests(s), IClassFixture<WebhookSqliteServer>;

public sealed class WebhookTestsOnPostgres(WebhookPostgresServer s) : WebhookTests(s), IClassFixture<WebhookPostgresServer>;

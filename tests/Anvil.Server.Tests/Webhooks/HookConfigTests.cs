using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.PullRequests;
using Anvil.Server.Tests.Repositories;

namespace Anvil.Server.Tests.Webhooks;

/// <summary>GitHub's <c>GET|PATCH …/hooks/{id}/config</c>: the secret write-only, validated as a hook update is.</summary>
public abstract class HookConfigTests(PullsServer server) : IAsyncLifetime
{
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_hooks_config_is_read_and_changed_alone_and_bad_input_changes_nothing()
    {
        using var repo = await PullRepo.CreateAsync(server, isPrivate: true);
        var reader = await server.SignUpAsync();
        var stranger = await server.SignUpAsync();
        await RepoSetup.AddCollaboratorAsync(repo.Owner, repo.Name, reader, "read");
        var hook = await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url("/cfg"), ["push"], secret: "s3cret");
        var url = $"{repo.V1}/hooks/{hook["id"]}/config";
        using var o = repo.Owner.Client();

        var config = await (await o.GetAsync(url)).JsonAsync();
        Assert.Equal(_receiver.Url("/cfg"), config.Str("url"));
        Assert.Equal("json", config.Str("content_type"));
        Assert.Equal("0", config.Str("insecure_ssl"));
        Assert.Equal("********", config.Str("secret"));

        await (await server.Anonymous().GetAsync(url)).ErrorAsync(HttpStatusCode.Unauthorized);
        using (var s = stranger.Client())
        {
            await (await s.GetAsync(url)).ErrorAsync(HttpStatusCode.NotFound);
            await (await s.PatchAsJsonAsync(url, new { content_type = "form" })).ErrorAsync(HttpStatusCode.NotFound);
        }
        using (var r = reader.Client())
        {
            await (await r.GetAsync(url)).ErrorAsync(HttpStatusCode.Forbidden);
            await (await r.PatchAsJsonAsync(url, new { content_type = "form" })).ErrorAsync(HttpStatusCode.Forbidden);
        }
        await (await o.GetAsync($"{repo.V1}/hooks/999999/config")).ErrorAsync(HttpStatusCode.NotFound);
        await (await o.PatchAsJsonAsync(url, new { url = "ftp://example.com/hook" })).ErrorAsync((HttpStatusCode)422);
        await (await o.PatchAsJsonAsync(url, new { content_type = "xml" })).ErrorAsync((HttpStatusCode)422);
        await (await o.PatchAsJsonAsync(url, new { insecure_ssl = "maybe" })).ErrorAsync((HttpStatusCode)422);
        await (await o.PatchAsJsonAsync(url, "[]")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(config.ToJsonString(), (await (await o.GetAsync(url)).JsonAsync()).ToJsonString());

        var changed = await (await o.PatchAsJsonAsync(url, new { content_type = "form", insecure_ssl = "1" })).JsonAsync();
        Assert.Equal("form", changed.Str("content_type"));
        Assert.Equal("1", changed.Str("insecure_ssl"));
        Assert.Equal("********", changed.Str("secret"));
        Assert.Equal(_receiver.Url("/cfg"), changed.Str("url"));
        // The hook itself shows the new config, and its deliveries use it.
        var whole = await (await o.GetAsync($"{repo.V1}/hooks/{hook["id"]}")).JsonAsync();
        Assert.Equal("form", whole.Str("config.content_type"));
        Assert.Equal(["push"], whole["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        (await o.PostAsync($"{repo.V1}/hooks/{hook["id"]}/pings", null)).EnsureSuccessStatusCode();
        // (Creating the hook pinged it in JSON; this ping goes form-encoded.)
        var ping = await _receiver.WaitForAsync(d => d.Path == "/cfg" && d.Event == "ping" && d.Text.StartsWith("payload=", StringComparison.Ordinal), "a form ping");
        Assert.StartsWith("sha256=", ping.Header("X-Hub-Signature-256"));

        // An empty secret removes it.
        Assert.Null((await (await o.PatchAsJsonAsync(url, new { secret = "" })).JsonAsync())["secret"]);
    }
}

public sealed class HookConfigTestsOnSqlite(PullsSqliteServer s) : HookConfigTests(s), IClassFixture<PullsSqliteServer>;

public sealed class HookConfigTestsOnPostgres(PullsPostgresServer s) : HookConfigTests(s), IClassFixture<PullsPostgresServer>;

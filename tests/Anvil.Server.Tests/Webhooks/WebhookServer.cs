using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Webhooks;

/// <summary>
/// A server whose webhooks may reach 127.0.0.1 (and nothing else private), retrying on a
/// seconds scale, with a Discord channel and bot secret pointing at a loopback receiver.
/// </summary>
public abstract class WebhookServer : AnvilServer, IAsyncLifetime
{
    public const string BotSecret = "bot-secret-for-tests-0123456789";

    /// <summary>Receives the Discord channel's messages at <c>/discord</c>.</summary>
    public HookReceiver Discord { get; private set; } = null!;

    protected virtual void Configure()
    {
        Settings["ANVIL_WEBHOOK_ALLOW_HOSTS"] = "127.0.0.1";
        Settings["ANVIL_WEBHOOK_RETRY_BASE_SECONDS"] = "0.3";
        Settings["ANVIL_WEBHOOK_MAX_ATTEMPTS"] = "6";
        Settings["ANVIL_WEBHOOK_TIMEOUT_SECONDS"] = "5";
        Settings["DISCORD_WEBHOOK_URL"] = Discord.Url("/discord");
        Settings["WEBHOOK_SECRET"] = BotSecret;
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        Discord = await HookReceiver.StartAsync();
        Configure();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Discord.DisposeAsync();
    }

    /// <summary>Creates a repository owned by <paramref name="owner"/> (v1), empty unless <paramref name="autoInit"/>.</summary>
    public static async Task<string> CreateRepoAsync(TestUser owner, bool isPrivate = false, bool autoInit = false)
    {
        var name = "r" + Guid.NewGuid().ToString("N")[..10];
        using var c = owner.Client();
        var res = await c.PostAsJsonAsync("/api/v1/user/repos", new { name, @private = isPrivate, auto_init = autoInit });
        await res.JsonAsync(System.Net.HttpStatusCode.Created);
        return name;
    }

    /// <summary>Creates a hook on <paramref name="owner"/>/<paramref name="repo"/> and returns its JSON.</summary>
    public static async Task<JsonNode> CreateHookAsync(TestUser owner, string repo, string url, string[]? events = null, string? secret = null,
        string contentType = "json")
    {
        using var c = owner.Client();
        var res = await c.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/{repo}/hooks", new
        {
            name = "web",
            config = new { url, content_type = contentType, secret, insecure_ssl = "0" },
            events = events ?? ["*"],
            active = true,
        });
        return await res.JsonAsync(System.Net.HttpStatusCode.Created);
    }
}

public sealed class WebhookSqliteServer : WebhookServer
{
    public override Database Database => Database.Sqlite;
}

public sealed class WebhookPostgresServer : WebhookServer
{
    public override Database Database => Database.Postgres;
}

/// <summary>A scratch working copy that pushes to the server with the real git CLI, isolated from the host's configuration.</summary>
public sealed class WorkingCopy : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "anvil-wc-" + Guid.NewGuid().ToString("N")[..10]);
    public string Dir => Path.Combine(_home, "work");

    public WorkingCopy()
    {
        Directory.CreateDirectory(Dir);
    }

    public static async Task<WorkingCopy> InitAsync(AnvilServer server, TestUser user, string repo)
    {
        var wc = new WorkingCopy();
        await wc.GitAsync("init", "-q", "-b", "main");
        var remote = new UriBuilder(server.BaseUri) { UserName = user.Username, Password = user.Password, Path = $"/{user.Username}/{repo}.git" };
        await wc.GitAsync("remote", "add", "origin", remote.Uri.ToString());
        return wc;
    }

    public async Task<string> CommitAsync(string file, string content, string message)
    {
        await File.WriteAllTextAsync(Path.Combine(Dir, file), content);
        await GitAsync("add", "-A");
        await GitAsync("commit", "-q", "-m", message);
        return (await GitAsync("rev-parse", "HEAD")).Trim();
    }

    public async Task<string> GitAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = Dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        psi.Environment["HOME"] = _home;
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_AUTHOR_NAME"] = psi.Environment["GIT_COMMITTER_NAME"] = "Hook Tester";
        psi.Environment["GIT_AUTHOR_EMAIL"] = psi.Environment["GIT_COMMITTER_EMAIL"] = "hooks@example.com";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {await stderr}");
        }
        return await stdout;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

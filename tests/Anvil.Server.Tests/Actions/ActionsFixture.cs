using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Actions;

/// <summary>A repository with a working clone, for pushing workflows, plus helpers to drive the runner API as a runner would.</summary>
public sealed class ActionsRepo(AnvilServer server, TestUser owner, string name, GitClient git, string clone) : IDisposable
{
    public TestUser Owner => owner;
    public string Name => name;
    public string Api => $"/api/v1/repos/{owner.Username}/{name}";
    public GitClient Git => git;

    public static async Task<ActionsRepo> CreateAsync(AnvilServer server, bool isPrivate = false)
    {
        var owner = await server.SignUpAsync();
        using var c = owner.Client();
        var name = "act" + Guid.NewGuid().ToString("N")[..8];
        await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name, @private = isPrivate, auto_init = true })).JsonAsync(HttpStatusCode.Created);
        var git = new GitClient();
        var clone = git.Path("work");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, name, owner.Username, owner.Password), clone);
        return new ActionsRepo(server, owner, name, git, clone);
    }

    /// <summary>Commits <paramref name="files"/> and pushes to <paramref name="branch"/>; returns the commit.</summary>
    public async Task<string> PushAsync(string branch, params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(clone, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
            await git.OkAsync(clone, "add", "--", path);
        }
        await git.OkAsync(clone, "commit", "-q", "--allow-empty", "-m", "change " + Guid.NewGuid().ToString("N")[..6]);
        await git.OkAsync(clone, "push", "-q", "origin", "HEAD:refs/heads/" + branch);
        return await git.OkAsync(clone, "rev-parse", "HEAD");
    }

    public async Task<string> RegistrationTokenAsync()
    {
        using var c = owner.Client();
        return (await (await c.PostAsync($"{Api}/actions/runners/registration-token", null)).JsonAsync(HttpStatusCode.Created)).Str("token");
    }

    /// <summary>Registers a runner over the API and returns its credential.</summary>
    public async Task<string> RegisterRunnerAsync(string? name = null)
    {
        using var anon = server.Anonymous();
        var res = await (await anon.PostAsJsonAsync("/api/v1/runners/register", new { token = await RegistrationTokenAsync(), name })).JsonAsync(HttpStatusCode.Created);
        return res.Str("token");
    }

    public async Task<JsonNode> GetAsync(string path)
    {
        using var c = owner.Client();
        return await (await c.GetAsync(Api + path)).JsonAsync();
    }

    /// <summary>Polls until <paramref name="done"/> holds; the deadline is a safety net, never an assertion on speed.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 180, Func<string>? detail = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gave up waiting for {what}; last: {value}\n{detail?.Invoke()}");
            }
            await Task.Delay(200);
        }
    }

    public Task<JsonNode> RunsAsync() => GetAsync("/actions/runs");

    public async Task<JsonNode> CompletedRunAsync(long runId) =>
        await EventuallyAsync(() => GetAsync($"/actions/runs/{runId}"), r => r.Str("status") == "completed", $"run {runId} to complete");

    public async Task<string> LogsAsync(long jobId)
    {
        using var c = owner.Client();
        var res = await c.GetAsync($"{Api}/actions/jobs/{jobId}/logs");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return await res.Content.ReadAsStringAsync();
    }

    public void Dispose() => git.Dispose();
}

/// <summary>A runner speaking the protocol over HTTP, one call at a time with the token chain.</summary>
public sealed class ApiRunner(AnvilServer server, string credential)
{
    public string? Token;
    public long JobId;

    public async Task<HttpResponseMessage> HeartbeatAsync(int wait = 0)
    {
        using var c = server.WithBearer(credential);
        return await c.PostAsJsonAsync("/api/v1/runners/heartbeat", new { wait_seconds = wait });
    }

    public async Task<JsonNode> ClaimAsync()
    {
        var job = await ActionsRepo.EventuallyAsync(async () =>
        {
            var res = await HeartbeatAsync(2);
            return res.StatusCode == HttpStatusCode.OK ? await res.JsonAsync() : null;
        }, j => j is not null, "a job to claim");
        Token = job!.Str("token");
        JobId = job["job"]!["id"]!.GetValue<long>();
        return job;
    }

    public async Task<HttpResponseMessage> CallRawAsync(string path, object body, string? token = null)
    {
        using var c = server.WithBearer(token ?? Token!);
        return await c.PostAsJsonAsync($"/api/v1/jobs/{JobId}/{path}", body);
    }

    public async Task<JsonNode> CallAsync(string path, object body)
    {
        var json = await (await CallRawAsync(path, body)).JsonAsync();
        Token = json.Str("next_token");
        return json;
    }

    /// <summary>Uploads <paramref name="content"/> as an artifact with the current token (or <paramref name="token"/>); the token is not advanced.</summary>
    public async Task<HttpResponseMessage> UploadRawAsync(string name, HttpContent content, string? token = null)
    {
        using var c = server.WithBearer(token ?? Token!);
        return await c.PostAsync($"/api/v1/jobs/{JobId}/artifacts?name={Uri.EscapeDataString(name)}", content);
    }

    public Task<JsonNode> LogAsync(int seq, string text) => CallAsync("logs", new { seq, chunk = Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) });
}

/// <summary>A real <c>anvil-runner</c> process.</summary>
public sealed class RunnerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();
    private readonly string _work;

    public RunnerProcess(AnvilServer server, string registrationToken, string? name = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "anvil-runner.dll");
        _work = Path.Combine(Path.GetTempPath(), "anvil-runner-test-" + Guid.NewGuid().ToString("N")[..8]);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--url", server.BaseUri.ToString().TrimEnd('/'), "--token", registrationToken, "--name", name ?? "test-runner",
                     "--work", _work, "--wait", "5" })
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

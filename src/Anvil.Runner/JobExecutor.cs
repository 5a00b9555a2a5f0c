using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Anvil.Runner;

/// <summary>The job was taken away (token refused): stop working on it.</summary>
public sealed class JobLostException(string message) : Exception(message);

/// <summary>
/// Calls the job API with the job's token chain: every call spends the current token and keeps the
/// <c>next_token</c> it returns, so calls are strictly one at a time. Connection failures (a server
/// restarting) are retried with the same token for a while.
/// </summary>
public sealed class JobSession(HttpClient http, long jobId, string firstToken)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string _token = firstToken;

    public Task<JsonNode> CallAsync(string path, object body, CancellationToken ct) => SendAsync(path, () => JsonContent.Create(body), ct);

    /// <summary>One call whose body <paramref name="content"/> makes afresh for each attempt (a retry resends it whole).</summary>
    public async Task<JsonNode> SendAsync(string path, Func<HttpContent> content, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (true)
            {
                try
                {
                    using var req = new HttpRequestMessage(HttpMethod.Post, $"api/v1/jobs/{jobId}/{path}") { Content = content() };
                    req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                    using var res = await http.SendAsync(req, ct);
                    if (res.StatusCode == HttpStatusCode.Unauthorized)
                    {
                        throw new JobLostException($"the server refused the job token on {path}");
                    }
                    if ((int)res.StatusCode >= 500 && DateTime.UtcNow < deadline)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), ct);
                        continue;
                    }
                    var json = await res.Content.ReadFromJsonAsync<JsonNode>(ct) ?? new JsonObject();
                    if (!res.IsSuccessStatusCode)
                    {
                        throw new InvalidOperationException($"{path}: {(int)res.StatusCode} {json["error"]}");
                    }
                    _token = json["next_token"]!.GetValue<string>();
                    return json;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Job tokens are secrets too: they never reach the log.</summary>
    public string Mask(string text) => text.Replace(_token, "***");
}

/// <summary>Runs one job: checks out the commit, runs each step's shell, streams the log, reports every status.</summary>
public sealed class JobExecutor(HttpClient http, JsonObject job, string token, string checkoutToken, string workRoot, Action<string> log)
{
    private readonly long _jobId = job["id"]!.GetValue<long>();
    private readonly JobSession _session = new(http, job["id"]!.GetValue<long>(), token);
    private readonly StringBuilder _pending = new();
    private int _seq;

    public async Task<string> RunAsync(CancellationToken stopping)
    {
        var workspace = Path.Combine(workRoot, $"job-{_jobId}-{Guid.NewGuid().ToString("N")[..8]}");
        var scripts = workspace + ".scripts";
        Directory.CreateDirectory(workspace);
        Directory.CreateDirectory(scripts);
        var timeout = TimeSpan.FromMinutes(job["timeout_minutes"]?.GetValue<int>() ?? 360);
        using var timeoutCts = new CancellationTokenSource(timeout);
        using var cancelCts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(timeoutCts.Token, cancelCts.Token);
        using var background = new CancellationTokenSource();
        var flusher = FlushLoopAsync(background.Token);
        var watcher = WatchCancellationAsync(cancelCts, background.Token);
        var conclusion = "success";
        try
        {
            var env = new Dictionary<string, string>();
            foreach (var (k, v) in job["env"]!.AsObject())
            {
                env[k] = v!.GetValue<string>();
            }
            env["GITHUB_WORKSPACE"] = workspace;
            env["RUNNER_TEMP"] = scripts;
            Append($"Job {job["name"]} on runner, commit {job["head_sha"]}\n");
            foreach (var step in job["steps"]!.AsArray().Select(s => s!.AsObject()))
            {
                var number = step["number"]!.GetValue<int>();
                if (conclusion != "success")
                {
                    await _session.CallAsync($"steps/{number}/status", new { status = "completed", conclusion = "skipped" }, stopping);
                    continue;
                }
                await _session.CallAsync($"steps/{number}/status", new { status = "in_progress" }, stopping);
                Append($"\n▶ {step["name"]}\n");
                var stepConclusion = await RunStepAsync(step, env, workspace, scripts, abort.Token);
                if (stepConclusion == "failure" && abort.IsCancellationRequested)
                {
                    stepConclusion = timeoutCts.IsCancellationRequested ? "timed_out" : "cancelled";
                }
                if (stepConclusion != "success")
                {
                    conclusion = stepConclusion;
                    Append(stepConclusion switch
                    {
                        "timed_out" => $"The job exceeded its timeout of {timeout.TotalMinutes} minutes.\n",
                        "cancelled" => "The job was cancelled.\n",
                        _ => "",
                    });
                }
                await _session.CallAsync($"steps/{number}/status", new { status = "completed", conclusion = stepConclusion }, stopping);
            }
            background.Cancel();
            await flusher;
            await watcher;
            await FlushAsync(stopping);
            await _session.CallAsync("status", new { status = "completed", conclusion }, stopping);
            return conclusion;
        }
        catch (JobLostException e)
        {
            log($"job {_jobId} lost: {e.Message}");
            return "lost";
        }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // A fault of the runner itself: report the job failed rather than leave it to the lease.
            log($"job {_jobId} failed in the runner: {e}");
            try
            {
                Append($"\nThe runner failed: {e.Message}\n");
                await FlushAsync(stopping);
                await _session.CallAsync("status", new { status = "completed", conclusion = "failure" }, stopping);
            }
            catch (Exception)
            {
            }
            return "failure";
        }
        finally
        {
            background.Cancel();
            await Task.WhenAll(flusher, watcher).ContinueWith(_ => { }, TaskScheduler.Default);
            TryDelete(workspace);
            TryDelete(scripts);
        }
    }

    private async Task<string> RunStepAsync(JsonObject step, Dictionary<string, string> jobEnv, string workspace, string scripts, CancellationToken abort)
    {
        var env = new Dictionary<string, string>(jobEnv);
        if (step["env"] is JsonObject stepEnv)
        {
            foreach (var (k, v) in stepEnv)
            {
                env[k] = v!.GetValue<string>();
            }
        }
        if (step["uses"]?.GetValue<string>() is { } uses)
        {
            if (uses.StartsWith("actions/upload-artifact@", StringComparison.Ordinal))
            {
                return await UploadArtifactAsync(step["with"] as JsonObject, workspace, abort) ? "success" : "failure";
            }
            return await CheckoutAsync(workspace, env, abort) ? "success" : "failure";
        }
        var dir = workspace;
        if (step["working_directory"]?.GetValue<string>() is { Length: > 0 } wd)
        {
            dir = Path.GetFullPath(Path.Combine(workspace, wd));
            if (!Directory.Exists(dir))
            {
                Append($"working-directory {wd} does not exist\n");
                return "failure";
            }
        }
        var script = Path.Combine(scripts, $"step-{step["number"]}.sh");
        await File.WriteAllTextAsync(script, step["run"]!.GetValue<string>(), abort.IsCancellationRequested ? CancellationToken.None : abort);
        var exit = await RunProcessAsync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], dir, env, abort);
        if (exit != 0 && !abort.IsCancellationRequested)
        {
            Append($"Process completed with exit code {exit}.\n");
        }
        return exit == 0 ? "success" : "failure";
    }

    private async Task<bool> CheckoutAsync(string workspace, Dictionary<string, string> env, CancellationToken abort)
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + checkoutToken));
        var gitEnv = new Dictionary<string, string>(env) { ["GIT_TERMINAL_PROMPT"] = "0" };
        var url = job["clone_url"]!.GetValue<string>();
        var sha = job["head_sha"]!.GetValue<string>();
        Append($"Checking out {sha} from {url}\n");
        string[][] commands =
        [
            ["init", "-q", "."],
            ["-c", $"http.extraHeader=Authorization: Basic {auth}", "fetch", "-q", "--depth", "1", "--no-tags", url, sha],
            ["checkout", "-q", "--detach", "FETCH_HEAD"],
        ];
        foreach (var args in commands)
        {
            if (await RunProcessAsync("git", args, workspace, gitEnv, abort) != 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// <c>actions/upload-artifact</c>: zips <c>with.path</c> (a file, or a directory's contents, relative to the workspace)
    /// and uploads it as <c>with.name</c> (default <c>artifact</c>).
    /// </summary>
    private async Task<bool> UploadArtifactAsync(JsonObject? with, string workspace, CancellationToken abort)
    {
        var name = with?["name"]?.GetValue<string>() is { Length: > 0 } n ? n : "artifact";
        var relative = with?["path"]?.GetValue<string>() ?? "";
        var path = Path.GetFullPath(Path.Combine(workspace, relative));
        var zip = Path.Combine(Path.GetTempPath(), $"anvil-artifact-{Guid.NewGuid():N}.zip");
        try
        {
            if (Directory.Exists(path))
            {
                ZipFile.CreateFromDirectory(path, zip, CompressionLevel.Optimal, includeBaseDirectory: false);
            }
            else if (File.Exists(path))
            {
                using var archive = ZipFile.Open(zip, ZipArchiveMode.Create);
                archive.CreateEntryFromFile(path, Path.GetFileName(path), CompressionLevel.Optimal);
            }
            else
            {
                Append($"No files were found with the provided path: {relative}. No artifacts will be uploaded.\n");
                return false;
            }
            var size = new FileInfo(zip).Length;
            Append($"Uploading artifact '{name}' ({size} bytes)\n");
            try
            {
                var answer = await _session.SendAsync($"artifacts?name={Uri.EscapeDataString(name)}", () =>
                {
                    var body = new StreamContent(File.OpenRead(zip));
                    body.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
                    return body;
                }, abort);
                Append($"Artifact '{name}' uploaded (id {answer["id"]}).\n");
                return true;
            }
            catch (InvalidOperationException e)
            {
                Append($"Artifact upload refused: {e.Message}\n");
                return false;
            }
        }
        finally
        {
            File.Delete(zip);
        }
    }

    private async Task<int> RunProcessAsync(string file, string[] args, string dir, Dictionary<string, string> env, CancellationToken abort)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        process.StandardInput.Close();
        var stdout = PumpAsync(process.StandardOutput);
        var stderr = PumpAsync(process.StandardError);
        try
        {
            await process.WaitForExitAsync(abort);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
        await Task.WhenAll(stdout, stderr);
        return abort.IsCancellationRequested ? -1 : process.ExitCode;
    }

    private async Task PumpAsync(StreamReader reader)
    {
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
        {
            Append(new string(buffer, 0, n));
        }
    }

    private void Append(string text)
    {
        lock (_pending)
        {
            _pending.Append(text);
        }
    }

    private async Task FlushLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
                // Never abandon a call half-way: the server may have spent the token, and only its answer carries the next one.
                await FlushAsync(CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (JobLostException)
            {
                return;
            }
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        string text;
        lock (_pending)
        {
            if (_pending.Length == 0)
            {
                return;
            }
            text = _pending.ToString();
            _pending.Clear();
        }
        text = _session.Mask(text.Replace(checkoutToken, "***"));
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var offset = 0; offset < bytes.Length; offset += 64 * 1024)
        {
            var chunk = bytes.AsSpan(offset, Math.Min(64 * 1024, bytes.Length - offset)).ToArray();
            await _session.CallAsync("logs", new { seq = _seq, chunk = Convert.ToBase64String(chunk) }, ct);
            _seq++;
        }
    }

    private async Task WatchCancellationAsync(CancellationTokenSource cancel, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stop);
                var answer = await _session.CallAsync("cancel-check", new { }, CancellationToken.None);
                if (answer["cancelled"]?.GetValue<bool>() == true)
                {
                    cancel.Cancel();
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (JobLostException)
            {
                cancel.Cancel(); // the server gave the job to someone else: stop running it
                return;
            }
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Anvil.Runner;

public sealed record RunnerOptions(string Url, string? RegistrationToken, string? StateFile, string? Name, IReadOnlyList<string>? Labels, string WorkDir,
    bool Once, int WaitSeconds)
{
    public const string Usage = """
        usage: anvil-runner --url URL [--token REGISTRATION_TOKEN] [--state FILE] [--name NAME] [--labels a,b]
                            [--work DIR] [--once] [--wait SECONDS]
          --token   registers a new runner (kept in --state when given, so later starts reuse it)
          --once    exit after one job
        """;

    public static RunnerOptions? Parse(string[] args)
    {
        var values = new Dictionary<string, string?>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }
            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[args[i][2..]] = hasValue ? args[++i] : null;
        }
        if (values.GetValueOrDefault("url") is not { } url || (values.GetValueOrDefault("token") is null && values.GetValueOrDefault("state") is null))
        {
            return null;
        }
        return new RunnerOptions(url.TrimEnd('/'), values.GetValueOrDefault("token"), values.GetValueOrDefault("state"), values.GetValueOrDefault("name"),
            values.GetValueOrDefault("labels")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Path.GetFullPath(values.GetValueOrDefault("work") ?? Path.Combine(Path.GetTempPath(), "anvil-runner")),
            values.ContainsKey("once"), int.TryParse(values.GetValueOrDefault("wait"), out var w) ? w : 20);
    }
}

/// <summary>Registers (or reloads its registration), then polls for jobs and runs them one at a time.</summary>
public sealed class RunnerLoop(RunnerOptions options)
{
    private sealed record State(long Id, string Name, string Token);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<int> RunAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(options.Url + "/"), Timeout = TimeSpan.FromSeconds(options.WaitSeconds + 30) };
        var state = await LoadOrRegisterAsync(http, ct);
        Log($"runner {state.Name} (id {state.Id}) polling {options.Url}");
        while (!ct.IsCancellationRequested)
        {
            JsonNode? assignment;
            try
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, "api/v1/runners/heartbeat")
                {
                    Content = JsonContent.Create(new { wait_seconds = options.WaitSeconds }),
                };
                req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", state.Token);
                using var res = await http.SendAsync(req, ct);
                if (res.StatusCode == HttpStatusCode.NoContent)
                {
                    continue;
                }
                if (res.StatusCode == HttpStatusCode.Unauthorized)
                {
                    Log("the server refused this runner's credentials; register again");
                    return 1;
                }
                if (!res.IsSuccessStatusCode)
                {
                    Log($"heartbeat answered {(int)res.StatusCode}; retrying");
                    await Task.Delay(TimeSpan.FromSeconds(2), ct);
                    continue;
                }
                assignment = await res.Content.ReadFromJsonAsync<JsonNode>(ct);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                Log($"server unreachable ({e.Message}); retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                continue;
            }
            if (assignment?["job"] is not JsonObject job)
            {
                continue;
            }
            var conclusion = await new JobExecutor(http, job, assignment["token"]!.GetValue<string>(), assignment["checkout_token"]!.GetValue<string>(),
                options.WorkDir, Log).RunAsync(ct);
            Log($"job {job["id"]} finished: {conclusion}");
            if (options.Once)
            {
                return 0;
            }
        }
        return 0;
    }

    private async Task<State> LoadOrRegisterAsync(HttpClient http, CancellationToken ct)
    {
        if (options.StateFile is not null && File.Exists(options.StateFile))
        {
            return JsonSerializer.Deserialize<State>(await File.ReadAllTextAsync(options.StateFile, ct), Json)
                ?? throw new InvalidOperationException("unreadable state file");
        }
        if (options.RegistrationToken is null)
        {
            throw new InvalidOperationException("no state file and no --token to register with");
        }
        var res = await http.PostAsJsonAsync("api/v1/runners/register", new { token = options.RegistrationToken, name = options.Name, labels = options.Labels }, ct);
        var body = await res.Content.ReadFromJsonAsync<JsonNode>(ct);
        if (!res.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"registration failed: {(int)res.StatusCode} {body?["error"]}");
        }
        var state = new State(body!["id"]!.GetValue<long>(), body["name"]!.GetValue<string>(), body["token"]!.GetValue<string>());
        if (options.StateFile is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.StateFile))!);
            await File.WriteAllTextAsync(options.StateFile, JsonSerializer.Serialize(state, Json), ct);
            File.SetUnixFileMode(options.StateFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return state;
    }

    private static void Log(string message) => Console.WriteLine($"{DateTime.UtcNow:O} {message}");
}

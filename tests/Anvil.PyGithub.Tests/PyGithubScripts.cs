using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Anvil.Server.Tests.Browsing;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.PyGithub.Tests;

/// <summary>What one PyGithub script printed, and the distinct PyGithub calls it made (its <c>CALL</c> lines).</summary>
public sealed record ScriptRun(string Script, int ExitCode, string Output)
{
    public IReadOnlySet<string> Calls { get; } = Output.Split('\n')
        .Where(l => l.StartsWith("CALL ", StringComparison.Ordinal)).Select(l => l[5..].Trim()).ToHashSet();

    public override string ToString() => $"python3 {Script} exited {ExitCode}:\n{Output}";
}

/// <summary>
/// An Anvil server that PyGithub scripts run against, each script with its own freshly signed-up users (so lists such as
/// <c>/user/issues</c> hold only what that script made). A script runs once per server; the distinct-call count reads the
/// same runs.
/// </summary>
public abstract class PyGithubServer : AnvilServer
{
    public const string Python = "/usr/bin/python3";
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, Lazy<Task<ScriptRun>>> _runs = new();
    private readonly SemaphoreSlim _running = new(2);

    protected PyGithubServer()
    {
        // The webhook script receives deliveries on a loopback port of its own.
        Settings["ANVIL_WEBHOOK_ALLOW_HOSTS"] = "127.0.0.1";
    }

    public static string ScriptsDir => Path.Combine(AppContext.BaseDirectory, "scripts");

    public static IEnumerable<string> Groups => Directory.GetFiles(ScriptsDir, "*.py")
        .Select(Path.GetFileNameWithoutExtension).Where(n => n is not "harness").Order()!;

    /// <summary>
    /// Runs <paramref name="script"/> (a file in <c>scripts/</c>, without <c>.py</c>) once, seeded as its group needs. The
    /// first call starts every group, a few at a time: each has users of its own, and most of a script's time is spent
    /// waiting on the server, so the groups overlap instead of queueing behind one test at a time.
    /// </summary>
    public Task<ScriptRun> RunAsync(string script)
    {
        foreach (var group in Groups)
        {
            Start(group);
        }
        return Start(script);
    }

    private Task<ScriptRun> Start(string script) =>
        _runs.GetOrAdd(script, s => new Lazy<Task<ScriptRun>>(() => Task.Run(async () =>
        {
            await _running.WaitAsync();
            try
            {
                return await SeedAndRunAsync(s);
            }
            finally
            {
                _running.Release();
            }
        }))).Value;

    private async Task<ScriptRun> SeedAndRunAsync(string script)
    {
        var owner = await SignUpAsync();
        var other = await SignUpAsync();
        string[] scopes = ["repo", "user", "webhooks", "notifications"];
        var env = new Dictionary<string, string>
        {
            ["ANVIL_API_URL"] = new Uri(BaseUri, "/api/v1").ToString(),
            ["ANVIL_USER"] = owner.Username,
            ["ANVIL_PASSWORD"] = owner.Password,
            ["ANVIL_TOKEN"] = await owner.CreateTokenAsync(scopes),
            ["ANVIL_OTHER_USER"] = other.Username,
            ["ANVIL_OTHER_TOKEN"] = await other.CreateTokenAsync(scopes),
            ["ANVIL_READ_ONLY_TOKEN"] = await owner.CreateTokenAsync("user"),
        };
        if (script is "commits" or "contents")
        {
            env["ANVIL_REPO"] = $"{owner.Username}/{await PushHistoryAsync(owner)}";
        }
        return await RunPythonAsync(script, env);
    }

    /// <summary>
    /// A repository pushed with the git CLI: three commits on <c>main</c> by two authors (the second touching
    /// <c>docs/</c>), and a <c>feature</c> branch one commit ahead.
    /// </summary>
    private static async Task<string> PushHistoryAsync(TestUser owner)
    {
        var name = await GitWorkTree.CreateRepositoryAsync(owner, name: "pushed");
        using var tree = GitWorkTree.Create();
        tree.Write("README.md", "# pushed\n").Commit("Add readme");
        tree.AuthorName = "Bea Writer";
        tree.AuthorEmail = "bea@example.com";
        tree.Write("docs/guide.md", "guide\n").Commit("Add guide");
        tree.AuthorName = "Ada Author";
        tree.AuthorEmail = "ada@example.com";
        tree.Write("src/app.py", "print('app')\n").Commit("Add app");
        tree.Git("checkout", "-q", "-b", "feature");
        tree.Write("src/feature.py", "print('feature')\n").Commit("Add feature");
        tree.Git("checkout", "-q", "main");
        tree.Push(owner, owner.Username, name, "main", "feature");
        return name;
    }

    public static async Task<ScriptRun> RunPythonAsync(string script, IReadOnlyDictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(Python)
        {
            WorkingDirectory = ScriptsDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-u");
        psi.ArgumentList.Add(script + ".py");
        foreach (var (key, value) in env)
        {
            psi.Environment[key] = value;
        }
        // A proxy from the environment must not stand between PyGithub and the loopback server.
        foreach (var proxy in new[] { "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" })
        {
            psi.Environment.Remove(proxy);
        }
        psi.Environment["NO_PROXY"] = "*";
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var p = Process.Start(psi)!;
        var output = new StringBuilder();
        var gate = new object();
        p.OutputDataReceived += (_, e) => { lock (gate) { if (e.Data is not null) output.AppendLine(e.Data); } };
        p.ErrorDataReceived += (_, e) => { lock (gate) { if (e.Data is not null) output.AppendLine("stderr: " + e.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(HangLimit);
        try
        {
            await p.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"python3 {script}.py still running after {HangLimit}:\n{output}");
        }
        p.WaitForExit();
        lock (gate)
        {
            return new ScriptRun(script + ".py", p.ExitCode, output.ToString());
        }
    }
}

public sealed class PyGithubSqliteServer : PyGithubServer
{
    public override Database Database => Database.Sqlite;
}

public sealed class PyGithubPostgresServer : PyGithubServer
{
    public override Database Database => Database.Postgres;
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>
/// Anvil as its own operating-system process (<c>dotnet Anvil.Server.dll</c>), for tests where the server must die the
/// way a real one does (killed mid-request) and start again on the same data directory and database.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    public Uri BaseUri { get; }

    private ServerProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    /// <summary>Starts a server with <paramref name="settings"/> (environment variables) and waits until it answers <c>/health</c>.</summary>
    /// <param name="terminal">Whether its output is a pseudo-terminal (script(1)), as when a person starts it in a shell.</param>
    public static async Task<ServerProcess> StartAsync(string dataDir, string? databaseUrl, IReadOnlyDictionary<string, string> settings,
        bool terminal = false)
    {
        var port = FreePort();
        var server = Path.Combine(AppContext.BaseDirectory, "Anvil.Server.dll");
        var psi = terminal ? new ProcessStartInfo("script") : new ProcessStartInfo("dotnet");
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = terminal; // script(1) reads its terminal's input from here
        psi.UseShellExecute = false;
        psi.WorkingDirectory = dataDir;
        if (terminal)
        {
            foreach (var a in (string[])["-qfec", $"exec dotnet '{server}' --urls http://127.0.0.1:{port}", "/dev/null"])
            {
                psi.ArgumentList.Add(a);
            }
        }
        else
        {
            psi.ArgumentList.Add(server);
            psi.ArgumentList.Add("--urls");
            psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        }
        psi.Environment.Remove("ANVIL_LOG_FORMAT"); // the format follows the output unless a test's settings say otherwise
        psi.Environment["ANVIL_DATA_DIR"] = dataDir;
        psi.Environment["DATABASE_URL"] = databaseUrl ?? "";
        psi.Environment["ANVIL_MAINTENANCE_INTERVAL_SECONDS"] = "0";
        foreach (var key in new[] { "ANVIL_RATELIMIT_PER_MINUTE", "ANVIL_RATELIMIT_BURST", "ANVIL_RATELIMIT_API_AUTHED_PER_HOUR",
                     "ANVIL_RATELIMIT_API_ANON_PER_HOUR", "ANVIL_RATELIMIT_SIGNUPS_PER_HOUR", "ANVIL_RATELIMIT_PAGES_PER_MINUTE" })
        {
            psi.Environment[key] = "0";
        }
        foreach (var (key, value) in settings)
        {
            psi.Environment[key] = value;
        }
        var started = new ServerProcess(Process.Start(psi)!, new Uri($"http://127.0.0.1:{port}"));
        started._process.OutputDataReceived += (_, e) => started.Append(e.Data);
        started._process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        started._process.BeginOutputReadLine();
        started._process.BeginErrorReadLine();
        await started.WaitUntilHealthyAsync();
        return started;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(line.TrimEnd('\r'));
        }
    }

    /// <summary>What the server wrote so far, line by line (standard output and error).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_output)
            {
                return _output.ToList();
            }
        }
    }

    public string Output => string.Join('\n', Lines);

    /// <summary>The first line that matches, waiting (up to a minute) for the server to write it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            if (Lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }
            if (_process.HasExited)
            {
                break;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"the expected log line did not come; the server wrote:\n{Output}");
    }

    public bool HasExited => _process.HasExited;

    public HttpClient Client(string? bearer = null)
    {
        var c = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = BaseUri };
        if (bearer is not null)
        {
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return c;
    }

    /// <summary>Waits (up to a minute) for the process to end by itself.</summary>
    public async Task WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(timeout.Token);
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var c = Client();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                if ((await c.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"the server never became healthy:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

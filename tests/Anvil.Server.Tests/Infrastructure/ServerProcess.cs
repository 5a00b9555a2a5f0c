using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>
/// Anvil as its own operating-system process (<c>dotnet Anvil.Server.dll</c>), for tests where the server must die the
/// way a real one does (killed mid-request) and start again on the same data directory and database.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public Uri BaseUri { get; }

    private ServerProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    /// <summary>Starts a server with <paramref name="settings"/> (environment variables) and waits until it answers <c>/health</c>.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDir, string? databaseUrl, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Anvil.Server.dll"));
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        psi.Environment["ANVIL_DATA_DIR"] = dataDir;
        psi.Environment["DATABASE_URL"] = databaseUrl ?? "";
        psi.Environment["ANVIL_MAINTENANCE_INTERVAL_SECONDS"] = "0";
        foreach (var key in new[] { "ANVIL_RATELIMIT_PER_MINUTE", "ANVIL_RATELIMIT_BURST", "ANVIL_RATELIMIT_API_AUTHED_PER_HOUR",
                     "ANVIL_RATELIMIT_API_ANON_PER_HOUR", "ANVIL_RATELIMIT_SIGNUPS_PER_HOUR" })
        {
            psi.Environment[key] = "0";
        }
        foreach (var (key, value) in settings)
        {
            psi.Environment[key] = value;
        }
        var server = new ServerProcess(Process.Start(psi)!, new Uri($"http://127.0.0.1:{port}"));
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        await server.WaitUntilHealthyAsync();
        return server;
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
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

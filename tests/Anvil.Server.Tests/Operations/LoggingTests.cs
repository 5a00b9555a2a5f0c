using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Anvil.Server.Tests.Operations;

/// <summary>
/// What an operator reads: the real server binary started as its own process, once on a pseudo-terminal (text
/// lines) and once with its output piped to a collector (JSON lines).
/// </summary>
public sealed class LoggingTests
{
    private const string SecretToken = "shp_NotARealTokenButItMustNeverBeLogged0000";

    [Fact]
    public async Task On_a_terminal_the_log_is_text_lines_with_one_line_per_request_and_no_secret()
    {
        await using var server = await LoggedServer.StartAsync(terminal: true);
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var req = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/meta?token={SecretToken}");
        req.Headers.Add("X-Request-Id", "log-test-1");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(req)).StatusCode);
        var requestLine = await server.WaitForLineAsync(l => l.Contains("GET /api/v1/meta 200"));

        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info  Anvil\.Requests: GET /api/v1/meta 200 \d+\.\dms user=- request_id=log-test-1$",
            requestLine);
        var log = server.Output;
        Assert.Contains("listening on " + server.BaseUri.ToString().TrimEnd('/'), log);
        Assert.Contains("data directory " + server.DataDir, log);
        Assert.Contains("database SQLite", log);
        Assert.Contains("mail not configured", log);
        Assert.Contains("admin create-user", log);
        Assert.DoesNotContain("Dictionary`2", log);
        Assert.DoesNotContain(SecretToken, log);
        Assert.DoesNotContain("{\"", log);
    }

    [Fact]
    public async Task Piped_the_log_is_json_lines_each_with_its_request_id()
    {
        await using var server = await LoggedServer.StartAsync(terminal: false);
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var req = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/repos/nobody/nothing?token={SecretToken}");
        req.Headers.Add("X-Request-Id", "log-test-2");
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(req)).StatusCode);
        await server.WaitForLineAsync(l => l.Contains("/api/v1/repos/nobody/nothing"));

        var entries = server.Lines.Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var request = entries.Single(e => e["Category"]!.GetValue<string>() == "Anvil.Requests"
                                          && e["State"]?["Path"]?.GetValue<string>() == "/api/v1/repos/nobody/nothing");
        Assert.Equal("Information", request["LogLevel"]!.GetValue<string>());
        Assert.Equal("GET", request["State"]!["Method"]!.GetValue<string>());
        Assert.Equal(404, int.Parse(request["State"]!["Status"]!.ToString()));
        Assert.Equal("log-test-2", request["State"]!["RequestId"]!.GetValue<string>());
        Assert.Contains(entries, e => e["Category"]!.GetValue<string>() == "Anvil.Startup");
        var log = server.Output;
        Assert.DoesNotContain("Dictionary`2", log);
        Assert.DoesNotContain(SecretToken, log);
    }

    /// <summary>The server binary in its own process, its log collected line by line.</summary>
    private sealed class LoggedServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly SemaphoreSlim _newLine = new(0);

        public Uri BaseUri { get; }
        public string DataDir { get; }

        private LoggedServer(Process process, Uri baseUri, string dataDir)
        {
            _process = process;
            BaseUri = baseUri;
            DataDir = dataDir;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }
                lock (_lines)
                {
                    _lines.Add(e.Data.TrimEnd('\r'));
                }
                _newLine.Release();
            };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return _lines.ToList();
                }
            }
        }

        public string Output => string.Join('\n', Lines);

        public static async Task<LoggedServer> StartAsync(bool terminal)
        {
            var dataDir = Path.Combine(Path.GetTempPath(), "anvil-log-" + Guid.NewGuid().ToString("N")[..10]);
            Directory.CreateDirectory(dataDir);
            var port = FreePort();
            var baseUri = new Uri($"http://127.0.0.1:{port}/");
            var server = typeof(AnvilApp).Assembly.Location;
            var command = $"exec dotnet '{server}' --urls http://127.0.0.1:{port}";
            // script(1) gives the server a pseudo-terminal as its standard output, as a person's shell would.
            var psi = terminal
                ? new ProcessStartInfo("script") { ArgumentList = { "-qfec", command, "/dev/null" } }
                : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command } };
            psi.RedirectStandardOutput = true;
            psi.RedirectStandardError = true;
            psi.RedirectStandardInput = true;
            psi.UseShellExecute = false;
            psi.Environment["ANVIL_DATA_DIR"] = dataDir;
            psi.Environment["ANVIL_MAINTENANCE_INTERVAL_SECONDS"] = "0";
            psi.Environment.Remove("ANVIL_LOG_FORMAT");
            psi.Environment.Remove("DATABASE_URL");
            var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the server");
            Infrastructure.SidecarProcesses.EndWithTestRun(process, dataDir);
            var started = new LoggedServer(process, baseUri, dataDir);
            await started.WaitForLineAsync(l => l.Contains("listening on"));
            return started;
        }

        public async Task<string> WaitForLineAsync(Func<string, bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                if (Lines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }
                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new Xunit.Sdk.XunitException($"the expected log line did not come; the server wrote:\n{Output}");
                }
                await _newLine.WaitAsync(TimeSpan.FromMilliseconds(200));
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            try
            {
                Directory.Delete(DataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private static int FreePort()
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }
    }
}

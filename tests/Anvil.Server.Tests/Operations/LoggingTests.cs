using System.Net;
using System.Text.Json.Nodes;

using Anvil.Server.Tests.Infrastructure;

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
        using var data = new TempDirectory();
        await using var server = await StartAsync(terminal: true, data.Path);
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var req = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/meta?token={SecretToken}");
        req.Headers.Add("X-Request-Id", "log-test-1");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(req)).StatusCode);
        var requestLine = await server.WaitForLineAsync(l => l.Contains("GET /api/v1/meta 200"));

        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info  Anvil\.Requests: GET /api/v1/meta 200 \d+\.\dms user=- request_id=log-test-1$",
            requestLine);
        var log = server.Output;
        Assert.Contains("listening on " + server.BaseUri.ToString().TrimEnd('/'), log);
        Assert.Contains("data directory " + data.Path, log);
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
        using var data = new TempDirectory();
        await using var server = await StartAsync(terminal: false, data.Path);
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

    private static async Task<ServerProcess> StartAsync(bool terminal, string dataDir) =>
        await ServerProcess.StartAsync(dataDir, null, new Dictionary<string, string>(), terminal);

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("anvil-log-").FullName;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>
/// Requests Kestrel refuses before any routing, written byte by byte on a raw socket: the answer is still Anvil's
/// (the <c>{"error": …}</c> envelope, <c>X-Request-Id</c>, <c>Cache-Control: no-store</c>), never a bare status.
/// </summary>
public sealed class RejectedRequestTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private sealed record RawResponse(int Status, Dictionary<string, string> Headers, string Body);

    /// <summary>Writes <paramref name="request"/> and reads every response until the server closes the connection.</summary>
    private async Task<List<RawResponse>> SendAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.BaseUri.Host, server.BaseUri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a hang fails the test, never an assertion
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // The server reset the connection after answering (it had unread request bytes); what it sent is in.
        }
        return Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    private static List<RawResponse> Parse(string text)
    {
        var responses = new List<RawResponse>();
        while (text.Length > 0)
        {
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            Assert.True(headEnd > 0, "incomplete response: " + text);
            var lines = text[..headEnd].Split("\r\n");
            var status = int.Parse(lines[0].Split(' ')[1]);
            var headers = lines[1..].Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
            var rest = text[(headEnd + 4)..];
            var body = new StringBuilder();
            if (headers.TryGetValue("Transfer-Encoding", out var coding) && coding == "chunked")
            {
                while (true)
                {
                    var sizeEnd = rest.IndexOf("\r\n", StringComparison.Ordinal);
                    var size = Convert.ToInt32(rest[..sizeEnd], 16);
                    body.Append(rest.AsSpan(sizeEnd + 2, size));
                    rest = rest[(sizeEnd + 2 + size + 2)..];
                    if (size == 0)
                    {
                        break;
                    }
                }
            }
            else
            {
                var length = int.Parse(headers["Content-Length"]); // ASCII bodies: characters are bytes
                Assert.True(rest.Length >= length, $"body shorter than its Content-Length {length}: {text}");
                body.Append(rest.AsSpan(0, length));
                rest = rest[length..];
            }
            responses.Add(new RawResponse(status, headers, body.ToString()));
            text = rest;
        }
        return responses;
    }

    /// <summary>
    /// The envelope; <paramref name="v1"/> when Kestrel had read the request's path, on /api/v1, before rejecting it: then
    /// the v1 body, with GitHub's message and documentation link beside the error.
    /// </summary>
    private string AssertEnvelope(RawResponse res, int status, bool v1 = false)
    {
        Assert.Equal(status, res.Status);
        Assert.StartsWith("application/json", res.Headers["Content-Type"]);
        Assert.Equal("no-store", res.Headers["Cache-Control"]);
        Assert.Matches("^[a-z0-9/:_-]{1,128}$", res.Headers["X-Request-Id"]);
        var body = JsonNode.Parse(res.Body)!.AsObject();
        Assert.Equal(v1 ? ["error", "message", "documentation_url"] : ["error"], body.Select(kv => kv.Key));
        if (v1)
        {
            Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority) + "/docs", body["documentation_url"]!.GetValue<string>());
        }
        var message = body["error"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message));
        return message;
    }

    private string Host => $"Host: {server.BaseUri.Authority}\r\n";

    [Fact]
    public async Task A_nul_byte_in_the_path_is_a_400_envelope()
    {
        var res = Assert.Single(await SendAsync($"GET /api/v1/repos/a%00b HTTP/1.1\r\n{Host}\r\n"));
        Assert.Equal("bad request", AssertEnvelope(res, 400));
    }

    [Fact]
    public async Task A_20000_character_url_is_a_414_envelope()
    {
        var res = Assert.Single(await SendAsync($"GET /api/v1/meta?q={new string('a', 20_000)} HTTP/1.1\r\n{Host}\r\n"));
        Assert.Contains("too long", AssertEnvelope(res, 414));
    }

    [Fact]
    public async Task Oversized_headers_are_a_431_envelope_that_keeps_a_request_id_read_before_them()
    {
        var res = Assert.Single(await SendAsync($"GET /api/v1/meta HTTP/1.1\r\n{Host}X-Request-Id: probe-431\r\nX-Big: {new string('h', 40_000)}\r\n\r\n"));
        Assert.Contains("too large", AssertEnvelope(res, 431, v1: true));
        Assert.Equal("probe-431", res.Headers["X-Request-Id"]);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", 400, false)]
    [InlineData("GET /api/v1/meta\r\n\r\n", 400, false)]
    [InlineData("GET  /api/v1/meta HTTP/1.1\r\n\r\n", 400, false)]
    [InlineData("GET /api/v1/meta HTTP/1.1\r\nno colon here\r\n\r\n", 400, true)]
    [InlineData("GET /api/v1/meta HTTP/7.0\r\nHost: x\r\n\r\n", 505, false)]
    public async Task A_bad_request_line_or_header_is_an_envelope(string request, int status, bool v1)
    {
        AssertEnvelope(Assert.Single(await SendAsync(request)), status, v1);
    }

    [Fact]
    public async Task Answers_before_the_rejection_on_the_same_connection_are_untouched()
    {
        var responses = await SendAsync($"GET /api/v1/meta HTTP/1.1\r\n{Host}X-Request-Id: first-one\r\n\r\nGET /%00 HTTP/1.1\r\n{Host}\r\n");
        Assert.Equal(2, responses.Count);
        Assert.Equal(200, responses[0].Status);
        Assert.Equal("first-one", responses[0].Headers["X-Request-Id"]);
        Assert.IsType<JsonObject>(JsonNode.Parse(responses[0].Body));
        Assert.DoesNotContain("error", responses[0].Body);
        AssertEnvelope(responses[1], 400);
        Assert.NotEqual("first-one", responses[1].Headers["X-Request-Id"]);

        // The server goes on serving new connections as before.
        using var c = server.Anonymous();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await c.GetAsync("/api/v1/meta")).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Meta;

/// <summary>The conventions every response follows; they touch no data, so SQLite suffices.</summary>
public sealed class ConventionsTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task Health_answers_ok()
    {
        using var c = server.Anonymous();
        var body = await (await c.GetAsync("/health")).JsonAsync();
        Assert.Equal("ok", body.Str("status"));
    }

    [Fact]
    public async Task Meta_reports_version_commit_build_time_and_capabilities()
    {
        using var c = server.Anonymous();
        var body = await (await c.GetAsync("/api/v1/meta")).JsonAsync();
        Assert.StartsWith("v", body.Str("version"));
        Assert.False(string.IsNullOrEmpty(body.Str("commit")));
        Assert.True(DateTime.TryParse(body.Str("built_at"), out _));
        Assert.Contains("pat-auth", body["capabilities"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Unknown_route_and_wrong_method_answer_with_the_error_envelope()
    {
        using var c = server.Anonymous();
        Assert.Equal("not found", await (await c.GetAsync("/api/no/such/route")).ErrorAsync(HttpStatusCode.NotFound));
        Assert.Equal("not found", await (await c.GetAsync("/api/v1/nothing")).ErrorAsync(HttpStatusCode.NotFound));
        Assert.Equal("method not allowed", await (await c.DeleteAsync("/health")).ErrorAsync(HttpStatusCode.MethodNotAllowed));
    }

    [Fact]
    public async Task Request_id_is_reused_when_well_formed_and_generated_otherwise()
    {
        using var c = server.Anonymous();
        var req = new HttpRequestMessage(HttpMethod.Get, "/health");
        req.Headers.Add("X-Request-Id", "trace/abc:1_2-3");
        var res = await c.SendAsync(req);
        Assert.Equal("trace/abc:1_2-3", res.Headers.GetValues("X-Request-Id").Single());

        req = new HttpRequestMessage(HttpMethod.Get, "/health");
        req.Headers.Add("X-Request-Id", "NOT VALID!");
        res = await c.SendAsync(req);
        var generated = res.Headers.GetValues("X-Request-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", generated);

        res = await c.GetAsync("/api/nope");
        Assert.Matches("^[0-9a-f]{32}$", res.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task Api_responses_are_not_cached_including_errors()
    {
        using var c = server.Anonymous();
        foreach (var path in new[] { "/api/v1/meta", "/api/v1/user", "/api/users/nobody-here" })
        {
            var res = await c.GetAsync(path);
            Assert.Equal("no-store", res.Headers.CacheControl?.ToString());
        }
    }

    [Fact]
    public async Task Malformed_or_missing_json_is_a_400()
    {
        using var c = server.Anonymous();
        Assert.Contains("malformed JSON", await (await c.SendRawAsync(HttpMethod.Post, "/auth/sign-up", "{\"email\":")).ErrorAsync(HttpStatusCode.BadRequest));
        Assert.Contains("malformed JSON", await (await c.SendRawAsync(HttpMethod.Post, "/auth/sign-up", "[1,2]")).ErrorAsync(HttpStatusCode.BadRequest));
        Assert.Contains("malformed JSON", await (await c.SendRawAsync(HttpMethod.Post, "/auth/sign-up", "{\"email\": 5}")).ErrorAsync(HttpStatusCode.BadRequest));
        Assert.Contains("required", await (await c.SendRawAsync(HttpMethod.Post, "/auth/sign-up", "")).ErrorAsync(HttpStatusCode.BadRequest));
        Assert.Contains("JSON object", await (await c.SendRawAsync(HttpMethod.Post, "/auth/sign-up", "null")).ErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Bodies_over_256_KiB_are_refused_with_413_whether_sized_or_chunked()
    {
        using var c = server.Anonymous();
        var big = "{\"email\":\"" + new string('a', 300 * 1024) + "\"}";
        var res = await c.SendRawAsync(HttpMethod.Post, "/auth/sign-up", big);
        await res.ErrorAsync(HttpStatusCode.RequestEntityTooLarge);

        var chunked = new HttpRequestMessage(HttpMethod.Post, "/auth/sign-up")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))),
        };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Content.Headers.ContentType = new("application/json");
        await (await c.SendAsync(chunked)).ErrorAsync(HttpStatusCode.RequestEntityTooLarge);

        // Just under the cap is read normally (and then judged on its content).
        var fits = "{\"email\":\"" + new string('a', 200 * 1024) + "\"}";
        await (await c.SendRawAsync(HttpMethod.Post, "/auth/sign-up", fits)).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Timestamps_are_rfc3339_utc_to_the_second()
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        var body = await (await c.GetAsync("/api/users/me")).JsonAsync();
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", body.Str("user.createdAt"));
        var v1 = await (await c.GetAsync("/api/v1/user")).JsonAsync();
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", v1.Str("created_at"));
    }

    [Fact]
    public async Task Json_body_bound_to_wrong_types_never_produces_a_500()
    {
        using var c = server.Anonymous();
        foreach (var body in new[] { "{\"username\": {}}", "{\"password\": [1]}", "\"string\"", "12", "{\"email\": true}", "\u0000" })
        {
            var res = await c.SendRawAsync(HttpMethod.Post, "/auth/sign-in", body);
            await res.ErrorAsync(HttpStatusCode.BadRequest);
        }
        var res2 = await c.PostAsJsonAsync("/auth/sign-in", new { });
        await res2.ErrorAsync(HttpStatusCode.BadRequest);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Auth;

/// <summary>
/// Writes signed in by the session cookie must be JSON or multipart: what a page on another site can send without a
/// CORS preflight (text/plain, form encoding, no type) is refused with 415 even when no Origin header says where it
/// came from. Bearer callers may send what they like.
/// </summary>
public abstract class CookieWriteTests(AnvilServer server)
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private static HttpRequestMessage WithCookie(HttpMethod method, string url, TestUser user, HttpContent? content)
    {
        var req = new HttpRequestMessage(method, url) { Content = content };
        req.Headers.Add("Cookie", "anvil_session=" + user.SessionToken);
        return req;
    }

    private static async Task<string> BioAsync(TestUser user)
    {
        using var c = user.Client();
        return (await (await c.GetAsync("/api/users/me/settings")).JsonAsync()).Str("settings.bio");
    }

    public static TheoryData<string, string> CrossSiteBodies => new()
    {
        { """{"bio":"forged"}""", "text/plain" },
        { """{"bio":"forged"}""", "text/plain; charset=utf-8" },
        { "bio=forged", "application/x-www-form-urlencoded" },
        { """{"bio":"forged"}""", "application/octet-stream" },
    };

    [Theory]
    [MemberData(nameof(CrossSiteBodies))]
    public async Task Cookie_writes_that_a_cross_site_form_could_send_are_refused_with_415_and_change_nothing(string body, string contentType)
    {
        var user = await server.SignUpAsync();
        using var seed = user.Client();
        await (await seed.PatchAsJsonAsync("/api/users/me/settings", new { bio = "mine" })).JsonAsync();
        using var c = server.Anonymous();

        foreach (var (method, url) in new[] { (HttpMethod.Patch, "/api/users/me/settings"), (HttpMethod.Patch, "/api/settings"), (HttpMethod.Post, "/api/auth/sign-out"), (HttpMethod.Post, "/auth/sign-out") })
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            var res = await c.SendAsync(WithCookie(method, url, user, content));
            Assert.Contains("application/json", await res.ErrorAsync(HttpStatusCode.UnsupportedMediaType));
            Assert.Equal("no-store", res.Headers.CacheControl?.ToString());
        }
        Assert.Equal("mine", await BioAsync(user));
        await (await user.Client().GetAsync("/api/users/me")).JsonAsync(); // the session survived the refused sign-out
    }

    [Fact]
    public async Task An_untyped_cookie_write_with_a_body_is_refused_and_an_empty_one_passes()
    {
        var user = await server.SignUpAsync();
        using var seed = user.Client();
        await (await seed.PatchAsJsonAsync("/api/users/me/settings", new { bio = "mine" })).JsonAsync();
        using var c = server.Anonymous();
        var untyped = new ByteArrayContent("""{"bio":"forged"}"""u8.ToArray());
        Assert.Null(untyped.Headers.ContentType);
        await (await c.SendAsync(WithCookie(HttpMethod.Patch, "/api/users/me/settings", user, untyped))).ErrorAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("mine", await BioAsync(user));

        // A bodiless write declares nothing and sends nothing: it is judged by the Origin rule alone.
        await (await c.SendAsync(WithCookie(HttpMethod.Post, "/api/notifications/mark-all-read", user, null))).JsonAsync();
    }

    [Fact]
    public async Task Cookie_writes_in_json_and_multipart_pass_and_bearer_callers_are_unaffected()
    {
        var user = await server.SignUpAsync();
        using var c = server.Anonymous();
        await (await c.SendAsync(WithCookie(HttpMethod.Patch, "/api/users/me/settings", user, JsonContent.Create(new { bio = "json" })))).JsonAsync();
        Assert.Equal("json", await BioAsync(user));
        var vendorJson = new StringContent("""{"bio":"vendor"}""", Encoding.UTF8, "application/merge-patch+json");
        await (await c.SendAsync(WithCookie(HttpMethod.Patch, "/api/users/me/settings", user, vendorJson))).JsonAsync();
        Assert.Equal("vendor", await BioAsync(user));

        var file = new ByteArrayContent(Png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var upload = new MultipartFormDataContent { { file, "avatar", "me.png" } };
        var avatar = await (await c.SendAsync(WithCookie(HttpMethod.Patch, "/api/users/me/avatar", user, upload))).JsonAsync();
        Assert.Contains("/avatar", avatar.Str("avatarUrl"));

        // A token is never sent by a browser on another site's behalf: its body is read as JSON whatever it is labelled.
        using var bearer = user.Client();
        await (await bearer.SendRawAsync(HttpMethod.Patch, "/api/users/me/settings", """{"bio":"bearer"}""", "text/plain")).JsonAsync();
        Assert.Equal("bearer", await BioAsync(user));
    }
}

public sealed class CookieWriteTestsOnSqlite(SqliteServer s) : CookieWriteTests(s), IClassFixture<SqliteServer>;

public sealed class CookieWriteTestsOnPostgres(PostgresServer s) : CookieWriteTests(s), IClassFixture<PostgresServer>;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Infrastructure;

/// <summary>
/// Bodies two parsers could read two ways are refused, on every route, changing nothing: JSON objects with a key
/// twice, and bodies that say multipart but are not (or stop before the closing boundary).
/// </summary>
public abstract class MalformedBodyTests(AnvilServer server)
{
    [Fact]
    public async Task A_key_given_twice_is_a_400_on_every_surface_and_changes_nothing()
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        await (await c.PostAsJsonAsync("/api/users/me/settings/preferences", new { theme = "dark" })).JsonAsync();
        await (await c.PatchAsJsonAsync("/api/users/me/settings", new { bio = "kept" })).JsonAsync();

        var name = "dup-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var (method, url, body) in new[]
        {
            (HttpMethod.Post, "/api/users/me/settings/preferences", """{"theme":"light","theme":"system"}"""), // a free-form object
            (HttpMethod.Post, "/api/users/me/settings/preferences", """{"editor":{"tabs":2,"tabs":4}}"""), // nested
            (HttpMethod.Patch, "/api/users/me/settings", """{"bio":"a","bio":"b"}"""), // a typed body
            (HttpMethod.Patch, "/api/users/me/settings", """{"bio":"a","Bio":"b"}"""), // the same property, spelt twice
            (HttpMethod.Post, "/api/repositories", $$"""{"name":"{{name}}","name":"{{name}}-2"}"""),
            (HttpMethod.Post, "/api/v1/user/repos", $$"""{"name":"{{name}}","private":false,"private":true}"""), // v1
            (HttpMethod.Post, "/auth/sign-up", """{"email":"a@example.com","email":"b@example.com","username":"dupkeys","password":"long-enough-1"}"""),
        })
        {
            var message = await (await c.SendRawAsync(method, url, body)).ErrorAsync(HttpStatusCode.BadRequest);
            Assert.Contains("duplicate", message);
        }

        var settings = await (await c.GetAsync("/api/users/me/settings")).JsonAsync();
        Assert.Equal("dark", settings.Str("settings.preferences.theme"));
        Assert.Null(settings["settings"]!["preferences"]!["editor"]);
        Assert.Equal("kept", settings.Str("settings.bio"));
        await (await c.GetAsync($"/api/v1/repos/{user.Username}/{name}")).ErrorAsync(HttpStatusCode.NotFound);
        using var anonymous = server.Anonymous();
        await (await anonymous.GetAsync("/api/users/dupkeys")).ErrorAsync(HttpStatusCode.NotFound);
    }

    private static HttpContent Multipart(string body, string contentType = "multipart/form-data; boundary=anvil-boundary")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    [Fact]
    public async Task A_body_that_says_multipart_but_is_not_a_whole_form_is_a_400_on_the_avatar_routes()
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        var before = (await (await c.GetAsync("/api/users/me")).JsonAsync()).Str("user.avatarUrl");
        var truncated = "--anvil-boundary\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"me.png\"\r\nContent-Type: image/png\r\n\r\n\u0089PNG partial";
        var headerCut = "--anvil-boundary\r\nContent-Disposition: form-data; name=\"avatar\"";
        foreach (var url in new[] { "/api/users/me/avatar", "/api/settings/avatar" })
        {
            foreach (var content in new[]
            {
                Multipart("""{"not":"a form"}"""),
                Multipart(truncated),
                Multipart(headerCut),
                Multipart("--anvil-boundary--\r\n", "multipart/form-data"), // no boundary named
                Multipart(""),
            })
            {
                var res = await c.PatchAsync(url, content);
                await res.ErrorAsync(HttpStatusCode.BadRequest);
            }
        }
        Assert.Equal(before, (await (await c.GetAsync("/api/users/me")).JsonAsync()).Str("user.avatarUrl"));
    }
}

public sealed class MalformedBodyTestsOnSqlite(SqliteServer s) : MalformedBodyTests(s), IClassFixture<SqliteServer>;

public sealed class MalformedBodyTestsOnPostgres(PostgresServer s) : MalformedBodyTests(s), IClassFixture<PostgresServer>;

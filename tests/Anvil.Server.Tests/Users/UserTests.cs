using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Users;

public abstract class UserTests(AnvilServer server)
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    [Fact]
    public async Task Me_and_summary_show_the_signed_in_user()
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        var me = await (await c.GetAsync("/api/users/me")).JsonAsync();
        Assert.Equal(user.Username, me.Str("user.username"));
        Assert.Equal($"{user.Username}@example.com", me.Str("user.email"));
        var summary = await (await c.GetAsync("/api/users/me/summary")).JsonAsync();
        Assert.Equal(user.Username, summary.Str("user.username"));
        Assert.Equal("User " + user.Username, summary.Str("user.name"));
        Assert.StartsWith(server.BaseUri.GetLeftPart(UriPartial.Authority), summary.Str("user.avatarUrl"));
        using var anon = server.Anonymous();
        await (await anon.GetAsync("/api/users/me")).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await anon.GetAsync("/api/users/me/summary")).ErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Public_profile_hides_the_email_and_unknown_users_are_404()
    {
        var user = await server.SignUpAsync();
        using var anon = server.Anonymous();
        foreach (var path in new[] { $"/api/users/{user.Username}", $"/api/users/{user.Username.ToUpperInvariant()}/profile" })
        {
            var body = await (await anon.GetAsync(path)).JsonAsync();
            Assert.Equal(user.Username, body.Str("user.username"));
            Assert.DoesNotContain("@example.com", body.ToJsonString());
        }
        await (await anon.GetAsync("/api/users/no-such-user-here")).ErrorAsync(HttpStatusCode.NotFound);
        await (await anon.GetAsync("/api/users/no-such-user-here/profile")).ErrorAsync(HttpStatusCode.NotFound);
        await (await anon.GetAsync("/api/users/" + new string('x', 300))).ErrorAsync(HttpStatusCode.NotFound);
        var v1 = await (await anon.GetAsync($"/api/v1/users/{user.Username}")).JsonAsync();
        Assert.Equal(user.Username, v1.Str("login"));
        Assert.Null(v1["email"]);
    }

    [Fact]
    public async Task Settings_update_validates_and_persists()
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        var updated = await (await c.PatchAsJsonAsync("/api/users/me/settings", new
        {
            name = "New Name", bio = "Hello", location = "Lisbon", website = "https://example.org", company = "Anvil", pronouns = "they/them",
        })).JsonAsync();
        Assert.Equal("New Name", updated.Str("settings.name"));
        var again = await (await c.GetAsync("/api/settings")).JsonAsync();
        Assert.Equal("Lisbon", again.Str("settings.location"));
        Assert.Equal("https://example.org", again.Str("settings.website"));
        var profile = await (await c.GetAsync($"/api/users/{user.Username}/profile")).JsonAsync();
        Assert.Equal("Hello", profile.Str("user.bio"));

        await (await c.PatchAsJsonAsync("/api/users/me/settings", new { website = "javascript:alert(1)" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PatchAsJsonAsync("/api/users/me/settings", new { bio = new string('b', 501) })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PatchAsJsonAsync("/api/users/me/settings", new { name = "  " })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PatchAsJsonAsync("/api/users/me/settings", new { email = "nope" })).ErrorAsync(HttpStatusCode.BadRequest);
        var other = await server.SignUpAsync();
        await (await c.PatchAsJsonAsync("/api/users/me/settings", new { email = $"{other.Username}@EXAMPLE.com" })).ErrorAsync(HttpStatusCode.Conflict);
        // A refused update changes nothing, not even the fields that were valid.
        await (await c.PatchAsJsonAsync("/api/users/me/settings", new { bio = "changed", website = "ftp://x" })).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Hello", (await (await c.GetAsync("/api/users/me/settings")).JsonAsync()).Str("settings.bio"));
    }

    [Fact]
    public async Task V1_profile_update_answers_the_private_user_and_refuses_bad_fields_with_githubs_errors()
    {
        var user = await server.SignUpAsync();
        using var c = server.WithBearer(await user.CreateTokenAsync("user"));
        var updated = await (await c.PatchAsJsonAsync("/api/v1/user", new
        {
            name = "Grace H", blog = "https://grace.example", twitter_username = "@grace_h", company = "Navy", location = "Arlington",
            hireable = true, bio = "COBOL",
        })).JsonAsync();
        Assert.Equal(user.Username, updated.Str("login"));
        Assert.Equal($"{user.Username}@example.com", updated.Str("email"));
        Assert.Equal("grace_h", updated.Str("twitter_username"));
        Assert.True(updated["hireable"]!.GetValue<bool>());
        var me = await (await c.GetAsync("/api/v1/user")).JsonAsync();
        Assert.Equal(WithoutUpdatedAt(updated), WithoutUpdatedAt(me));
        Assert.Equal(("Grace H", "https://grace.example", "Navy", "Arlington", "COBOL"),
            (me.Str("name"), me.Str("blog"), me.Str("company"), me.Str("location"), me.Str("bio")));
        // The settings page's rules, one set: what the web shows is what v1 changed.
        using (var session = user.Client())
        {
            Assert.Equal("https://grace.example", (await (await session.GetAsync("/api/settings")).JsonAsync()).Str("settings.website"));
        }

        var other = await server.SignUpAsync();
        foreach (var (body, field, code) in new (object, string, string)[]
        {
            (new { blog = "ftp://x", bio = "changed" }, "blog", "invalid"),
            (new { name = " " }, "name", "invalid"),
            (new { bio = new string('b', 501) }, "bio", "invalid"),
            (new { twitter_username = "has space" }, "twitter_username", "invalid"),
            (new { email = "nope" }, "email", "invalid"),
            (new { email = $"{other.Username}@EXAMPLE.com" }, "email", "already_exists"),
        })
        {
            var refused = await (await c.PatchAsJsonAsync("/api/v1/user", body)).ErrorBodyAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal("Validation Failed", refused.Str("message"));
            var error = Assert.Single(refused["errors"]!.AsArray())!;
            Assert.Equal(("User", field, code), (error.Str("resource"), error.Str("field"), error.Str("code")));
        }
        await (await c.SendRawAsync(HttpMethod.Patch, "/api/v1/user", "{\"hireable\": \"yes\"}")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(WithoutUpdatedAt(me), WithoutUpdatedAt(await (await c.GetAsync("/api/v1/user")).JsonAsync()));

        using var readOnly = server.WithBearer(await user.CreateTokenAsync("user:read"));
        await (await readOnly.PatchAsJsonAsync("/api/v1/user", new { bio = "nope" })).ErrorAsync(HttpStatusCode.Forbidden);
        using var anon = server.Anonymous();
        await (await anon.PatchAsJsonAsync("/api/v1/user", new { bio = "nope" })).ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("COBOL", (await (await c.GetAsync("/api/v1/user")).JsonAsync()).Str("bio"));
    }

    /// <summary>The user as JSON but for <c>updated_at</c>, which PostgreSQL keeps to the microsecond.</summary>
    private static string WithoutUpdatedAt(JsonNode user)
    {
        var copy = user.DeepClone().AsObject();
        copy.Remove("updated_at");
        return copy.ToJsonString();
    }

    [Fact]
    public async Task Preferences_accept_known_keys_with_valid_values_only()
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        var res = await (await c.PostAsJsonAsync("/api/users/me/settings/preferences", new { theme = "dark", emailNotifications = false })).JsonAsync();
        Assert.Equal("dark", res.Str("preferences.theme"));
        await (await c.PostAsJsonAsync("/api/settings/preferences", new { theme = "light" })).JsonAsync();
        var settings = await (await c.GetAsync("/api/users/me/settings")).JsonAsync();
        Assert.Equal("light", settings.Str("settings.preferences.theme"));
        Assert.False(settings["settings"]!["preferences"]!["emailNotifications"]!.GetValue<bool>());
        await (await c.PostAsJsonAsync("/api/users/me/settings/preferences", new { theme = "neon" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PostAsJsonAsync("/api/users/me/settings/preferences", new { colour = "red" })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PostAsJsonAsync("/api/users/me/settings/preferences", new { emailNotifications = "yes" })).ErrorAsync(HttpStatusCode.BadRequest);
    }

    private static MultipartFormDataContent Upload(byte[] bytes, string fileName = "me.png", string contentType = "image/png")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "avatar", fileName } };
    }

    [Fact]
    public async Task Avatar_upload_is_checked_by_content_and_busts_the_url()
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        var before = (await (await c.GetAsync("/api/users/me")).JsonAsync()).Str("user.avatarUrl");
        var defaultAvatar = await c.GetAsync(before);
        Assert.Equal("image/svg+xml", defaultAvatar.Content.Headers.ContentType!.MediaType);

        var res = await c.PatchAsync("/api/users/me/avatar", Upload(Png));
        var after = (await res.JsonAsync()).Str("avatarUrl");
        Assert.NotEqual(before, after);
        var image = await c.GetAsync(after);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Png, await image.Content.ReadAsByteArrayAsync());
        Assert.Contains("immutable", image.Headers.CacheControl!.ToString());

        // A text file named .png is refused, whatever its declared type.
        var fake = await c.PatchAsync("/api/users/me/avatar", Upload("<script>alert(1)</script>"u8.ToArray()));
        Assert.Contains("image", await fake.ErrorAsync(HttpStatusCode.BadRequest));
        await (await c.PatchAsync("/api/settings/avatar", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(Png, await (await c.GetAsync(after)).Content.ReadAsByteArrayAsync());

        var removed = (await (await c.DeleteAsync("/api/users/me/avatar")).JsonAsync()).Str("avatarUrl");
        Assert.NotEqual(after, removed);
        Assert.Equal("image/svg+xml", (await c.GetAsync(removed)).Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Avatar_over_5_MB_is_a_413()
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        var big = new byte[5 * 1024 * 1024 + 10];
        Png.CopyTo(big, 0);
        await (await c.PatchAsync("/api/users/me/avatar", Upload(big))).ErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        var fits = new byte[4 * 1024 * 1024];
        Png.CopyTo(fits, 0);
        await (await c.PatchAsync("/api/users/me/avatar", Upload(fits))).JsonAsync();
    }

    [Fact]
    public async Task Settings_need_sign_in()
    {
        using var anon = server.Anonymous();
        await (await anon.GetAsync("/api/users/me/settings")).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await anon.PatchAsJsonAsync("/api/settings", new { bio = "x" })).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await anon.DeleteAsync("/api/users/me/avatar")).ErrorAsync(HttpStatusCode.Unauthorized);
    }
}

public sealed class UserTestsOnSqlite(SqliteServer s) : UserTests(s), IClassFixture<SqliteServer>;

public sealed class UserTestsOnPostgres(PostgresServer s) : UserTests(s), IClassFixture<PostgresServer>;

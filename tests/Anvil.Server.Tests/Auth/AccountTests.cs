using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Auth;

public abstract class AccountTests(AnvilServer server)
{
    private static object SignUpBody(string username, string? email = null, string password = "s3cret-pass!") =>
        new { email = email ?? $"{username}@example.com", username, password, name = "Name " + username };

    private static string Unique(string prefix = "u") => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Sign_up_returns_the_user_and_a_session_cookie_that_works()
    {
        using var c = server.Anonymous();
        var username = Unique("Alice");
        var res = await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(username));
        var body = await res.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(username, body.Str("user.username"));
        Assert.Equal($"{username}@example.com", body.Str("user.email"));
        Assert.Equal("Name " + username, body.Str("user.name"));
        Assert.Matches("^[0-9]+$", body.Str("user.id"));
        Assert.DoesNotContain("s3cret-pass!", body.ToJsonString());
        Assert.DoesNotContain("password", body.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        var cookie = res.Headers.GetValues("Set-Cookie").Single(h => h.StartsWith("anvil_session="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var cookieValue = cookie.Split(';')[0];

        var me = new HttpRequestMessage(HttpMethod.Get, "/api/users/me");
        me.Headers.Add("Cookie", cookieValue);
        var meBody = await (await c.SendAsync(me)).JsonAsync();
        Assert.Equal(username, meBody.Str("user.username"));

        using var bearer = server.WithBearer(body.Str("token"));
        Assert.Equal(username, (await (await bearer.GetAsync("/api/users/me")).JsonAsync()).Str("user.username"));
    }

    [Fact]
    public async Task The_session_cookie_is_secure_when_the_public_url_is_https_behind_a_proxy()
    {
        using var plain = server.Anonymous();
        var direct = await plain.PostAsJsonAsync("/auth/sign-up", SignUpBody(Unique("Plain")));
        Assert.DoesNotContain("secure", direct.Headers.GetValues("Set-Cookie").Single(h => h.StartsWith("anvil_session=")),
            StringComparison.OrdinalIgnoreCase);

        // A TLS-terminating proxy forwards plain HTTP; the browser is on https and must get a Secure cookie.
        await using var proxied = await server.StartNodeAsync(("ANVIL_PUBLIC_URL", "https://git.example.com"));
        using var c = proxied.Anonymous();
        var res = await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(Unique("Proxied")));
        await res.JsonAsync(HttpStatusCode.Created);
        Assert.Contains("secure", res.Headers.GetValues("Set-Cookie").Single(h => h.StartsWith("anvil_session=")),
            StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("-leading", "hyphen")]
    [InlineData("trailing-", "hyphen")]
    [InlineData("dou--ble", "hyphen")]
    [InlineData("has_underscore", "letters")]
    [InlineData("has space", "letters")]
    [InlineData("api", "reserved")]
    [InlineData("Settings", "reserved")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "39")]
    [InlineData("", "required")]
    public async Task Bad_usernames_are_refused_with_a_clear_error(string username, string expected)
    {
        using var c = server.Anonymous();
        var message = await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(username, email: Unique() + "@example.com"))).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task Thirty_nine_character_and_single_character_usernames_are_fine()
    {
        using var c = server.Anonymous();
        var name39 = "x" + Guid.NewGuid().ToString("N") + "abcdef"; // 1 + 32 + 6 = 39
        Assert.Equal(39, name39.Length);
        await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(name39))).JsonAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("short7!", "8 to 128")]
    [InlineData("", "required")]
    public async Task Bad_passwords_are_refused(string password, string expected)
    {
        using var c = server.Anonymous();
        var message = await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(Unique(), password: password))).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains(expected, message);
        var tooLong = await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(Unique(), password: new string('p', 129)))).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("8 to 128", tooLong);
    }

    [Fact]
    public async Task Bad_email_is_refused_and_nothing_is_created()
    {
        using var c = server.Anonymous();
        var username = Unique();
        await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(username, email: "not-an-email"))).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync($"/api/users/{username}")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Duplicate_username_ignoring_case_or_duplicate_email_is_a_409()
    {
        using var c = server.Anonymous();
        var username = Unique("Bob");
        await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(username))).JsonAsync(HttpStatusCode.Created);
        var m1 = await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(username.ToUpperInvariant(), email: Unique() + "@example.com"))).ErrorAsync(HttpStatusCode.Conflict);
        Assert.Contains("username", m1);
        var m2 = await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(Unique(), email: $"{username.ToUpperInvariant()}@EXAMPLE.com"))).ErrorAsync(HttpStatusCode.Conflict);
        Assert.Contains("email", m2);
    }

    [Fact]
    public async Task Concurrent_sign_ups_for_one_name_create_exactly_one_user()
    {
        var username = Unique();
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            using var c = server.Anonymous();
            return (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(username, email: $"{username}-{i}@example.com"))).StatusCode;
        });
        var statuses = await Task.WhenAll(attempts);
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
    }

    [Fact]
    public async Task Sign_in_by_email_or_username_in_any_case()
    {
        var user = await server.SignUpAsync();
        using var c = server.Anonymous();
        foreach (var body in new object[]
                 {
                     new { email = $"{user.Username}@example.com", password = user.Password },
                     new { email = $"{user.Username.ToUpperInvariant()}@Example.com", password = user.Password },
                     new { username = user.Username, password = user.Password },
                     new { username = user.Username.ToUpperInvariant(), password = user.Password },
                     new { email = user.Username, password = user.Password },
                 })
        {
            var res = await (await c.PostAsJsonAsync("/auth/sign-in", body)).JsonAsync();
            Assert.Equal(user.Username, res.Str("user.username"));
            using var authed = server.WithBearer(res.Str("token"));
            await (await authed.GetAsync("/api/users/me")).JsonAsync();
        }
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_fail_the_same_way()
    {
        var user = await server.SignUpAsync();
        using var c = server.Anonymous();
        var wrong = await (await c.PostAsJsonAsync("/auth/sign-in", new { username = user.Username, password = "wrong-password" })).ErrorAsync(HttpStatusCode.Unauthorized);
        var unknown = await (await c.PostAsJsonAsync("/auth/sign-in", new { username = "nobody" + Unique(), password = "wrong-password" })).ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(wrong, unknown);
        await (await c.PostAsJsonAsync("/auth/sign-in", new { username = user.Username })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PostAsJsonAsync("/auth/sign-in", new { password = "x" })).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var user = await server.SignUpAsync();
        using var c = user.Client();
        await (await c.GetAsync("/api/users/me")).JsonAsync();
        await (await c.PostAsync("/auth/sign-out", null)).JsonAsync();
        Assert.Equal("invalid token", await (await c.GetAsync("/api/users/me")).ErrorAsync(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Better_auth_aliases_work()
    {
        using var c = server.Anonymous();
        var username = Unique();
        var up = await (await c.PostAsJsonAsync("/api/auth/sign-up/email", SignUpBody(username))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(username, up.Str("user.username"));
        var signIn = await (await c.PostAsJsonAsync("/api/auth/sign-in/email", new { email = $"{username}@example.com", password = "s3cret-pass!" })).JsonAsync();
        using var authed = server.WithBearer(signIn.Str("token"));
        var session = await (await authed.GetAsync("/api/auth/get-session")).JsonAsync();
        Assert.Equal(username, session.Str("user.username"));
        await (await authed.PostAsync("/api/auth/sign-out", null)).JsonAsync();
        await (await authed.GetAsync("/api/auth/get-session")).ErrorAsync(HttpStatusCode.Unauthorized);
        var anonymous = await (await c.GetAsync("/api/auth/get-session")).JsonAsync();
        Assert.Null(anonymous["user"]);
    }

    [Fact]
    public async Task Cookie_writes_from_another_origin_are_refused_but_same_origin_and_bearer_pass()
    {
        var user = await server.SignUpAsync();
        using var c = server.Anonymous();
        HttpRequestMessage Patch(string? origin, bool cookie)
        {
            var req = new HttpRequestMessage(HttpMethod.Patch, "/api/users/me/settings") { Content = JsonContent.Create(new { bio = "hi" }) };
            if (cookie)
            {
                req.Headers.Add("Cookie", "anvil_session=" + user.SessionToken);
            }
            else
            {
                req.Headers.Authorization = new("Bearer", user.SessionToken);
            }
            if (origin is not null)
            {
                req.Headers.Add("Origin", origin);
            }
            return req;
        }
        await (await c.SendAsync(Patch("https://evil.example", cookie: true))).ErrorAsync(HttpStatusCode.Forbidden);
        await (await c.SendAsync(Patch(server.BaseUri.GetLeftPart(UriPartial.Authority), cookie: true))).JsonAsync();
        await (await c.SendAsync(Patch("https://evil.example", cookie: false))).JsonAsync();
    }

    [Fact]
    public async Task A_stale_cookie_is_just_anonymous_on_public_routes()
    {
        using var c = server.Anonymous();
        var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/meta");
        req.Headers.Add("Cookie", "anvil_session=deadbeef");
        await (await c.SendAsync(req)).JsonAsync();
    }

    [Fact]
    public async Task Invalid_bearer_token_is_a_401_even_on_public_routes()
    {
        using var c = server.WithBearer("not-a-real-session");
        Assert.Equal("invalid token", await (await c.GetAsync("/api/v1/meta")).ErrorAsync(HttpStatusCode.Unauthorized));
    }
}

public sealed class AccountTestsOnSqlite(SqliteServer s) : AccountTests(s), IClassFixture<SqliteServer>;

public sealed class AccountTestsOnPostgres(PostgresServer s) : AccountTests(s), IClassFixture<PostgresServer>;

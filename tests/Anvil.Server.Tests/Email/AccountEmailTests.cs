using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Email;

/// <summary>An Anvil server that sends its mail to the <see cref="SmtpSink"/>, started before the server.</summary>
public abstract class MailServer : AnvilServer, IAsyncLifetime
{
    protected MailServer()
    {
        foreach (var (key, value) in SmtpSink.Settings)
        {
            Settings[key] = value;
        }
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        await SmtpSink.EnsureStartedAsync();
        await InitializeAsync();
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync();
}

public sealed class MailSqliteServer : MailServer
{
    public override Database Database => Database.Sqlite;
}

public sealed class MailPostgresServer : MailServer
{
    public override Database Database => Database.Postgres;
}

public abstract partial class AccountEmailTests(AnvilServer server)
{
    // The mailed link opens the verify-email page; API clients send the same token to /api/auth/verify-email.
    [GeneratedRegex(@"(\S+)/verify-email\?token=([0-9a-f]{64})")]
    private static partial Regex VerifyLink();

    [GeneratedRegex(@"(\S+)/reset-password\?token=([0-9a-f]{64})")]
    private static partial Regex ResetLink();

    private static string ApiVerify(Match link) => "/api/auth/verify-email?token=" + link.Groups[2].Value;

    private static string NewName() => "mail" + Guid.NewGuid().ToString("N")[..10];

    private async Task<(HttpClient Session, string Email, string Password)> SignUpAsync(string username)
    {
        var email = $"{username}@example.com";
        var password = "first-password-" + username;
        using var c = server.Anonymous();
        var body = await (await c.PostAsJsonAsync("/auth/sign-up", new { email, username, password })).JsonAsync(HttpStatusCode.Created);
        return (server.WithBearer(body.Str("token")), email, password);
    }

    private async Task<HttpResponseMessage> SignInAsync(string email, string password)
    {
        using var c = server.Anonymous();
        return await c.PostAsJsonAsync("/auth/sign-in", new { email, password });
    }

    private static async Task<bool> IsSignedInAsync(HttpClient session) =>
        (await (await session.GetAsync("/api/auth/get-session")).JsonAsync())["user"] is not null;

    /// <summary>An ended session's token is refused outright, like any unknown bearer.</summary>
    private static async Task AssertSignedOutAsync(HttpClient session) =>
        Assert.Equal("invalid token", await (await session.GetAsync("/api/auth/get-session")).ErrorAsync(HttpStatusCode.Unauthorized));

    [Fact]
    public async Task Sign_up_mails_a_verification_link_that_verifies_the_email_once()
    {
        var (session, email, _) = await SignUpAsync(NewName());
        using var _ = session;
        var before = await (await session.GetAsync("/api/auth/get-session")).JsonAsync();
        Assert.False(before["user"]!["emailVerified"]!.GetValue<bool>());

        var mail = Assert.Single(await SmtpSink.WaitForMailAsync(email));
        Assert.Equal("noreply@anvil.test", mail.EnvelopeFrom);
        Assert.Equal(SmtpSink.User, mail.AuthenticatedAs);
        Assert.Contains("Subject: Verify your email address", mail.Raw);
        var link = VerifyLink().Match(mail.Text);
        Assert.True(link.Success, mail.Text);
        // No ANVIL_PUBLIC_URL here: the link is built from the address the sign-up arrived at.
        Assert.Equal(server.BaseUri.ToString().TrimEnd('/'), link.Groups[1].Value);

        // The link is a page a person opens in a browser, not JSON.
        using var anonymous = server.Anonymous();
        anonymous.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var page = await anonymous.GetAsync(new Uri(link.Value));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType?.ToString());
        Assert.Contains("Your email address is verified.", await page.Content.ReadAsStringAsync());
        var after = await (await session.GetAsync("/api/auth/get-session")).JsonAsync();
        Assert.True(after["user"]!["emailVerified"]!.GetValue<bool>());

        // Used once: opened again, the page says so; the API answers the same token with its JSON refusal.
        var again = await anonymous.GetAsync(new Uri(link.Value));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("invalid, already used or expired", await again.Content.ReadAsStringAsync());
        Assert.Equal("invalid or expired token", await (await anonymous.GetAsync(ApiVerify(link))).ErrorAsync(HttpStatusCode.BadRequest));
        Assert.True((await (await session.GetAsync("/api/auth/get-session")).JsonAsync())["user"]!["emailVerified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_link_for_an_old_address_does_not_verify_a_new_one_and_a_new_link_can_be_asked_for()
    {
        var (session, email, _) = await SignUpAsync(NewName());
        using var _ = session;
        var oldLink = VerifyLink().Match(Assert.Single(await SmtpSink.WaitForMailAsync(email)).Text);
        var newEmail = NewName() + "@example.com";
        (await session.PatchAsJsonAsync("/api/users/me/settings", new { email = newEmail })).EnsureSuccessStatusCode();

        using var anonymous = server.Anonymous();
        await (await anonymous.GetAsync(ApiVerify(oldLink))).ErrorAsync(HttpStatusCode.BadRequest);
        await (await session.PostAsync("/api/auth/send-verification-email", null)).JsonAsync();
        var newLink = VerifyLink().Match(Assert.Single(await SmtpSink.WaitForMailAsync(newEmail)).Text);
        var verified = await (await anonymous.GetAsync(ApiVerify(newLink))).JsonAsync();
        Assert.True(verified["success"]!.GetValue<bool>());

        Assert.True((await (await session.GetAsync("/api/auth/get-session")).JsonAsync())["user"]!["emailVerified"]!.GetValue<bool>());
        Assert.Equal("email is already verified", await (await session.PostAsync("/api/auth/send-verification-email", null)).ErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Bogus_or_missing_verify_tokens_are_refused()
    {
        using var c = server.Anonymous();
        await (await c.GetAsync("/api/auth/verify-email?token=" + new string('a', 64))).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync("/api/auth/verify-email?token=nonsense")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync("/api/auth/verify-email")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_reset_token_does_not_verify_an_email_and_a_verify_token_does_not_reset_a_password()
    {
        var (session, email, password) = await SignUpAsync(NewName());
        using var _ = session;
        var verifyToken = VerifyLink().Match(Assert.Single(await SmtpSink.WaitForMailAsync(email)).Text).Groups[2].Value;
        using var c = server.Anonymous();
        (await c.PostAsJsonAsync("/api/auth/forgot-password", new { email })).EnsureSuccessStatusCode();
        var resetToken = ResetLink().Match((await SmtpSink.WaitForMailAsync(email, 2))[1].Text).Groups[2].Value;

        await (await c.GetAsync("/api/auth/verify-email?token=" + resetToken)).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PostAsJsonAsync("/api/auth/reset-password", new { token = verifyToken, password = "another-password" }))
            .ErrorAsync(HttpStatusCode.BadRequest);

        Assert.False((await (await session.GetAsync("/api/auth/get-session")).JsonAsync())["user"]!["emailVerified"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(email, password)).StatusCode);
    }

    [Fact]
    public async Task Forgot_password_answers_alike_for_unknown_emails_and_mails_only_real_accounts()
    {
        var (session, email, _) = await SignUpAsync(NewName());
        session.Dispose();
        await SmtpSink.WaitForMailAsync(email); // the verification mail
        var unknown = NewName() + "@example.com";
        using var c = server.Anonymous();

        var forUnknown = await c.PostAsJsonAsync("/api/auth/forgot-password", new { email = unknown });
        var forKnown = await c.PostAsJsonAsync("/api/auth/forgot-password", new { email = email.ToUpperInvariant() });

        Assert.Equal(HttpStatusCode.OK, forUnknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, forKnown.StatusCode);
        Assert.Equal(await forKnown.Content.ReadAsStringAsync(), await forUnknown.Content.ReadAsStringAsync());
        var reset = (await SmtpSink.WaitForMailAsync(email, 2))[1];
        Assert.Contains("Subject: Reset your", reset.Raw);
        Assert.Matches(ResetLink(), reset.Text);
        // Mail leaves in the order it was queued: had the unknown address been mailed, it would have arrived first.
        Assert.Empty(SmtpSink.MailTo(unknown));
    }

    [Fact]
    public async Task Reset_with_the_mailed_token_sets_the_password_and_ends_every_session()
    {
        var (session, email, oldPassword) = await SignUpAsync(NewName());
        using var _ = session;
        var other = server.WithBearer((await (await SignInAsync(email, oldPassword)).JsonAsync()).Str("token"));
        using var __ = other;
        using var c = server.Anonymous();
        (await c.PostAsJsonAsync("/api/auth/forgot-password", new { email })).EnsureSuccessStatusCode();
        var token = ResetLink().Match((await SmtpSink.WaitForMailAsync(email, 2))[1].Text).Groups[2].Value;

        var newPassword = "second-password-" + Guid.NewGuid().ToString("N")[..6];
        var done = await (await c.PostAsJsonAsync("/api/auth/reset-password", new { token, password = newPassword })).JsonAsync();
        Assert.True(done["success"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(email, oldPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(email, newPassword)).StatusCode);
        await AssertSignedOutAsync(session);
        await AssertSignedOutAsync(other);

        Assert.Equal("invalid or expired token",
            await (await c.PostAsJsonAsync("/api/auth/reset-password", new { token, password = "third-password-xyz" })).ErrorAsync(HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(email, newPassword)).StatusCode);
    }

    [Fact]
    public async Task A_refused_password_changes_nothing_and_leaves_the_token_usable()
    {
        var (session, email, oldPassword) = await SignUpAsync(NewName());
        using var _ = session;
        using var c = server.Anonymous();
        (await c.PostAsJsonAsync("/api/auth/forgot-password", new { email })).EnsureSuccessStatusCode();
        var token = ResetLink().Match((await SmtpSink.WaitForMailAsync(email, 2))[1].Text).Groups[2].Value;

        Assert.Equal("password must be 8 to 128 characters",
            await (await c.PostAsJsonAsync("/api/auth/reset-password", new { token, password = "short" })).ErrorAsync(HttpStatusCode.BadRequest));
        await (await c.PostAsJsonAsync("/api/auth/reset-password", new { token, password = new string('x', 129) })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PostAsJsonAsync("/api/auth/reset-password", new { token })).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PostAsJsonAsync("/api/auth/reset-password", new { token = "bogus", password = "long-enough-password" })).ErrorAsync(HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(email, oldPassword)).StatusCode);
        Assert.True(await IsSignedInAsync(session));
        // newPassword: the field name sigmagit's web client sends.
        (await c.PostAsJsonAsync("/api/auth/reset-password", new { token, newPassword = "long-enough-password" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(email, "long-enough-password")).StatusCode);
    }
}

public sealed class AccountEmailTestsOnSqlite(MailSqliteServer s) : AccountEmailTests(s), IClassFixture<MailSqliteServer>;

public sealed class AccountEmailTestsOnPostgres(MailPostgresServer s) : AccountEmailTests(s), IClassFixture<MailPostgresServer>;

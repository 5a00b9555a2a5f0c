using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Email;

/// <summary>A server that mails through a real SMTP sink on loopback.</summary>
public abstract class EmailServer : AnvilServer
{
    public SmtpSink Sink { get; } = new();

    protected EmailServer() => Sink.Configure(Settings);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Sink.Dispose();
    }
}

public sealed class EmailSqliteServer : EmailServer
{
    public override Database Database => Database.Sqlite;
}

public sealed class EmailPostgresServer : EmailServer
{
    public override Database Database => Database.Postgres;
}

public abstract partial class EmailTests(EmailServer server)
{
    [GeneratedRegex(@"verify-email\?token=(?<token>[0-9]+\.[0-9]+\.[A-Za-z0-9_-]+)")]
    private static partial Regex VerifyLink();

    [GeneratedRegex(@"reset-password\?token=(?<token>[0-9]+\.[0-9]+\.[A-Za-z0-9_-]+)")]
    private static partial Regex ResetLink();

    private static string Email(TestUser user) => $"{user.Username}@example.com";

    [Fact]
    public async Task Sign_up_mails_a_link_that_verifies_the_address_once()
    {
        var user = await server.SignUpAsync();
        var mail = Assert.Single(await server.Sink.WaitForMailAsync(Email(user)));
        Assert.Equal("Verify your email address", mail.Subject);
        Assert.Equal("anvil@example.com", mail.From.Mailboxes.Single().Address);
        var token = VerifyLink().Match(mail.TextBody).Groups["token"].Value;
        Assert.NotEmpty(token);
        Assert.Contains(server.BaseUri.Authority, mail.TextBody);

        using var c = user.Client();
        Assert.False((await (await c.GetAsync("/api/users/me")).JsonAsync()).Has("emailVerified", true));
        using var anonymous = server.Anonymous();
        var verified = await (await anonymous.GetAsync($"/api/auth/verify-email?token={token}")).JsonAsync();
        Assert.True(verified["verified"]!.GetValue<bool>());
        Assert.True((await (await c.GetAsync("/api/users/me")).JsonAsync()).Has("emailVerified", true));

        await (await anonymous.GetAsync($"/api/auth/verify-email?token={token}")).ErrorAsync(HttpStatusCode.BadRequest); // spent
        var forged = token[..^2] + (token[^2..] == "AA" ? "BB" : "AA");
        await (await anonymous.GetAsync($"/api/auth/verify-email?token={forged}")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await anonymous.GetAsync("/api/auth/verify-email?token=nonsense")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await anonymous.GetAsync("/api/auth/verify-email")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Forgot_password_answers_alike_for_unknown_addresses_and_mails_only_real_ones()
    {
        var user = await server.SignUpAsync();
        await server.Sink.WaitForMailAsync(Email(user)); // the verification mail
        using var anonymous = server.Anonymous();
        var known = await anonymous.PostAsJsonAsync("/api/auth/forgot-password", new { email = Email(user) });
        var unknownAddress = $"nobody-{Guid.NewGuid():N}@example.com";
        var unknown = await anonymous.PostAsJsonAsync("/api/auth/forgot-password", new { email = unknownAddress });
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());

        var mails = await server.Sink.WaitForMailAsync(Email(user), 2);
        Assert.Contains(mails, m => m.Subject == "Reset your password");
        Assert.Empty(server.Sink.MailTo(unknownAddress));
        await (await anonymous.PostAsJsonAsync("/api/auth/forgot-password", new { email = "not-an-address" })).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Reset_with_the_mailed_token_changes_the_password_once_and_signs_out_everywhere()
    {
        var user = await server.SignUpAsync();
        using var anonymous = server.Anonymous();
        await (await anonymous.PostAsJsonAsync("/api/auth/forgot-password", new { email = Email(user) })).JsonAsync();
        var mail = (await server.Sink.WaitForMailAsync(Email(user), 2)).Single(m => m.Subject == "Reset your password");
        var token = ResetLink().Match(mail.TextBody).Groups["token"].Value;
        Assert.NotEmpty(token);

        // Too short: refused, and the token still works afterwards.
        await (await anonymous.PostAsJsonAsync("/api/auth/reset-password", new { token, password = "short" })).ErrorAsync(HttpStatusCode.BadRequest);
        await SignInAsync(anonymous, user.Username, user.Password, HttpStatusCode.OK);

        const string newPassword = "a-brand-new-password";
        await (await anonymous.PostAsJsonAsync("/api/auth/reset-password", new { token, password = newPassword })).JsonAsync();
        await SignInAsync(anonymous, user.Username, user.Password, HttpStatusCode.Unauthorized);
        await SignInAsync(anonymous, user.Username, newPassword, HttpStatusCode.OK);
        using (var old = user.Client())
        {
            await (await old.GetAsync("/api/users/me")).ErrorAsync(HttpStatusCode.Unauthorized); // the old session is gone
        }

        await (await anonymous.PostAsJsonAsync("/api/auth/reset-password", new { token, password = "yet-another-password" }))
            .ErrorAsync(HttpStatusCode.BadRequest); // replayed
        await SignInAsync(anonymous, user.Username, newPassword, HttpStatusCode.OK);
        await (await anonymous.PostAsJsonAsync("/api/auth/reset-password", new { token = "1.99999999999.x", password = newPassword }))
            .ErrorAsync(HttpStatusCode.BadRequest);
    }

    private static async Task SignInAsync(HttpClient c, string username, string password, HttpStatusCode expected)
    {
        var res = await c.PostAsJsonAsync("/auth/sign-in", new { username, password });
        Assert.Equal(expected, res.StatusCode);
    }
}

public sealed class EmailTestsOnSqlite(EmailSqliteServer s) : EmailTests(s), IClassFixture<EmailSqliteServer>;

public sealed class EmailTestsOnPostgres(EmailPostgresServer s) : EmailTests(s), IClassFixture<EmailPostgresServer>;

internal static class EmailJson
{
    public static bool Has(this System.Text.Json.Nodes.JsonNode node, string name, bool value) =>
        node[name] is { } v ? v.GetValue<bool>() == value : node["user"]?[name]?.GetValue<bool>() == value;
}

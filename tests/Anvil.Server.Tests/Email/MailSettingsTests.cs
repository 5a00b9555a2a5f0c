using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Email;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.RateLimiting;
using Microsoft.Extensions.Configuration;

namespace Anvil.Server.Tests.Email;

/// <summary>Mail behaviour that depends on configuration: each test starts the server it needs.</summary>
public sealed class MailSettingsTests
{
    private static async Task<MailSqliteServer> StartAsync(params (string Name, string? Value)[] settings)
    {
        var server = new MailSqliteServer();
        foreach (var (name, value) in settings)
        {
            server.Settings[name] = value;
        }
        await ((IAsyncLifetime)server).InitializeAsync();
        return server;
    }

    private static string NewName() => "mset" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Links_use_the_configured_public_url()
    {
        await using var server = await StartAsync(("ANVIL_PUBLIC_URL", "https://git.example.test/"));
        var user = await server.SignUpAsync(NewName());

        var mail = Assert.Single(await SmtpSink.WaitForMailAsync($"{user.Username}@example.com"));
        Assert.Matches(@"https://git\.example\.test/verify-email\?token=[0-9a-f]{64}\s", mail.Text);
    }

    [Fact]
    public async Task Forgot_password_is_limited_per_client_address_and_per_account()
    {
        await using var server = await StartAsync(("ANVIL_RATELIMIT_PASSWORD_RESETS_PER_HOUR", "2"), ("ANVIL_TRUST_PROXY", "127.0.0.1"));
        var target = await server.SignUpAsync(NewName());
        var bystander = await server.SignUpAsync(NewName());
        var targetEmail = $"{target.Username}@example.com";

        using (var one = server.ForwardedFor("203.0.113.10"))
        {
            for (var i = 0; i < 2; i++)
            {
                await (await one.PostAsJsonAsync("/api/auth/forgot-password", new { email = NewName() + "@example.com" })).JsonAsync();
            }
            var refused = await one.PostAsJsonAsync("/api/auth/forgot-password", new { email = targetEmail });
            Assert.Contains("password reset", await refused.ErrorAsync(HttpStatusCode.TooManyRequests));
            Assert.NotNull(refused.Header("Retry-After"));
        }

        // Many addresses asking for one account: each is answered alike, but the mailbox gets only two resets.
        var answers = new List<string>();
        foreach (var ip in new[] { "203.0.113.11", "203.0.113.12", "203.0.113.13" })
        {
            using var c = server.ForwardedFor(ip);
            var res = await c.PostAsJsonAsync("/api/auth/forgot-password", new { email = targetEmail });
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            answers.Add(await res.Content.ReadAsStringAsync());
        }
        Assert.Single(answers.Distinct());
        using (var last = server.ForwardedFor("203.0.113.14"))
        {
            await (await last.PostAsJsonAsync("/api/auth/forgot-password", new { email = $"{bystander.Username}@example.com" })).JsonAsync();
        }
        await SmtpSink.WaitForMailAsync($"{bystander.Username}@example.com", 2);
        // Mail leaves in the order it was queued: the bystander's reset came last, so any third reset would be here.
        var toTarget = SmtpSink.MailTo(targetEmail);
        Assert.Equal(3, toTarget.Count); // the verification mail and two resets
        Assert.Equal(2, toTarget.Count(m => m.Raw.Contains("Subject: Reset your", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("resend", "not supported")]
    [InlineData("carrier-pigeon", "EMAIL_PROVIDER must be")]
    public void Unusable_providers_stop_the_start_up(string provider, string message)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Settings(("EMAIL_PROVIDER", provider)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Smtp_settings_are_read_and_checked()
    {
        Assert.Null(Settings().Smtp);
        Assert.Contains("SMTP_HOST", Assert.Throws<InvalidOperationException>(() => Settings(("EMAIL_PROVIDER", "smtp"), ("SMTP_FROM", "a@b.test"))).Message);
        Assert.Contains("SMTP_SECURE", Assert.Throws<InvalidOperationException>(() =>
            Settings(("EMAIL_PROVIDER", "smtp"), ("SMTP_HOST", "mail"), ("SMTP_FROM", "a@b.test"), ("SMTP_SECURE", "maybe"))).Message);
        var tls = Settings(("EMAIL_PROVIDER", "SMTP"), ("SMTP_HOST", "mail"), ("SMTP_FROM", "a@b.test"), ("SMTP_SECURE", "tls")).Smtp!;
        Assert.Equal((SmtpSecurity.Tls, 465, null), (tls.Security, tls.Port, tls.User));
        var plain = Settings(("EMAIL_PROVIDER", "smtp"), ("SMTP_HOST", "mail"), ("SMTP_FROM", "a@b.test"), ("SMTP_PORT", "2525"),
            ("SMTP_SECURE", "none"), ("SMTP_USER", "u"), ("SMTP_PASSWORD", "p")).Smtp!;
        Assert.Equal(new SmtpSettings("mail", 2525, "u", "p", "a@b.test", SmtpSecurity.None), plain);
    }

    private static EmailSettings Settings(params (string Name, string? Value)[] values) =>
        EmailSettings.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value))).Build());
}

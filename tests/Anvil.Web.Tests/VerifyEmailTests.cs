using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Anvil.Server.Tests.Email;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>The verification link in the sign-up mail lands on a page that verifies the address.</summary>
public sealed partial class VerifyEmailTests(MailSqliteServer server, Chromium chromium) : IClassFixture<MailSqliteServer>, IClassFixture<Chromium>
{
    [GeneratedRegex(@"\S+(/verify-email\?token=[0-9a-f]{64})")]
    private static partial Regex VerifyLink();

    [Fact]
    public async Task A_person_who_joins_verifies_their_address_from_the_mailed_link_once()
    {
        var username = "verify" + Guid.NewGuid().ToString("N")[..8];
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        await viewer.SignUpAsync(username, "a-long-enough-password");

        Assert.Single(await SmtpSink.WaitForMailAsync($"{username}@example.com"));
        Assert.False(await EmailVerifiedAsync(username));

        // Signed in, the page without a token offers a new link.
        Assert.Equal(200, await viewer.GoAsync("/verify-email"));
        await Assertions.Expect(page.GetByText("Your email address is not verified yet.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send a new link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("A new verification link is on its way to your address.");
        var mails = await SmtpSink.WaitForMailAsync($"{username}@example.com", 2);
        var link = VerifyLink().Match(mails[1].Text).Groups[1].Value;
        Assert.NotEmpty(link);
        Assert.False(await EmailVerifiedAsync(username));

        Assert.Equal(200, await viewer.GoAsync(link));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your email address is verified. Thank you.");
        viewer.AssertNoConsoleErrors();
        Assert.True(await EmailVerifiedAsync(username));
        Assert.Equal(200, await viewer.GoAsync("/verify-email"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your email address is verified.");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send a new link" })).ToHaveCountAsync(0);

        // Used once: opened again (by anyone), the link is refused and the address stays verified.
        await using var stranger = await Viewer.OpenAsync(chromium, server);
        Assert.Equal(400, await stranger.GoAsync(link));
        await Assertions.Expect(stranger.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("invalid, already used or expired");
        Assert.True(await EmailVerifiedAsync(username));
    }

    [Fact]
    public async Task A_missing_or_bogus_token_is_a_clear_refusal()
    {
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        foreach (var path in new[] { "/verify-email", "/verify-email?token=nonsense", "/verify-email?token=" + new string('a', 64) })
        {
            Assert.Equal(400, await viewer.GoAsync(path));
            await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Heading, new() { Name = "Verify your email address" })).ToBeVisibleAsync();
            await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("invalid, already used or expired");
            await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Link, new() { Name = "Sign in to ask for a new link" }))
                .ToHaveAttributeAsync("href", "/login?return_to=%2Fverify-email");
        }
    }

    private async Task<bool> EmailVerifiedAsync(string username)
    {
        using var c = server.Anonymous();
        var session = await (await c.PostAsJsonAsync("/auth/sign-in", new { username, password = "a-long-enough-password" })).JsonAsync();
        using var me = server.WithBearer(session.Str("token"));
        return (await (await me.GetAsync("/api/auth/get-session")).JsonAsync())["user"]!["emailVerified"]!.GetValue<bool>();
    }
}

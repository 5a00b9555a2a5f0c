using System.Text.RegularExpressions;
using Anvil.Server.Tests.Email;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>The reset link in the mail lands on a page that sets a new password.</summary>
public sealed partial class PasswordResetTests(MailSqliteServer server, Chromium chromium) : IClassFixture<MailSqliteServer>, IClassFixture<Chromium>
{
    [GeneratedRegex(@"\S+(/reset-password\?token=[0-9a-f]{64})")]
    private static partial Regex ResetLink();

    [Fact]
    public async Task A_person_who_forgot_their_password_resets_it_from_the_mailed_link()
    {
        var user = await server.SignUpAsync();
        var email = $"{user.Username}@example.com";
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;

        await viewer.GoAsync("/login");
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await page.GetByLabel("Email address of your account").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send a reset link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("If an account uses that address");

        // An unknown address is told exactly the same.
        await viewer.GoAsync("/forgot-password");
        await page.GetByLabel("Email address of your account").FillAsync("nobody-" + Guid.NewGuid().ToString("N")[..8] + "@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send a reset link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("If an account uses that address");

        var mails = await SmtpSink.WaitForMailAsync(email, 2); // the sign-up's verification mail, then the reset
        var link = ResetLink().Match(mails.Last().Text).Groups[1].Value;
        Assert.NotEmpty(link);
        await viewer.GoAsync(link);
        await page.GetByLabel("New password").FillAsync("short");
        await page.EvaluateAsync("document.getElementById('password').removeAttribute('minlength')");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Password must be 8 to 128 characters.");
        viewer.ForgetConsoleErrors(); // the refusal is a 422, which the browser logs
        // The rejected password left the link usable.
        await page.GetByLabel("New password").FillAsync("a-brand-new-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password is changed");

        await viewer.SignInAsync(user.Username, "a-brand-new-password");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your repositories" })).ToBeVisibleAsync();
        viewer.AssertNoConsoleErrors();
        // Used once: the same link is refused now.
        await viewer.GoAsync(link);
        await page.GetByLabel("New password").FillAsync("yet-another-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
    }
}

using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>Who may come in: the invitation link on an invite-only instance, and never a disabled account.</summary>
public sealed class InvitationTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_join_page_refuses_without_an_invitation_and_the_invitation_link_lets_one_person_in()
    {
        await using var invite = await server.StartNodeAsync(("ANVIL_SIGNUP", "invite"));
        await using var viewer = await Viewer.OpenAsync(chromium, invite);

        Assert.Equal(200, await viewer.GoAsync("/join"));
        await viewer.Page.GetByLabel("Email address").FillAsync("uninvited@example.com");
        await viewer.Page.GetByLabel("Username").FillAsync("uninvited" + Guid.NewGuid().ToString("N")[..6]);
        await viewer.Page.GetByLabel("Password").FillAsync("long-enough-password");
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("invitation");
        viewer.ForgetConsoleErrors(); // the refused post answers 422, which the browser logs

        var (code, output) = await invite.AdminAsync("invite", "create");
        Assert.Equal(0, code);
        var link = new Uri(output.Trim());
        var username = "invited" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(200, await viewer.GoAsync(link.PathAndQuery));
        await viewer.Page.GetByLabel("Email address").FillAsync($"{username}@example.com");
        await viewer.Page.GetByLabel("Username").FillAsync(username);
        await viewer.Page.GetByLabel("Password").FillAsync("long-enough-password");
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await viewer.Page.WaitForDocumentAsync(invite.BaseUri + "");
        await Assertions.Expect(viewer.Page.Locator("header")).ToContainTextAsync(username);
    }

    [Fact]
    public async Task A_disabled_account_is_told_so_on_the_sign_in_form()
    {
        var user = await server.SignUpAsync();
        Assert.Equal(0, (await server.AdminAsync("user", "disable", user.Username)).Code);
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        Assert.Equal(200, await viewer.GoAsync("/login"));
        await viewer.Page.GetByLabel("Username or email address").FillAsync(user.Username);
        await viewer.Page.GetByLabel("Password").FillAsync(user.Password);
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("disabled");
        Assert.Equal(200, await viewer.GoAsync("/login")); // still signed out: the form again, not a signed-in redirect
        await Assertions.Expect(viewer.Page.GetByLabel("Password")).ToBeVisibleAsync();
    }
}

using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>A person edits their profile, picture and theme, changes their password and signs out everywhere.</summary>
public sealed class SettingsTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    // A 1×1 PNG: the avatar check is by content, so it must really be one.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    [Fact]
    public async Task Settings_pages_send_a_signed_out_visitor_to_sign_in()
    {
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        foreach (var path in new[] { "/settings", "/settings/profile", "/settings/security", "/settings/tokens" })
        {
            Assert.Equal(200, await viewer.GoAsync(path));
            Assert.Contains("/login?return_to=", viewer.Page.Url);
        }
    }

    [Fact]
    public async Task Profile_picture_and_theme_are_saved_and_shown()
    {
        var username = "prof" + Guid.NewGuid().ToString("N")[..6];
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        await viewer.SignUpAsync(username, "a-long-enough-password");

        await page.Locator(".site-header details.menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Public profile" })).ToBeVisibleAsync();
        Assert.EndsWith("/settings/profile", page.Url);

        // A bad website is refused with the reason, and nothing of the form is saved.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Ada Lovelace");
        await page.GetByLabel("Website").FillAsync("javascript:alert(1)");
        await page.EvaluateAsync("document.getElementById('profile-website').type = 'text'"); // past the browser's own check
        await page.GetByRole(AriaRole.Button, new() { Name = "Update profile" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Website must be an http or https URL.");
        viewer.ForgetConsoleErrors(); // the refusal is a 422, which the browser logs
        using (var api = server.Anonymous())
        {
            var shown = await api.GetFromJsonAsync<System.Text.Json.Nodes.JsonNode>($"/api/v1/users/{username}");
            Assert.NotEqual("Ada Lovelace", (string?)shown!["name"]);
        }

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Ada Lovelace");
        await page.GetByLabel("Bio").FillAsync("Writes the first programs.");
        await page.GetByLabel("Website").FillAsync("https://example.com/ada");
        await page.GetByLabel("Location").FillAsync("London");
        await page.GetByRole(AriaRole.Button, new() { Name = "Update profile" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        await Assertions.Expect(page.GetByLabel("Bio")).ToHaveValueAsync("Writes the first programs.");

        Assert.Equal(200, await viewer.GoAsync("/" + username));
        await Assertions.Expect(page.GetByText("Ada Lovelace")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Writes the first programs.")).ToBeVisibleAsync();

        // The picture: a file that is not an image is refused; a PNG replaces the generated one everywhere.
        Assert.Equal(200, await viewer.GoAsync("/settings/profile"));
        var before = await page.GetByAltText("Your profile picture").GetAttributeAsync("src");
        await page.GetByLabel("Choose a new picture").SetInputFilesAsync(new FilePayload { Name = "notes.png", MimeType = "image/png", Buffer = "not an image"u8.ToArray() });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload picture" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Avatar must be a PNG, JPEG, GIF or WebP image.");
        viewer.ForgetConsoleErrors();
        await page.GetByLabel("Choose a new picture").SetInputFilesAsync(new FilePayload { Name = "me.png", MimeType = "image/png", Buffer = Png });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload picture" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        var after = await page.GetByAltText("Your profile picture").GetAttributeAsync("src");
        Assert.NotEqual(before, after);
        using (var api = server.Anonymous())
        {
            var avatar = await api.GetAsync(after);
            Assert.Equal(HttpStatusCode.OK, avatar.StatusCode);
            Assert.Equal("image/png", avatar.Content.Headers.ContentType?.MediaType);
            Assert.Equal(Png, await avatar.Content.ReadAsByteArrayAsync());
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove picture" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Remove picture" })).ToHaveCountAsync(0);

        // The theme follows the choice, not the browser's scheme (this browser asks for light).
        await page.GetByLabel("Dark", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save theme" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        var background = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        Assert.Equal("rgb(13, 17, 23)", background);
        await page.GetByLabel("Follow the system (light or dark)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save theme" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).Not.ToHaveAttributeAsync("data-theme", "dark");
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Changing_the_password_ends_every_other_session_and_sign_out_everywhere_ends_them_all()
    {
        var user = await server.SignUpAsync();
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        await viewer.SignInAsync(user.Username, user.Password);
        using var elsewhere = user.Client(); // the sign-up's session, another device
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/api/v1/user")).StatusCode);

        Assert.Equal(200, await viewer.GoAsync("/settings/security"));
        await Assertions.Expect(page.GetByText("This browser")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".token-list li")).ToHaveCountAsync(2);

        await page.GetByLabel("Current password").FillAsync("not-my-password");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("a-brand-new-password");
        await page.GetByLabel("Confirm new password").FillAsync("a-brand-new-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The current password is incorrect.");
        await page.GetByLabel("Current password").FillAsync(user.Password);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("a-brand-new-password");
        await page.GetByLabel("Confirm new password").FillAsync("another-new-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The new password and its confirmation do not match.");
        // Neither refusal changed anything: the other device is still signed in.
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/api/v1/user")).StatusCode);

        await page.GetByLabel("Current password").FillAsync(user.Password);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("a-brand-new-password");
        await page.GetByLabel("Confirm new password").FillAsync("a-brand-new-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password is changed");
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/v1/user")).StatusCode);
        await Assertions.Expect(page.Locator(".token-list li")).ToHaveCountAsync(1); // this browser stays signed in
        string freshToken;
        using (var anonymous = server.Anonymous())
        {
            var old = await anonymous.PostAsJsonAsync("/auth/sign-in", new { username = user.Username, password = user.Password });
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
            var fresh = await anonymous.PostAsJsonAsync("/auth/sign-in", new { username = user.Username, password = "a-brand-new-password" });
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
            freshToken = (await fresh.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!["token"]!.GetValue<string>();
        }
        using var fromApi = server.WithBearer(freshToken);
        Assert.Equal(HttpStatusCode.OK, (await fromApi.GetAsync("/api/v1/user")).StatusCode);

        // Sign out everywhere: the session just started through the API ends too, and so does this browser's.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere" }).ClickAsync();
        Assert.Contains("/login", page.Url);
        Assert.Equal(200, await viewer.GoAsync("/settings/security"));
        Assert.Contains("/login?return_to=", page.Url);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fromApi.GetAsync("/api/v1/user")).StatusCode);
    }
}

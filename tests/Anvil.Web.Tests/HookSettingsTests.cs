using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Webhooks;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>
/// Webhooks made in the browser deliver to a real listener and their page shows what went over the wire; the Actions
/// page makes a runner token that registers a runner, listed there until removed; a person's notification and Discord settings.
/// </summary>
public sealed class HookSettingsTests(WebhookSqliteServer server, Chromium chromium) : IClassFixture<WebhookSqliteServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_webhook_made_in_the_browser_delivers_an_issue_event_shows_the_exchange_and_redelivers_it()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var owner = await server.SignUpAsync();
        var o = owner.Username;
        await SampleRepository.PushAsyncForNewRepo(server, owner, "hooked");
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        await viewer.SignInAsync(o, owner.Password);

        Assert.Equal(200, await viewer.GoAsync($"/{o}/hooked/settings/hooks"));
        await Assertions.Expect(page.GetByText("No webhooks yet.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add webhook" }).ClickAsync();
        // Choosing individual events but none of them: refused, nothing made.
        await page.GetByLabel("Payload URL").FillAsync(receiver.Url("/hook"));
        await page.GetByLabel("Let me select individual events").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Events must not be empty.");
        await Assertions.Expect(page.GetByLabel("Payload URL")).ToHaveValueAsync(receiver.Url("/hook"));
        viewer.ForgetConsoleErrors();
        using (var api = owner.Client())
        {
            Assert.Empty((await api.GetFromJsonAsync<JsonArray>($"/api/v1/repos/{o}/hooked/hooks"))!);
        }

        await page.GetByLabel("Secret").FillAsync("s3cret");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "issues", Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/hooked/settings/hooks/*");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage webhook" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "issues", Exact = true })).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByText("A secret is set; leave this empty to keep it.")).ToBeVisibleAsync();

        var number = await SampleRepository.OpenIssueAsync(owner, "hooked");
        var sent = await receiver.WaitForEventAsync("/hook", "issues", p => (int?)p["issue"]?["number"] == number && (string?)p["action"] == "opened");
        Assert.StartsWith("sha256=", sent.Header("X-Hub-Signature-256"));
        var guid = sent.Header("X-GitHub-Delivery");

        // The worker records the attempt after the receiver answered: reload until the page has it.
        var delivery = page.Locator("details.delivery", new() { HasText = guid }).Filter(new() { HasText = "issues.opened" });
        await ReloadUntilAsync(page, delivery.Locator(".delivery-status", new() { HasText = "200" }));
        await delivery.Locator("summary").ClickAsync();
        await Assertions.Expect(delivery.GetByLabel($"Request headers of {guid}")).ToContainTextAsync("X-GitHub-Event: issues");
        await Assertions.Expect(delivery.GetByLabel($"Request payload of {guid}")).ToContainTextAsync("\"action\": \"opened\"");
        await Assertions.Expect(delivery.GetByLabel($"Response headers of {guid}")).ToContainTextAsync("X-Receiver: test");
        await Assertions.Expect(delivery.GetByLabel($"Response body of {guid}")).ToHaveTextAsync("thanks");
        Directory.CreateDirectory(Screenshots.Folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots.Folder, "repo-hook-delivery-full-1280-light.png"), FullPage = true });
        // The greeting ping was delivered too.
        await Assertions.Expect(page.Locator("details.delivery", new() { HasText = "ping" })).ToHaveCountAsync(1);

        await delivery.GetByRole(AriaRole.Button, new() { Name = $"Redeliver {guid}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Redelivery queued");
        await receiver.WaitForAsync(r => r.Path == "/hook" && r.Headers.GetValueOrDefault("X-GitHub-Delivery") == guid && !ReferenceEquals(r, sent), "the redelivery");
        await ReloadUntilAsync(page, page.Locator("details.delivery", new() { HasText = guid }).Filter(new() { HasText = "redelivery" })
            .Locator(".delivery-status", new() { HasText = "200" }));

        // Edit: the secret is kept when left empty; the hook turns to push only and off.
        await page.GetByLabel("Just the push event").CheckAsync();
        await page.GetByLabel("Active: deliver events when they happen").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Update webhook" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        using (var api = owner.Client())
        {
            var hook = (await api.GetFromJsonAsync<JsonArray>($"/api/v1/repos/{o}/hooked/hooks"))!.Single()!;
            Assert.Equal(["push"], hook["events"]!.AsArray().Select(e => (string?)e));
            Assert.False((bool)hook["active"]!);
            Assert.Equal("********", (string?)hook["config"]!["secret"]);
        }
        await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).First.ClickAsync();
        await Assertions.Expect(page.GetByText("Inactive")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = $"Edit the webhook to {receiver.Url("/hook")}" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete webhook" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No webhooks yet.")).ToBeVisibleAsync();
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_actions_page_makes_a_registration_token_once_and_a_runner_registers_with_it()
    {
        var owner = await server.SignUpAsync();
        var o = owner.Username;
        await SampleRepository.PushAsyncForNewRepo(server, owner, "ci");
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        await viewer.SignInAsync(o, owner.Password);
        Assert.Equal(200, await viewer.GoAsync($"/{o}/ci/settings"));
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Repository settings" }).GetByRole(AriaRole.Link, new() { Name = "Actions" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Registration token")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create registration token" }).ClickAsync();
        var token = await page.GetByLabel("Registration token").InputValueAsync();
        Assert.StartsWith("anvreg_", token);
        // Shown once: a fresh look at the page does not have it.
        Assert.Equal(200, await viewer.GoAsync($"/{o}/ci/settings/actions"));
        Assert.DoesNotContain(token, await page.ContentAsync());

        using var anonymous = server.Anonymous();
        var registered = await anonymous.PostAsJsonAsync("/api/v1/runners/register", new { token, name = "web-made", labels = new[] { "linux" } });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(200, await viewer.GoAsync($"/{o}/ci/settings/actions"));
        await Assertions.Expect(page.Locator(".token-list li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".token-list li")).ToContainTextAsync("web-made");
        await Assertions.Expect(page.Locator(".token-list li")).ToContainTextAsync("linux");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove runner web-made" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No runner is registered for this repository.")).ToBeVisibleAsync();
        using (var api = owner.Client())
        {
            var runners = (await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{o}/ci/actions/runners"))!;
            Assert.Equal(0, (int)runners["total_count"]!);
        }
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_person_turns_notification_email_off_and_links_then_unlinks_their_discord_account()
    {
        var user = await server.SignUpAsync();
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        await viewer.SignInAsync(user.Username, user.Password);

        Assert.Equal(200, await viewer.GoAsync("/settings/notifications"));
        var email = page.GetByLabel("Email me my notifications too");
        await Assertions.Expect(email).ToBeCheckedAsync();
        await email.UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save notification preferences" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        await Assertions.Expect(email).Not.ToBeCheckedAsync();
        using (var api = user.Client())
        {
            var settings = (await api.GetFromJsonAsync<JsonNode>("/api/users/me/settings"))!;
            Assert.False((bool)settings["settings"]!["preferences"]!["emailNotifications"]!);
        }

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Settings" }).GetByRole(AriaRole.Link, new() { Name = "Discord" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No Discord account is linked to yours.")).ToBeVisibleAsync();
        await page.GetByLabel("Link token").FillAsync(new string('0', 64));
        await page.GetByRole(AriaRole.Button, new() { Name = "Link account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Link token is invalid, expired or already used.");
        viewer.ForgetConsoleErrors();

        var discordId = "4" + Random.Shared.NextInt64(100000000, 999999999);
        string token;
        using (var bot = server.WithBearer(WebhookServer.BotSecret))
        {
            var generated = await bot.PostAsJsonAsync("/api/discord/link/generate", new { discordId });
            token = (string)(await generated.Content.ReadFromJsonAsync<JsonNode>())!["token"]!;
        }
        await page.GetByLabel("Link token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Link account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your Discord account is linked.");
        await Assertions.Expect(page.Locator(".settings-main code").First).ToHaveTextAsync(discordId);
        using (var bot = server.WithBearer(WebhookServer.BotSecret))
        {
            var status = (await bot.GetFromJsonAsync<JsonNode>($"/api/discord/link/status/{discordId}"))!;
            Assert.True((bool)status["linked"]!);
            Assert.Equal(user.Username, (string?)status["user"]!["username"]);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Unlink Discord account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your Discord account is unlinked.");
        using (var bot = server.WithBearer(WebhookServer.BotSecret))
        {
            Assert.False((bool)(await bot.GetFromJsonAsync<JsonNode>($"/api/discord/link/status/{discordId}"))!["linked"]!);
        }
        viewer.AssertNoConsoleErrors();
    }

    /// <summary>Reloads until <paramref name="target"/> is on the page (what the server shows changes only on a new request).</summary>
    private static async Task ReloadUntilAsync(IPage page, ILocator target)
    {
        for (var i = 0; i < 100 && await target.CountAsync() == 0; i++)
        {
            await page.WaitForTimeoutAsync(100);
            await page.ReloadAsync();
        }
        await Assertions.Expect(target).ToHaveCountAsync(1);
    }
}

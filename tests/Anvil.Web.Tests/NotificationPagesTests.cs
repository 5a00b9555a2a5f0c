using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>The notifications page and the header's bell: unread and all, grouped by repository, marked read one or all at once.</summary>
public sealed class NotificationPagesTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task Unread_notifications_show_in_the_header_and_on_the_page_and_are_marked_read()
    {
        var owner = await server.SignUpAsync("note" + Guid.NewGuid().ToString("N")[..6]);
        var other = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        using var otherApi = other.Client();
        (await otherApi.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/calculator/issues", new { title = "Rounding", body = $"@{owner.Username} what do you think?" })).EnsureSuccessStatusCode();
        (await otherApi.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/calculator/issues", new { title = "Negative numbers", body = $"cc @{owner.Username}" })).EnsureSuccessStatusCode();
        using var ownerApi = owner.Client();
        for (var i = 0; i < 100 && (await ownerApi.GetFromJsonAsync<JsonArray>("/api/v1/notifications"))!.Count < 2; i++)
        {
            await Task.Delay(100); // mentions are delivered after the commit, by the outbox
        }

        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        await viewer.SignInAsync(owner.Username, owner.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Notifications, 2 unread" }).ClickAsync();
        var group = page.GetByRole(AriaRole.Region, new() { Name = $"{owner.Username}/calculator" });
        await Assertions.Expect(group.Locator("li.unread")).ToHaveCountAsync(2);
        await Assertions.Expect(group).ToContainTextAsync("you were mentioned");

        await page.GetByRole(AriaRole.Button, new() { Name = "Mark “Rounding” as read" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notification-list li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Notifications, 1 unread" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "All" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notification-list li")).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Link, new() { Name = "Rounding" }).ClickAsync();
        await Assertions.Expect(page.Locator(".issue-heading")).ToContainTextAsync("Rounding");

        Assert.Equal(200, await viewer.GoAsync("/notifications"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark all as read" }).ClickAsync();
        await Assertions.Expect(page.GetByText("All caught up: nothing unread.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Notifications", Exact = true })).ToBeVisibleAsync();
        Assert.Empty((await ownerApi.GetFromJsonAsync<JsonArray>("/api/v1/notifications"))!);
        viewer.AssertNoConsoleErrors();

        await using var anonymous = await Viewer.OpenAsync(chromium, server);
        Assert.Equal(200, await anonymous.GoAsync("/notifications"));
        Assert.Contains("/login?return_to=%2Fnotifications", anonymous.Page.Url);
    }

    [Fact]
    public async Task The_bell_lights_up_live_when_someone_comments_while_the_page_is_open()
    {
        var owner = await server.SignUpAsync("live" + Guid.NewGuid().ToString("N")[..6]);
        var other = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var number = await SampleRepository.OpenIssueAsync(owner, "calculator");
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        await viewer.SignInAsync(owner.Username, owner.Password);
        Assert.Equal(200, await viewer.GoAsync($"/{owner.Username}/calculator"));
        var bell = viewer.Page.Locator(".header-bell");
        await Assertions.Expect(bell).ToHaveAttributeAsync("aria-label", "Notifications");
        // The socket is open once the page has run its script; a notification sent before that would be missed.
        await Assertions.Expect(bell).ToHaveAttributeAsync("data-live", "open");
        using (var api = other.Client())
        {
            var res = await api.PostAsync($"/api/v1/repos/{owner.Username}/calculator/issues/{number}/comments",
                System.Net.Http.Json.JsonContent.Create(new { body = "Same here." }));
            Assert.Equal(System.Net.HttpStatusCode.Created, res.StatusCode);
        }
        await Assertions.Expect(bell).ToHaveAttributeAsync("aria-label", "Notifications, 1 unread");
        await Assertions.Expect(bell).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("has-unread"));
        viewer.AssertNoConsoleErrors();
    }
}

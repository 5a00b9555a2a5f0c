using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>Opening an issue, commenting, closing and reopening it from the browser, without script, as the API would.</summary>
public sealed class IssueWriteTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_person_opens_an_issue_previews_comments_closes_and_reopens_it_without_javascript()
    {
        var owner = await server.SignUpAsync("wri" + Guid.NewGuid().ToString("N")[..6]);
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var o = owner.Username;
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        await viewer.SignInAsync(o, owner.Password);

        Assert.Equal(200, await viewer.GoAsync($"/{o}/calculator/issues"));
        await page.GetByRole(AriaRole.Link, new() { Name = "New issue" }).ClickAsync();
        // No title: refused on the form, and nothing is created.
        await page.GetByLabel("Description").FillAsync("It **crashes**.");
        await page.EvaluateAsync("document.getElementById('issue-title').removeAttribute('required')");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit new issue" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Description")).ToHaveValueAsync("It **crashes**.");
        viewer.ForgetConsoleErrors(); // the 422
        using (var api = owner.Client())
        {
            Assert.Empty((await api.GetFromJsonAsync<JsonArray>($"/api/v1/repos/{o}/calculator/issues?state=all"))!);
        }

        await page.GetByLabel("Title").FillAsync("Dividing by zero");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Assertions.Expect(page.Locator(".markdown-body strong")).ToHaveTextAsync("crashes");
        await Assertions.Expect(page.GetByLabel("Title")).ToHaveValueAsync("Dividing by zero");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit new issue" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/calculator/issues/1");
        await Assertions.Expect(page.Locator(".issue-heading")).ToContainTextAsync("Dividing by zero #1");

        await page.GetByLabel("Add a comment").FillAsync("Still there on `main`.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Comment", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".comment")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".comment").Nth(1).Locator("code")).ToHaveTextAsync("main");

        await page.GetByLabel("Add a comment").FillAsync("Won't fix: dividing by zero is the caller's problem.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Close as not planned" }).ClickAsync();
        await Assertions.Expect(page.Locator(".state-badge").First).ToHaveTextAsync("Closed");
        await Assertions.Expect(page.Locator(".timeline-end")).ToContainTextAsync("Closed as not planned.");
        await Assertions.Expect(page.Locator(".comment")).ToHaveCountAsync(3);
        using (var api = owner.Client())
        {
            var issue = (await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{o}/calculator/issues/1"))!;
            Assert.Equal("closed", (string?)issue["state"]);
            Assert.Equal("not_planned", (string?)issue["state_reason"]);
            Assert.Equal(2, (int)issue["comments"]!);
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Reopen issue" }).ClickAsync();
        await Assertions.Expect(page.Locator(".state-badge").First).ToHaveTextAsync("Open");
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Others_may_comment_but_not_close_and_the_signed_out_are_asked_to_sign_in()
    {
        var owner = await server.SignUpAsync();
        var reader = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var number = await SampleRepository.OpenIssueAsync(owner, "calculator");
        var path = $"/{owner.Username}/calculator/issues/{number}";

        await using (var anonymous = await Viewer.OpenAsync(chromium, server))
        {
            Assert.Equal(200, await anonymous.GoAsync(path));
            await Assertions.Expect(anonymous.Page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).Last).ToHaveAttributeAsync("href", "/login?return_to=" + Uri.EscapeDataString(path));
            await Assertions.Expect(anonymous.Page.GetByLabel("Add a comment")).ToHaveCountAsync(0);
            Assert.Equal(200, await anonymous.GoAsync($"/{owner.Username}/calculator/issues/new"));
            Assert.Contains("/login?return_to=", anonymous.Page.Url);
        }

        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        await viewer.SignInAsync(reader.Username, reader.Password);
        Assert.Equal(200, await viewer.GoAsync(path));
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Close issue" })).ToHaveCountAsync(0);
        await page.GetByLabel("Add a comment").FillAsync("Me too.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Comment", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".comment").Last).ToContainTextAsync("Me too.");

        // A forged close from someone who may not close it is refused and changes nothing.
        await page.EvaluateAsync("""
            () => { const b = document.createElement('button'); b.type = 'submit'; b.name = 'Act'; b.value = 'close'; b.textContent = 'Forged';
                    document.querySelector('.comment-actions').appendChild(b); }
            """);
        await page.GetByRole(AriaRole.Button, new() { Name = "Forged" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Only the author or a collaborator may close or reopen this issue.");
        viewer.ForgetConsoleErrors();
        using var api = owner.Client();
        Assert.Equal("open", (string?)(await api.GetFromJsonAsync<JsonNode>($"/api/v1/repos/{owner.Username}/calculator/issues/{number}"))!["state"]);
    }
}

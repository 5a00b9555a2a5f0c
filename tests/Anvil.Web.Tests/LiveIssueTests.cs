using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>An open issue page takes in what others do, without a reload and without losing what is being typed.</summary>
public sealed class LiveIssueTests(SqliteServer server, Chromium chromium) : IClassFixture<SqliteServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_new_comment_and_a_label_appear_on_an_open_page_and_the_draft_being_typed_stays()
    {
        var owner = await server.SignUpAsync("lv" + Guid.NewGuid().ToString("N")[..6]);
        var other = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "calculator");
        var number = await SampleRepository.OpenIssueAsync(owner, "calculator");
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        await viewer.SignInAsync(owner.Username, owner.Password);
        Assert.Equal(200, await viewer.GoAsync($"/{owner.Username}/calculator/issues/{number}"));
        await Assertions.Expect(page.Locator("article.comment")).ToHaveCountAsync(2);
        await page.EvaluateAsync("window.anvilTestMark = 'same-document'");
        await page.GetByLabel("Add a comment").FillAsync("Half-written reply");

        using (var api = other.Client())
        {
            await (await api.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/calculator/issues/{number}/comments", new { body = "Seen it **too**." }))
                .JsonAsync(HttpStatusCode.Created);
        }
        await Assertions.Expect(page.Locator("article.comment")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("article.comment").Last.Locator("strong")).ToHaveTextAsync("too");
        await Assertions.Expect(page.GetByLabel("Add a comment")).ToHaveValueAsync("Half-written reply");

        using (var api = owner.Client())
        {
            (await api.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/calculator/issues/{number}/labels", new { labels = new[] { "documentation" } })).EnsureSuccessStatusCode();
        }
        await Assertions.Expect(page.Locator(".timeline-event").Last).ToContainTextAsync("documentation");
        await Assertions.Expect(page.Locator(".issue-sidebar a.label-link")).ToHaveTextAsync(["bug", "documentation"]);
        using (var api = owner.Client())
        {
            (await api.PatchAsJsonAsync($"/api/v1/repos/{owner.Username}/calculator/issues/{number}", new { state = "closed" })).EnsureSuccessStatusCode();
        }
        await Assertions.Expect(page.Locator(".state-badge").First).ToHaveTextAsync("Closed");
        Assert.Equal("same-document", await page.EvaluateAsync<string?>("window.anvilTestMark ?? null"));
        viewer.AssertNoConsoleErrors();
    }
}

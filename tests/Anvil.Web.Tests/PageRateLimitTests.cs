using System.Net;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.RateLimiting;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>Pages have a budget of their own per person (or address); past it a styled 429 page says to slow down.</summary>
public sealed class PageRateLimitTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact]
    public async Task Past_the_page_budget_a_browser_gets_the_429_page_and_the_api_keeps_its_own_budget()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_PAGES_PER_MINUTE", "3"));
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, await viewer.GoAsync("/login"));
        }
        var refused = await viewer.Page.GotoAsync("/");
        Assert.Equal(429, refused!.Status);
        Assert.InRange(int.Parse(await refused.HeaderValueAsync("retry-after") ?? "0"), 1, 60);
        await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Heading, new() { Name = "Too many requests" })).ToBeVisibleAsync();
        Assert.Null(await refused.HeaderValueAsync("ratelimit-limit"));
        viewer.ForgetConsoleErrors(); // the browser logs the 429

        // Assets and the APIs are not pages: they still answer.
        using var api = server.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/meta")).StatusCode);
        var css = await viewer.Page.Locator("link[rel=stylesheet]").GetAttributeAsync("href");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(css)).StatusCode);
        // A signed-in person has a budget of their own, not the address's.
        var user = await server.SignUpAsync();
        using var signedIn = server.Anonymous();
        signedIn.DefaultRequestHeaders.Add("Cookie", "anvil_session=" + user.SessionToken);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/")).StatusCode);
    }
}

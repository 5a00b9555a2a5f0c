using System.Net;
using System.Net.Http.Json;
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

    [Fact]
    public async Task Past_the_failed_sign_in_limit_the_form_refuses_even_the_right_password_and_so_does_the_api()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_SIGNIN_FAILURES_PER_15_MIN", "2"));
        var user = await server.SignUpAsync();
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        for (var i = 0; i < 2; i++)
        {
            await SubmitSignInAsync(viewer, user.Username, "wrong-password");
            await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Incorrect username or password.");
        }

        await SubmitSignInAsync(viewer, user.Username, user.Password);
        await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Too many failed sign-in attempts. Try again later.");
        Assert.DoesNotContain(await viewer.Page.Context.CookiesAsync(), c => c.Name == "anvil_session");
        // The page's failures and the API's are one count per address.
        using var api = server.Anonymous();
        var refused = await api.PostAsJsonAsync("/auth/sign-in", new { username = user.Username, password = user.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        viewer.ForgetConsoleErrors(); // the browser logs the refused form's 422s
    }

    [Fact]
    public async Task Past_the_sign_up_limit_the_form_says_so_and_opening_it_costs_nothing()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_SIGNUPS_PER_HOUR", "2"));
        await server.SignUpAsync(); // through the API, from the same address
        await using (var first = await Viewer.OpenAsync(chromium, server))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(200, await first.GoAsync("/join"));
            }
            await first.SignUpAsync("second-" + Guid.NewGuid().ToString("N")[..6], "long-enough-password");
        }

        await using var viewer = await Viewer.OpenAsync(chromium, server);
        Assert.Equal(200, await viewer.GoAsync("/join"));
        await viewer.Page.GetByLabel("Email address").FillAsync("third@example.com");
        await viewer.Page.GetByLabel("Username").FillAsync("third-" + Guid.NewGuid().ToString("N")[..6]);
        await viewer.Page.GetByLabel("Password").FillAsync("long-enough-password");
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Too many sign-ups from this address. Try again later.");
        Assert.DoesNotContain(await viewer.Page.Context.CookiesAsync(), c => c.Name == "anvil_session");
        viewer.ForgetConsoleErrors();
    }

    [Fact]
    public async Task Past_the_password_reset_limit_both_forms_say_so_counted_with_the_api_and_opening_them_costs_nothing()
    {
        await using var server = await LimitedServers.StartAsync(("ANVIL_RATELIMIT_PASSWORD_RESETS_PER_HOUR", "2"));
        using var api = server.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/api/auth/forgot-password", new { email = "nobody@example.com" })).StatusCode);
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, await viewer.GoAsync("/forgot-password"));
            Assert.Equal(200, await viewer.GoAsync("/reset-password?token=" + new string('0', 64)));
        }
        await SubmitForgotPasswordAsync(viewer);
        await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("If an account uses that address");

        await SubmitForgotPasswordAsync(viewer);
        await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Too many password reset requests from this address. Try again later.");
        Assert.Equal(200, await viewer.GoAsync("/reset-password?token=" + new string('0', 64)));
        await viewer.Page.GetByLabel("New password").FillAsync("a-brand-new-password");
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Too many password reset attempts from this address. Try again later.");
        // The pages' requests and the API's are one count per address.
        var refused = await api.PostAsJsonAsync("/api/auth/forgot-password", new { email = "nobody@example.com" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        viewer.ForgetConsoleErrors(); // the browser logs the refused reset's 422
    }

    private static async Task SubmitForgotPasswordAsync(Viewer viewer)
    {
        Assert.Equal(200, await viewer.GoAsync("/forgot-password"));
        await viewer.Page.GetByLabel("Email address of your account").FillAsync("nobody-" + Guid.NewGuid().ToString("N")[..8] + "@example.com");
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Send a reset link" }).ClickAsync();
    }

    private static async Task SubmitSignInAsync(Viewer viewer, string login, string password)
    {
        Assert.Equal(200, await viewer.GoAsync("/login"));
        await viewer.Page.GetByLabel("Username or email address").FillAsync(login);
        await viewer.Page.GetByLabel("Password").FillAsync(password);
        await viewer.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}

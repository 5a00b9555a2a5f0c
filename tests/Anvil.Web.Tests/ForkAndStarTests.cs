using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>Forking from the repository page, and the lists of forks and stargazers its counts link to.</summary>
public abstract class ForkAndStarTests(AnvilServer server, Chromium chromium)
{
    private async Task<Viewer> SignedInAsync(TestUser user)
    {
        var viewer = await Viewer.OpenAsync(chromium, server);
        await viewer.Page.Context.AddCookiesAsync([new Cookie { Name = "anvil_session", Value = user.SessionToken, Url = server.BaseUri.ToString() }]);
        return viewer;
    }

    [Fact]
    public async Task A_person_forks_a_repository_and_finds_it_among_its_forks_and_themselves_among_its_stargazers()
    {
        var owner = await server.SignUpAsync();
        var forker = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "upstream");
        var o = owner.Username;
        await using var viewer = await SignedInAsync(forker);
        var page = viewer.Page;

        Assert.Equal(200, await viewer.GoAsync($"/{o}/upstream"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "0 forks" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Fork", Exact = true }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{forker.Username}/upstream");
        await Assertions.Expect(page.Locator(".repo-head")).ToContainTextAsync($"forked from {o}/upstream");
        await Assertions.Expect(page.Locator(".markdown-body h1")).ToHaveTextAsync("Calculator");
        using (var api = forker.Client())
        {
            var fork = await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/repos/{forker.Username}/upstream");
            Assert.Equal($"{o}/upstream", fork.GetProperty("parent").GetProperty("full_name").GetString());
        }

        // Navigations wait for the document, not for every image and script on it (the load event has timed out under a
        // full run's load); the assertions after each wait for what they look at.
        // The parent's fork count links to the list of forks.
        await viewer.GoAsync($"/{o}/upstream");
        await page.GetByRole(AriaRole.Link, new() { Name = "1 fork", Exact = true }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/upstream/forks");
        await Assertions.Expect(page.Locator(".repo-list li a").First).ToHaveTextAsync($"{forker.Username}/upstream");
        await Assertions.Expect(page.Locator(".repo-list")).ToContainTextAsync($"Forked from {o}/upstream");

        // Forking again takes the person to the fork they already have.
        await viewer.GoAsync($"/{o}/upstream");
        await page.GetByRole(AriaRole.Button, new() { Name = "Fork", Exact = true }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{forker.Username}/upstream");
        using (var api = owner.Client())
        {
            var forks = await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/repos/{o}/upstream/forks");
            Assert.Equal(1, forks.GetArrayLength());
        }

        // Star it; the star count links to the stargazers, with their avatars.
        await viewer.GoAsync($"/{o}/upstream");
        await page.GetByRole(AriaRole.Button, new() { Name = "☆ Star" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "1 stargazer", Exact = true }).ClickAsync();
        // The page, not every image on it: the avatar is waited for below, by itself.
        await page.WaitForDocumentAsync($"**/{o}/upstream/stargazers");
        var people = page.Locator(".people-grid li");
        await Assertions.Expect(people).ToHaveCountAsync(1);
        await Assertions.Expect(people.GetByRole(AriaRole.Link, new() { Name = forker.Username })).ToHaveAttributeAsync("href", $"/{forker.Username}");
        await page.WaitForFunctionAsync("() => { const img = document.querySelector('.people-grid li img.avatar'); return img && img.complete; }");
        Assert.True(await people.Locator("img.avatar").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the avatar loads");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Stargazers 1" })).ToBeVisibleAsync();
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Signed_out_the_fork_button_asks_to_sign_in_and_the_owner_has_no_fork_form()
    {
        var owner = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "mine");
        var o = owner.Username;

        await using var anonymous = await Viewer.OpenAsync(chromium, server);
        Assert.Equal(200, await anonymous.GoAsync($"/{o}/mine"));
        await anonymous.Page.GetByRole(AriaRole.Link, new() { Name = "Fork", Exact = true }).ClickAsync();
        Assert.EndsWith($"/login?return_to=%2F{o}%2Fmine", anonymous.Page.Url);
        Assert.Equal(200, await anonymous.GoAsync($"/{o}/mine/forks"));
        await Assertions.Expect(anonymous.Page.GetByText("No one has forked this repository yet.")).ToBeVisibleAsync();
        Assert.Equal(200, await anonymous.GoAsync($"/{o}/mine/stargazers"));
        await Assertions.Expect(anonymous.Page.GetByText("No one has starred this repository yet.")).ToBeVisibleAsync();
        anonymous.AssertNoConsoleErrors();

        await using var ownerView = await SignedInAsync(owner);
        await ownerView.GoAsync($"/{o}/mine");
        await Assertions.Expect(ownerView.Page.GetByRole(AriaRole.Button, new() { Name = "Fork" })).ToHaveCountAsync(0);
        await Assertions.Expect(ownerView.Page.Locator(".repo-actions [title='You own this repository']")).ToHaveTextAsync("Fork");
    }

    [Fact]
    public async Task Forks_and_stargazers_page_like_the_history()
    {
        var owner = await server.SignUpAsync();
        await SampleRepository.PushAsyncForNewRepo(server, owner, "popular");
        var o = owner.Username;
        // One more stargazer than a page holds.
        for (var i = 0; i <= Anvil.Web.Pages.Repo.Stargazers.PerPage; i++)
        {
            var fan = await server.SignUpAsync();
            using var api = fan.Client();
            Assert.Equal(System.Net.HttpStatusCode.NoContent, (await api.PutAsync($"/api/v1/user/starred/{o}/popular", null)).StatusCode);
        }
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        Assert.Equal(200, await viewer.GoAsync($"/{o}/popular/stargazers"));
        await Assertions.Expect(page.Locator(".people-grid li")).ToHaveCountAsync(Anvil.Web.Pages.Repo.Stargazers.PerPage);
        await page.GetByRole(AriaRole.Link, new() { Name = "Next" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{o}/popular/stargazers?page=2");
        await Assertions.Expect(page.Locator(".people-grid li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Next" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Previous" }).ClickAsync();
        await Assertions.Expect(page.Locator(".people-grid li")).ToHaveCountAsync(Anvil.Web.Pages.Repo.Stargazers.PerPage);
        viewer.AssertNoConsoleErrors();
    }
}

public sealed class ForkAndStarTestsOnSqlite(SqliteServer s, Chromium c) : ForkAndStarTests(s, c), IClassFixture<SqliteServer>, IClassFixture<Chromium>;

public sealed class ForkAndStarTestsOnPostgres(PostgresServer s, Chromium c) : ForkAndStarTests(s, c), IClassFixture<PostgresServer>, IClassFixture<Chromium>;

using System.Text.RegularExpressions;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests;

/// <summary>What a person does in a browser: join, create a repository, push to it, read it, leave.</summary>
public abstract class WebFlowTests(AnvilServer server, Chromium chromium)
{
    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_person_signs_up_creates_a_repository_pushes_reads_it_and_signs_out()
    {
        var username = NewName("alice");
        var password = "correct-horse-battery";
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;

        await viewer.SignUpAsync(username, password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your repositories" })).ToBeVisibleAsync();

        // Create the repository from the form.
        await page.GetByRole(AriaRole.Link, new() { Name = "New repository" }).First.ClickAsync();
        await page.GetByLabel("Repository name").FillAsync("calculator");
        await page.GetByLabel("Description").FillAsync("Adds and divides");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create repository" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{username}/calculator");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "This repository is empty" })).ToBeVisibleAsync();
        var cloneUrl = await page.Locator("#clone-url").InputValueAsync();
        Assert.Equal($"{server.BaseUri.ToString().TrimEnd('/')}/{username}/calculator.git", cloneUrl);

        // Push with the real git CLI, then read it back in the browser.
        var second = await SampleRepository.PushAsync(server, username, password, "calculator");
        await viewer.GoAsync($"/{username}/calculator");
        await Assertions.Expect(page.Locator(".repo-description")).ToHaveTextAsync("Adds and divides");
        var readme = page.Locator(".markdown-body");
        await Assertions.Expect(readme.GetByRole(AriaRole.Heading, new() { Name = "Calculator" })).ToBeVisibleAsync();
        await Assertions.Expect(readme.GetByRole(AriaRole.Link, new() { Name = "the guide" }))
            .ToHaveAttributeAsync("href", $"/{username}/calculator/blob/main/docs/guide.md");
        await Assertions.Expect(readme.Locator("img[alt=logo]")).ToHaveAttributeAsync("src", $"/{username}/calculator/raw/main/docs/logo.png");
        Assert.True(await readme.Locator("img[alt=logo]").EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 1"), "README image loads from raw");
        await Assertions.Expect(readme.Locator("input[type=checkbox]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".commit-tease-message")).ToHaveTextAsync(SampleRepository.SecondCommit);

        // Star it.
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "0 stargazers" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "☆ Star" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "★ Starred" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "1 stargazer", Exact = true })).ToHaveTextAsync("1");

        // Walk the tree, open a file and a line range.
        await page.Locator("table.files").GetByRole(AriaRole.Link, new() { Name = "src", Exact = true }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{username}/calculator/tree/main/src");
        await Assertions.Expect(page.Locator(".breadcrumbs")).ToContainTextAsync("calculator/src");
        await page.Locator("table.files").GetByRole(AriaRole.Link, new() { Name = "calc.py" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{username}/calculator/blob/main/src/calc.py");
        await Assertions.Expect(page.Locator("#L1 .lc")).ToHaveTextAsync("def add(a, b):");
        await Assertions.Expect(page.Locator("table.code tr")).ToHaveCountAsync(30);
        await viewer.GoAsync($"/{username}/calculator/blob/main/src/calc.py#L10-L12");
        await Assertions.Expect(page.Locator("table.code tr.selected")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#L12")).ToHaveClassAsync(new Regex("selected"));
        await Assertions.Expect(page.Locator("#L13")).Not.ToHaveClassAsync(new Regex("selected"));

        // Blame: line 12 comes from the second commit, the rest from the first.
        await page.GetByRole(AriaRole.Link, new() { Name = "Blame" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{username}/calculator/blame/main/src/calc.py");
        await Assertions.Expect(page.Locator("table.blame tr")).ToHaveCountAsync(30);
        await Assertions.Expect(page.Locator("table.blame tr.blame-start .blame-commit a"))
            .ToHaveTextAsync([SampleRepository.FirstCommit, SampleRepository.SecondCommit, SampleRepository.FirstCommit]);
        await Assertions.Expect(page.Locator("#L12 .blame-commit a")).ToHaveAttributeAsync("href", $"/{username}/calculator/commit/{second}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Code" }).Last.ClickAsync();
        await page.WaitForDocumentAsync($"**/{username}/calculator/blob/main/src/calc.py");

        // The history, then the newest commit's diff.
        await page.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{username}/calculator/commits/main/src/calc.py");
        await Assertions.Expect(page.Locator(".commit-title")).ToHaveTextAsync([SampleRepository.SecondCommit, SampleRepository.FirstCommit]);
        await page.GetByRole(AriaRole.Link, new() { Name = SampleRepository.SecondCommit }).ClickAsync();
        await page.WaitForDocumentAsync($"**/{username}/calculator/commit/{second}");
        var file = page.Locator("details.diff-file");
        await Assertions.Expect(file).ToHaveCountAsync(1);
        await Assertions.Expect(file.Locator(".diff-path")).ToHaveTextAsync("src/calc.py");
        await Assertions.Expect(file.Locator(".diff-counts")).ToHaveTextAsync("+1 −1");
        Assert.Equal(["+def divide(a, b):  # new"], await file.Locator("tr.add td:nth-child(3)").EvaluateAllAsync<string[]>(DiffCells.Seen));
        Assert.Equal(["-# line 12"], await file.Locator("tr.del td:nth-child(3)").EvaluateAllAsync<string[]>(DiffCells.Seen));

        // The profile lists the repository.
        await viewer.GoAsync($"/{username}");
        await Assertions.Expect(page.Locator(".repo-list").First).ToContainTextAsync("calculator");
        await Assertions.Expect(page.Locator(".repo-list").First.Locator(".repo-language")).ToHaveTextAsync("Python");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Starred 1" })).ToBeVisibleAsync();

        // Search from the header ("/" focuses the box).
        await page.Keyboard.PressAsync("/");
        await Assertions.Expect(page.Locator("#site-search")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("calculator");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForDocumentAsync("**/search?q=calculator");
        await Assertions.Expect(page.Locator(".repo-list")).ToContainTextAsync($"{username}/calculator");
        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await page.Locator("#search-q").FillAsync(username);
        await page.Locator("#search-q").PressAsync("Enter");
        await Assertions.Expect(page.Locator(".user-hit")).ToContainTextAsync(username);

        // Sign out from the user menu.
        await page.Locator(".site-header details.menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForDocumentAsync(server.BaseUri.ToString());
        await Assertions.Expect(page.Locator(".site-header").GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "anvil_session");
        viewer.AssertNoConsoleErrors();

        // Signed in again with the same password, the repository is still there.
        await viewer.SignInAsync(username, password);
        await Assertions.Expect(page.Locator(".repo-list").First).ToContainTextAsync("calculator");
        viewer.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_person_creates_a_token_shown_once_uses_it_and_revokes_it()
    {
        var user = await server.SignUpAsync();
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;
        await page.Context.AddCookiesAsync([new Cookie { Name = "anvil_session", Value = user.SessionToken, Url = server.BaseUri.ToString() }]);

        Assert.Equal(200, await viewer.GoAsync("/settings/tokens"));
        await Assertions.Expect(page.GetByText("You have no tokens.")).ToBeVisibleAsync();
        await page.GetByLabel("Name").FillAsync("deploy");
        await page.GetByLabel("Expiration").SelectOptionAsync("7");
        await page.GetByLabel("user:read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate token" }).ClickAsync();
        var token = await page.GetByLabel("New token").InputValueAsync();
        Assert.Matches("^shp_[A-Za-z0-9]{40}$", token);
        await Assertions.Expect(page.Locator(".token-list li")).ToContainTextAsync(["deploy"]);
        await Assertions.Expect(page.Locator(".token-list li")).ToContainTextAsync("user:read");

        using (var api = server.WithBearer(token))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await api.GetAsync("/api/v1/user")).StatusCode);
        }
        // Shown once: opening the page again lists it without its secret.
        await viewer.GoAsync("/settings/tokens");
        await Assertions.Expect(page.GetByLabel("New token")).ToHaveCountAsync(0);
        Assert.DoesNotContain(token, await page.ContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke deploy" }).ClickAsync();
        await Assertions.Expect(page.GetByText("You have no tokens.")).ToBeVisibleAsync();
        using (var api = server.WithBearer(token))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/user")).StatusCode);
        }
        viewer.AssertNoConsoleErrors();

        // Signed out, the page asks to sign in first.
        await using var anonymous = await Viewer.OpenAsync(chromium, server);
        await anonymous.GoAsync("/settings/tokens");
        Assert.EndsWith("/login?return_to=%2Fsettings%2Ftokens", anonymous.Page.Url);
    }

    [Fact]
    public async Task Wrong_passwords_and_taken_names_are_explained_on_the_form()
    {
        var existing = await server.SignUpAsync();
        await using var viewer = await Viewer.OpenAsync(chromium, server);
        var page = viewer.Page;

        await viewer.GoAsync("/login");
        await page.GetByLabel("Username or email address").FillAsync(existing.Username);
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Incorrect username or password.");
        await Assertions.Expect(page.GetByLabel("Username or email address")).ToHaveValueAsync(existing.Username);

        await viewer.GoAsync("/join");
        await page.GetByLabel("Email address").FillAsync(NewName("x") + "@example.com");
        await page.GetByLabel("Username").FillAsync(existing.Username);
        await page.GetByLabel("Password").FillAsync("long-enough-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Username is already taken.");

        // A reserved name (the web interface's asset folder) is refused too.
        await page.GetByLabel("Username").FillAsync("assets");
        await page.GetByLabel("Password").FillAsync("long-enough-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Username 'assets' is reserved.");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "anvil_session");

        // A repository name already taken is told on the new-repository form.
        using (var api = existing.Client())
        {
            (await api.PostAsync("/api/repositories", System.Net.Http.Json.JsonContent.Create(new { name = "taken" }))).EnsureSuccessStatusCode();
        }
        await viewer.SignInAsync(existing.Username, existing.Password);
        await viewer.GoAsync("/new");
        await page.GetByLabel("Repository name").FillAsync("taken");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create repository" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("already");
        await Assertions.Expect(page.GetByLabel("Repository name")).ToHaveValueAsync("taken");
    }

    [Fact]
    public async Task A_private_repository_is_the_same_404_page_to_strangers_and_anonymous_viewers()
    {
        var owner = await server.SignUpAsync();
        var stranger = await server.SignUpAsync();
        using (var c = owner.Client())
        {
            var res = await c.PostAsync("/api/repositories", System.Net.Http.Json.JsonContent.Create(new { name = "secret", visibility = "private", autoInit = true }));
            Assert.Equal(System.Net.HttpStatusCode.Created, res.StatusCode);
        }
        var paths = new[]
        {
            $"/{owner.Username}/secret", $"/{owner.Username}/secret/tree/main", $"/{owner.Username}/secret/blob/main/README.md",
            $"/{owner.Username}/secret/commits/main", $"/{owner.Username}/secret/raw/main/README.md",
            $"/{owner.Username}/secret/forks", $"/{owner.Username}/secret/stargazers",
        };

        await using var anonymous = await Viewer.OpenAsync(chromium, server);
        await using var signedIn = await Viewer.OpenAsync(chromium, server);
        await signedIn.Page.Context.AddCookiesAsync([new Cookie { Name = "anvil_session", Value = stranger.SessionToken, Url = server.BaseUri.ToString() }]);
        foreach (var viewer in new[] { anonymous, signedIn })
        {
            foreach (var path in paths)
            {
                Assert.Equal(404, await viewer.GoAsync(path));
                await Assertions.Expect(viewer.Page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
            }
        }
        // The owner sees it.
        await using var ownerView = await Viewer.OpenAsync(chromium, server);
        await ownerView.Page.Context.AddCookiesAsync([new Cookie { Name = "anvil_session", Value = owner.SessionToken, Url = server.BaseUri.ToString() }]);
        foreach (var path in paths)
        {
            Assert.Equal(200, await ownerView.GoAsync(path));
        }
        ownerView.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Pages_read_the_same_without_javascript()
    {
        var username = NewName("nojs");
        var owner = await server.SignUpAsync(username);
        await SampleRepository.PushAsyncForNewRepo(server, owner, "plain");
        await SampleRepository.OpenIssueAsync(owner, "plain");
        await using var viewer = await Viewer.OpenAsync(chromium, server, javaScript: false);
        var page = viewer.Page;
        Assert.Equal(200, await viewer.GoAsync($"/{username}/plain"));
        await Assertions.Expect(page.Locator(".markdown-body h1")).ToHaveTextAsync("Calculator");
        await page.Locator("table.files").GetByRole(AriaRole.Link, new() { Name = "src", Exact = true }).ClickAsync();
        await page.Locator("table.files").GetByRole(AriaRole.Link, new() { Name = "calc.py" }).ClickAsync();
        await Assertions.Expect(page.Locator("#L2 .lc")).ToHaveTextAsync("    return a + b");
        await page.GetByRole(AriaRole.Link, new() { Name = "Commits" }).ClickAsync();
        await Assertions.Expect(page.Locator(".commit-title")).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Link, new() { Name = SampleRepository.FirstCommit }).ClickAsync();
        await Assertions.Expect(page.Locator("details.diff-file")).ToHaveCountAsync(5);
        // The branch menu is a <details>: it opens without script.
        await viewer.GoAsync($"/{username}/plain");
        await page.Locator("details.ref-menu summary").ClickAsync();
        await Assertions.Expect(page.Locator("details.ref-menu .menu-body a")).ToHaveTextAsync(["main"]);
        // Issues: the list, then the conversation with its Markdown.
        await page.GetByRole(AriaRole.Link, new() { Name = "Issues 1" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Dividing by zero crashes the calculator" }).ClickAsync();
        await Assertions.Expect(page.Locator(".comment")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".comment-body strong")).ToHaveTextAsync("ZeroDivisionError");
        viewer.AssertNoConsoleErrors();
    }
}

public sealed class WebFlowTestsOnSqlite(SqliteServer s, Chromium c) : WebFlowTests(s, c), IClassFixture<SqliteServer>, IClassFixture<Chromium>;

public sealed class WebFlowTestsOnPostgres(PostgresServer s, Chromium c) : WebFlowTests(s, c), IClassFixture<PostgresServer>, IClassFixture<Chromium>;

using Anvil.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Anvil.Web.Tests.Infrastructure;

/// <summary>
/// One person at a browser: their own context (cookies), a page, and every console error and uncaught script error
/// the pages they visit produce.
/// </summary>
public sealed class Viewer : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    public IPage Page { get; }
    public AnvilServer Server { get; }

    private Viewer(AnvilServer server, IBrowserContext context, IPage page)
    {
        Server = server;
        _context = context;
        Page = page;
        Navigation.Watch(page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add($"{page.Url}: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add($"{page.Url}: uncaught {error}");
            }
        };
    }

    public static async Task<Viewer> OpenAsync(Chromium chromium, AnvilServer server, int width = 1280, int height = 800,
        ColorScheme scheme = ColorScheme.Light, bool javaScript = true, bool bypassCsp = false)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseUri.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = scheme,
            JavaScriptEnabled = javaScript,
            // Only for injecting test tooling inline (axe-core): the pages' own CSP allows no inline script.
            BypassCSP = bypassCsp,
        });
        return new Viewer(server, context, await context.NewPageAsync());
    }

    /// <summary>Opens <paramref name="path"/> and returns the response's status.</summary>
    public async Task<int> GoAsync(string path)
    {
        var response = await Page.GotoAsync(path);
        return response?.Status ?? 0;
    }

    /// <summary>Fails unless the pages so far logged no console error (then forgets them).</summary>
    public void AssertNoConsoleErrors()
    {
        lock (_errors)
        {
            Assert.True(_errors.Count == 0, "browser console errors:\n" + string.Join('\n', _errors));
        }
    }

    public void ForgetConsoleErrors()
    {
        lock (_errors)
        {
            _errors.Clear();
        }
    }

    public async Task SignUpAsync(string username, string password)
    {
        Assert.Equal(200, await GoAsync("/join"));
        await Page.GetByLabel("Email address").FillAsync($"{username}@example.com");
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Page.WaitForDocumentAsync(Server.BaseUri + "");
    }


    public async Task SignInAsync(string login, string password)
    {
        Assert.Equal(200, await GoAsync("/login"));
        await Page.GetByLabel("Username or email address").FillAsync(login);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForDocumentAsync(Server.BaseUri + "");
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}

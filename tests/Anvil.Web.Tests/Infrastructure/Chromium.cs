using Microsoft.Playwright;

namespace Anvil.Web.Tests.Infrastructure;

/// <summary>
/// Debian's chromium driven by Playwright (the browsers Playwright downloads cannot be fetched here). One browser for
/// the whole test run, launched by the first class that needs it: starting Playwright's driver and a chromium took
/// seconds of the two cores per class. Each test opens its own contexts (<see cref="Viewer"/>), so cookies, storage
/// and pages never leak between viewers or classes; nothing but a context is ever opened on the shared browser.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly Lazy<Task<IBrowser>> Shared = new(LaunchAsync);

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync() => Browser = await Shared.Value;

    // The browser outlives each class: it is closed when the test process ends (Playwright's driver, and with it the
    // browser, exits when its parent does).
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<IBrowser> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: apt-get install -y chromium");
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Running as root needs --no-sandbox; the rest keeps chromium from phoning home or updating mid-test.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                browser.CloseAsync().Wait(TimeSpan.FromSeconds(10));
                playwright.Dispose();
            }
            catch (Exception)
            {
                // Best effort at exit: the driver's exit takes the browser with it anyway.
            }
        };
        return browser;
    }
}

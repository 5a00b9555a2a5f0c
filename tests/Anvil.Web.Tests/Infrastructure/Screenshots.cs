using Microsoft.Playwright;

namespace Anvil.Web.Tests.Infrastructure;

/// <summary>Where the tests leave pictures of the pages for a person to look at.</summary>
public static class Screenshots
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static readonly (int Width, int Height)[] Sizes = [(1280, 800), (390, 844)];

    public static readonly ColorScheme[] Schemes = [ColorScheme.Light, ColorScheme.Dark];

    public static async Task SaveAsync(IPage page, string name, int width, ColorScheme scheme)
    {
        Directory.CreateDirectory(Folder);
        var file = Path.Combine(Folder, $"{name}-{width}-{scheme.ToString().ToLowerInvariant()}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = false });
    }
}

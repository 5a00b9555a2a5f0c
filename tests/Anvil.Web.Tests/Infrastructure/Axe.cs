using Microsoft.Playwright;

namespace Anvil.Web.Tests.Infrastructure;

/// <summary>
/// axe-core, the accessibility checker, from the copy test.sh installs from npm (ANVIL_AXE_JS); nothing is fetched
/// while the tests run. Injected inline, so the page's context must bypass the Content-Security-Policy.
/// </summary>
public static class Axe
{
    public const string Version = "4.14.1";

    private const string InstallCommand = "npm install --prefix \"$HOME/.cache/anvil-axe\" axe-core@" + Version;

    private static readonly Lazy<string> Script = new(Load);

    private static string Load()
    {
        var path = Environment.GetEnvironmentVariable("ANVIL_AXE_JS") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "anvil-axe", "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"axe-core is missing at {path}. ./test.sh installs it; or run: {InstallCommand} (and set ANVIL_AXE_JS to another copy's axe.min.js if you keep one elsewhere)");
        }
        return File.ReadAllText(path);
    }

    /// <summary>The serious and critical violations on the page as it is now, one readable paragraph each.</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = Script.Value });
        return await page.EvaluateAsync<string[]>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n` + v.nodes.slice(0, 8)
                  .map(n => `    ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ')}\n      ${n.html.slice(0, 200)}`)
                  .join('\n'));
            }
            """);
    }
}

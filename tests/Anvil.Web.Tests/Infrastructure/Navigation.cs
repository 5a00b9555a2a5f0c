using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Anvil.Web.Tests.Infrastructure;

/// <summary>
/// Waiting for a page's next document, and saying where the browser ended up when it never came: a failed form shows
/// its error on the page it stayed on, and that sentence is what a failing test should print.
/// </summary>
public static class Navigation
{
    /// <summary>Each page's main-frame documents so far (URL and status), newest last.</summary>
    private static readonly ConditionalWeakTable<IPage, List<string>> Documents = new();

    /// <summary>
    /// How long a navigation or an expectation may take. The shared machine runs other builds beside the tests; a
    /// page that renders in milliseconds when quiet can take seconds then, and waiting longer changes no assertion.
    /// </summary>
    public const float Patience = 60_000;

    public static void Watch(IPage page)
    {
        Assertions.SetDefaultExpectTimeout(Patience);
        var log = Documents.GetValue(page, _ => []);
        page.SetDefaultTimeout(Patience);
        page.SetDefaultNavigationTimeout(Patience);
        page.Response += (_, response) =>
        {
            if (response.Request.IsNavigationRequest && response.Frame == page.MainFrame)
            {
                lock (log)
                {
                    log.Add($"{response.Request.Method} {response.Url} -> {response.Status}");
                }
            }
        };
    }

    /// <summary>Waits for a document at <paramref name="url"/> (a glob or an exact URL) to be parsed, not for its load event.</summary>
    public static Task WaitForDocumentAsync(this IPage page, string url) =>
        WaitAsync(page, url, () => page.WaitForURLAsync(url, Parsed), GlobRegex(url));

    /// <summary>Waits for a document whose URL matches <paramref name="url"/> to be parsed.</summary>
    public static Task WaitForDocumentAsync(this IPage page, Regex url) =>
        WaitAsync(page, url.ToString(), () => page.WaitForURLAsync(url, Parsed), url);

    /// <summary>Playwright's URL globs: <c>**</c> any characters, <c>*</c> any but a slash; anything else literally.</summary>
    private static Regex GlobRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$");

    /// <summary>The document parsed, not its load event: that can lag by seconds, and every check after waits for what it checks anyway.</summary>
    private static readonly PageWaitForURLOptions Parsed = new() { WaitUntil = WaitUntilState.DOMContentLoaded };

    private static async Task WaitAsync(IPage page, string wanted, Func<Task> wait, Regex url)
    {
        try
        {
            await wait();
        }
        catch (TimeoutException e)
        {
            // Playwright can miss a load state the page had already reached when the wait began (the browser there,
            // its document parsed, the wait still timing out): what was waited for is then true, and it is checked.
            if (url.IsMatch(page.Url) && await page.EvaluateAsync<string>("document.readyState") is "interactive" or "complete")
            {
                return;
            }
            throw new TimeoutException($"waited for {wanted}; the page is at {page.Url}\n{await WhatItSaysAsync(page)}", e);
        }
    }

    private static async Task<string> WhatItSaysAsync(IPage page)
    {
        var lines = new List<string>();
        if (Documents.TryGetValue(page, out var log))
        {
            lock (log)
            {
                lines.AddRange(log.TakeLast(5).Select(d => "  document: " + d));
            }
        }
        try
        {
            var said = await page.Locator("[role=alert], .flash, h1").AllInnerTextsAsync();
            lines.AddRange(said.Take(5).Select(s => "  says: " + s.ReplaceLineEndings(" ")));
        }
        catch (PlaywrightException e)
        {
            lines.Add("  (could not read the page: " + e.Message + ")");
        }
        return string.Join('\n', lines);
    }
}

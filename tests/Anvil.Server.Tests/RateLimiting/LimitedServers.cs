using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.RateLimiting;

/// <summary>Servers with the limits a test asks for (the fixture default is every limit off).</summary>
public static class LimitedServers
{
    public static async Task<AnvilServer> StartAsync(params (string Name, string? Value)[] settings)
    {
        var server = new SqliteServer();
        foreach (var (name, value) in settings)
        {
            server.Settings[name] = value;
        }
        await server.InitializeAsync();
        return server;
    }

    public static string? Header(this HttpResponseMessage res, string name) =>
        res.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public static HttpClient ForwardedFor(this AnvilServer server, string xForwardedFor)
    {
        var c = server.Anonymous();
        c.DefaultRequestHeaders.Add("X-Forwarded-For", xForwardedFor);
        return c;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after <paramref name="seconds"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, int seconds = 15, string? what = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"not within {seconds}s: {what}");
            }
            await Task.Delay(100);
        }
    }
}

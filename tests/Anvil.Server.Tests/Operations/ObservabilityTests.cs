using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Operations;

public sealed class ObservabilityTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task Every_mapped_api_route_appears_in_the_openapi_document()
    {
        using var c = server.Anonymous();
        var doc = JsonNode.Parse(await c.GetStringAsync("/openapi/v1.json"))!;
        var documented = doc["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !IsWebPage(e))
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))
            .Where(r => !r.StartsWith("/openapi") && !r.StartsWith("/docs") && r != "/metrics")
            .ToHashSet();
        Assert.NotEmpty(routes);
        // OpenAPI writes a parameter without its route constraint or catch-all star: {number:int} and {*path} become {number} and {path}.
        var missing = routes.Where(r => !documented.Contains(System.Text.RegularExpressions.Regex.Replace(r, @"\{\*?(\w+)(:[^}]*)?\}", "{$1}"))).ToList();
        Assert.True(missing.Count == 0, "undocumented routes: " + string.Join(", ", missing));
    }

    /// <summary>The web interface's pages and assets opt out of the API description; a route under /api or /auth cannot.</summary>
    private static bool IsWebPage(RouteEndpoint e)
    {
        var path = "/" + e.RoutePattern.RawText!.TrimStart('/');
        return e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true }
            && !path.StartsWith("/api", StringComparison.Ordinal) && !path.StartsWith("/auth", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docs_page_is_served()
    {
        using var c = server.Anonymous();
        var res = await c.GetAsync("/docs/");
        Assert.Equal(System.Net.HttpStatusCode.OK, res.StatusCode);
        Assert.Contains("openapi/v1.json", await res.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_expose_request_counts_by_route_in_prometheus_format()
    {
        using var c = server.Anonymous();
        await c.GetAsync("/api/v1/meta");
        var text = await c.GetStringAsync("/metrics");
        Assert.Contains("http_request_duration_seconds", text);
        Assert.Contains("endpoint=\"/api/v1/meta\"", text);
    }
}

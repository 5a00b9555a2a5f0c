using System.Net.Http.Json;
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
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))
            .Where(r => !r.StartsWith("/openapi") && !r.StartsWith("/docs") && r != "/metrics")
            .ToHashSet();
        Assert.NotEmpty(routes);
        // The document names parameters without catch-all markers or route constraints ({*path}, {number:int} → {path}, {number}).
        var missing = routes.Where(r => !documented.Contains(System.Text.RegularExpressions.Regex.Replace(r.Replace("{*", "{"), @"\{(\w+):[^}]+\}", "{$1}")))
            .ToList();
        Assert.True(missing.Count == 0, "undocumented routes: " + string.Join(", ", missing));
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
    public async Task Metrics_expose_git_operations_and_the_webhook_queue_after_a_push()
    {
        var owner = await server.SignUpAsync();
        var repo = await Repositories.RepoSetup.CreateAsync(owner, autoInit: false);
        var name = repo.Str("name");
        using var c = owner.Client();
        // Nothing listens there: the push's delivery stays queued for a retry.
        var hook = await c.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/{name}/hooks",
            new { name = "web", config = new { url = "https://hooks.example.com/anvil", content_type = "json" }, events = new[] { "push" } });
        await hook.JsonAsync(System.Net.HttpStatusCode.Created);
        using var git = new GitClient();
        var work = git.Path("w");
        await git.OkAsync(null, "init", "-q", "-b", "main", work);
        await git.CommitFileAsync(work, "a.txt", "a\n", "first");
        await git.OkAsync(work, "push", "-q", GitClient.Url(server, owner.Username, name, owner.Username, owner.Password), "main");
        await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}");

        var text = await c.GetStringAsync("/metrics");

        Assert.Contains("anvil_git_operations_total{service=\"git-receive-pack\",outcome=\"ok\"}", text);
        Assert.Contains("anvil_git_operation_duration_seconds_count{service=\"git-receive-pack\"}", text);
        Assert.Contains("http_requests_received_total{", text);
        Assert.Contains("endpoint=\"/{owner}/{repo}/git-receive-pack\"", text);
        Assert.Contains("endpoint=\"/api/v1/repos/{owner}/{name}/\"", text); // a group's own route keeps the group's slash
        var depth = text.Split('\n').Single(l => l.StartsWith("anvil_webhook_deliveries_pending ", StringComparison.Ordinal));
        Assert.True(double.Parse(depth.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 1, depth);
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

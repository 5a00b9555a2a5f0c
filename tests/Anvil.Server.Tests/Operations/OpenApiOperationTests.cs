using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Operations;

/// <summary>What a reader of <c>/openapi/v1.json</c> and <c>/docs</c> learns beyond the schemas: features, auth, scopes.</summary>
public sealed class OpenApiOperationTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private async Task<JsonNode> DocumentAsync()
    {
        using var c = server.Anonymous();
        return JsonNode.Parse(await c.GetStringAsync("/openapi/v1.json"))!;
    }

    [Fact]
    public async Task Every_api_operation_is_tagged_with_its_feature_and_surface()
    {
        var doc = await DocumentAsync();
        foreach (var (path, item) in doc["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var tag = Assert.Single(operation!["tags"]!.AsArray())!.GetValue<string>();
                var expected = path.StartsWith("/api/v1/") ? @"^[A-Z][A-Za-z]+ \(v1\)$"
                    : path.StartsWith("/api/") || path.StartsWith("/auth/") ? @"^[A-Z][A-Za-z]+ \(sigmagit\)$"
                    : @"^[A-Z][A-Za-z ]+$";
                Assert.True(Regex.IsMatch(tag, expected) && !tag.StartsWith("Other"), $"{method} {path} is tagged '{tag}'");
            }
        }
        Assert.Equal("Issues (v1)", doc["paths"]!["/api/v1/repos/{owner}/{name}/issues"]!["get"]!["tags"]![0]!.GetValue<string>());
        Assert.Equal("Git smart HTTP", doc["paths"]!["/{owner}/{repo}/info/refs"]!["get"]!["tags"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_operation_has_a_summary()
    {
        var doc = await DocumentAsync();
        var missing = doc["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Method: o.Key.ToUpperInvariant(), Path: p.Key, Summary: o.Value!["summary"]?.GetValue<string>())))
            .Where(o => string.IsNullOrWhiteSpace(o.Summary)).Select(o => $"{o.Method} {o.Path}").ToList();
        Assert.True(missing.Count == 0, "no summary (add one to OpenApiSummaries): " + string.Join(", ", missing));
        Assert.Equal("List comments of an issue", doc["paths"]!["/api/v1/repos/{owner}/{name}/issues/{number}/comments"]!["get"]!["summary"]!.GetValue<string>());
        Assert.Equal("Merge a pull request", doc["paths"]!["/api/v1/repos/{owner}/{name}/pulls/{number}/merge"]!["put"]!["summary"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_bodies_name_the_fields_they_cannot_do_without()
    {
        var doc = await DocumentAsync();
        JsonNode Body(string method, string path)
        {
            var schema = doc["paths"]![path]![method]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
            return schema["$ref"] is { } r ? doc["components"]!["schemas"]![r.GetValue<string>().Split('/')[^1]]! : schema;
        }
        string[] Required(JsonNode schema) => schema["required"]?.AsArray().Select(n => n!.GetValue<string>()).Order().ToArray() ?? [];
        Assert.Equal(["title"], Required(Body("post", "/api/v1/repos/{owner}/{name}/issues")));
        Assert.Equal(["base", "head", "title"], Required(Body("post", "/api/v1/repos/{owner}/{name}/pulls")));
        Assert.Equal(["name"], Required(Body("post", "/api/repositories")));
        Assert.Equal(["email", "password", "username"], Required(Body("post", "/auth/sign-up")));
        Assert.Empty(Required(Body("patch", "/api/v1/repos/{owner}/{name}/issues/{number}")));
    }

    [Fact]
    public async Task Security_schemes_are_declared_and_signed_in_operations_say_which_scope_a_token_needs()
    {
        var doc = await DocumentAsync();
        var schemes = doc["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("cookie", schemes["sessionCookie"]!["in"]!.GetValue<string>());
        Assert.Equal("anvil_session", schemes["sessionCookie"]!["name"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["bearer"]!["scheme"]!.GetValue<string>());
        Assert.Equal("basic", schemes["gitBasic"]!["scheme"]!.GetValue<string>());
        Assert.NotNull(schemes["personalAccessToken"]);

        var me = doc["paths"]!["/api/v1/user"]!["get"]!;
        var pat = me["security"]!.AsArray().Single(r => r!["personalAccessToken"] is not null)!;
        Assert.Equal(["user:read"], pat["personalAccessToken"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Contains("user:read", me["description"]!.GetValue<string>());
        // Token management takes a session only: no access token alternative.
        var tokens = doc["paths"]!["/api/users/me/tokens"]!["post"]!;
        Assert.DoesNotContain(tokens["security"]!.AsArray(), r => r!["personalAccessToken"] is not null);
        // A public read has no requirement.
        Assert.Null(doc["paths"]!["/api/v1/meta"]!["get"]!["security"]);
    }

    [Fact]
    public async Task The_docs_page_loads_only_from_this_server()
    {
        using var c = server.Anonymous();
        var html = await c.GetStringAsync("/docs/");
        Assert.Contains("scalar.js", html);
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", html);
        // No AI agent, MCP, telemetry, SDK-generation button or developer tools (whose deploy actions need Scalar's cloud).
        foreach (var setting in new[] { "\"agent\":{\"disabled\":true}", "\"mcp\":{\"disabled\":true}", "\"telemetry\":false",
                     "\"hideClientButton\":true", "\"showDeveloperTools\":\"never\"" })
        {
            Assert.Contains(setting, html, StringComparison.Ordinal);
        }
    }
}

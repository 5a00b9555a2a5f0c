using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;

namespace Anvil.Server.Tests.Operations;

/// <summary>
/// What a client generator reads from <c>/openapi/v1.json</c>: request and response schemas, in the
/// naming each surface really uses (camelCase on sigmagit, snake_case on v1), checked against real answers.
/// </summary>
public sealed class OpenApiSchemaTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    /// <summary>Operations whose success is not a JSON body, and why.</summary>
    private static readonly Dictionary<string, string> NotJson = new()
    {
        ["GET /api/users/{username}/avatar"] = "the avatar image itself",
        ["GET /api/v1/repos/{owner}/{name}/actions/jobs/{id}/logs"] = "plain-text log",
        ["GET /api/v1/repos/{owner}/{name}/actions/artifacts/{id}/zip"] = "the artifact's zip archive itself",
        ["GET /api/v1/repos/{owner}/{name}/tarball"] = "a 302 to the tar.gz download, as GitHub answers",
        ["GET /api/v1/repos/{owner}/{name}/tarball/{ref}"] = "a 302 to the tar.gz download, as GitHub answers",
        ["GET /api/v1/repos/{owner}/{name}/zipball"] = "a 302 to the zip download, as GitHub answers",
        ["GET /api/v1/repos/{owner}/{name}/zipball/{ref}"] = "a 302 to the zip download, as GitHub answers",
        ["GET /api/v1/repos/{owner}/{name}/legacy.tar.gz/{commit}"] = "the tar.gz archive itself (git archive)",
        ["GET /api/v1/repos/{owner}/{name}/legacy.zip/{commit}"] = "the zip archive itself (git archive)",
        ["POST /api/v1/runners/heartbeat"] = "runner long-poll: 204 or a job lease (anvil-runner's private protocol)",
    };

    private async Task<JsonNode> DocumentAsync()
    {
        using var c = server.Anonymous();
        return JsonNode.Parse(await c.GetStringAsync("/openapi/v1.json"))!;
    }

    private static JsonNode Resolve(JsonNode doc, JsonNode schema)
    {
        while (schema["$ref"] is { } r)
        {
            schema = doc["components"]!["schemas"]![r.GetValue<string>().Replace("#/components/schemas/", "")]!;
        }
        return schema;
    }

    private static JsonNode Operation(JsonNode doc, string method, string path) =>
        doc["paths"]![path]?[method] ?? throw new Xunit.Sdk.XunitException($"{method} {path} is not documented");

    private static JsonNode ResponseSchema(JsonNode doc, string method, string path, string status) =>
        Resolve(doc, Operation(doc, method, path)["responses"]![status]!["content"]!["application/json"]!["schema"]!);

    private static IEnumerable<(string Method, string Path, JsonNode Operation)> ApiOperations(JsonNode doc) =>
        doc["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/api/") || p.Key.StartsWith("/auth/"))
            .SelectMany(p => p.Value!.AsObject().Select(o => (o.Key.ToUpperInvariant(), p.Key, o.Value!)));

    private static HashSet<string> PropertyNames(JsonNode schema) => schema["properties"]!.AsObject().Select(p => p.Key).ToHashSet();

    [Fact]
    public async Task V1_issue_response_has_githubs_snake_case_fields()
    {
        var doc = await DocumentAsync();
        var issue = ResponseSchema(doc, "get", "/api/v1/repos/{owner}/{name}/issues/{number}", "200");
        Assert.Superset(new HashSet<string> { "number", "title", "html_url", "user", "created_at", "labels", "state" }, PropertyNames(issue));
        Assert.Contains("html_url", issue["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        var user = Resolve(doc, issue["properties"]!["user"]!);
        Assert.Contains("login", PropertyNames(user));
        Assert.Contains("avatar_url", PropertyNames(user));

        var list = Operation(doc, "get", "/api/v1/repos/{owner}/{name}/issues")["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("array", list["type"]!.GetValue<string>());
        Assert.Contains("html_url", PropertyNames(Resolve(doc, list["items"]!)));
    }

    [Fact]
    public async Task V1_create_repository_documents_its_request_body_and_answer()
    {
        var doc = await DocumentAsync();
        var op = Operation(doc, "post", "/api/v1/user/repos");
        var body = Resolve(doc, op["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.Superset(new HashSet<string> { "name", "private", "description", "auto_init", "default_branch" }, PropertyNames(body));
        var repo = ResponseSchema(doc, "post", "/api/v1/user/repos", "201");
        Assert.Superset(new HashSet<string> { "full_name", "html_url", "private", "owner", "default_branch" }, PropertyNames(repo));
    }

    [Fact]
    public async Task Sigmagit_schemas_are_camel_case_and_lists_are_pages()
    {
        var doc = await DocumentAsync();
        var envelope = ResponseSchema(doc, "get", "/api/repositories/{owner}/{name}/issues/{number}", "200");
        var issue = Resolve(doc, envelope["properties"]!["issue"]!);
        Assert.Superset(new HashSet<string> { "number", "createdAt", "commentCount", "closedBy", "author" }, PropertyNames(issue));
        Assert.DoesNotContain("created_at", PropertyNames(issue));

        var page = ResponseSchema(doc, "get", "/api/repositories/{owner}/{name}/issues", "200");
        Assert.Superset(new HashSet<string> { "issues", "hasMore" }, PropertyNames(page));
        Assert.Equal("array", page["properties"]!["issues"]!["type"]!.GetValue<string>());

        var create = Resolve(doc, Operation(doc, "post", "/api/repositories")["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.Superset(new HashSet<string> { "name", "visibility", "defaultBranch", "autoInit" }, PropertyNames(create));
        var signIn = ResponseSchema(doc, "post", "/auth/sign-in", "200");
        Assert.Superset(new HashSet<string> { "user", "token" }, PropertyNames(signIn));
        var token = ResponseSchema(doc, "post", "/api/users/me/tokens", "201");
        Assert.Superset(new HashSet<string> { "id", "name", "scopes", "token", "expiresAt" }, PropertyNames(token));
    }

    [Fact]
    public async Task Every_schema_property_follows_its_surfaces_naming()
    {
        var doc = await DocumentAsync();
        var bad = new List<string>();
        foreach (var (method, path, op) in ApiOperations(doc))
        {
            var v1 = path.StartsWith("/api/v1/");
            var seen = new HashSet<JsonNode>();
            foreach (var schema in op.AsObject().Where(p => p.Key is "requestBody" or "responses").SelectMany(p => Schemas(p.Value!)))
            {
                foreach (var name in PropertyNamesDeep(doc, schema, seen))
                {
                    var ok = v1 ? Regex.IsMatch(name, "^[a-z0-9_]+$") : Regex.IsMatch(name, "^[a-z][A-Za-z0-9]*$");
                    if (!ok)
                    {
                        bad.Add($"{method} {path}: {name}");
                    }
                }
            }
        }
        Assert.True(bad.Count == 0, "properties not in the surface's naming:\n" + string.Join("\n", bad.Distinct()));
    }

    [Fact]
    public async Task Every_api_operation_documents_its_success_body_and_the_error_envelope()
    {
        var doc = await DocumentAsync();
        var error = Resolve(doc, doc["components"]!["schemas"]!["Error"]!);
        Assert.Equal(["error"], PropertyNames(error));
        var v1Error = Resolve(doc, doc["components"]!["schemas"]!["V1Error"]!);
        Assert.Equal(["error", "message", "documentation_url", "errors"], PropertyNames(v1Error));
        var undocumented = new List<string>();
        var count = 0;
        foreach (var (method, path, op) in ApiOperations(doc))
        {
            count++;
            var responses = op["responses"]!.AsObject();
            Assert.Equal(path.StartsWith("/api/v1/") ? "#/components/schemas/V1Error" : "#/components/schemas/Error",
                responses["4XX"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>());
            var success = responses.Where(r => r.Key.StartsWith('2')).ToList();
            var documented = success.Count > 0 && success.All(r =>
                r.Value!["content"] is { } content
                    ? content.AsObject().All(m => m.Value!["schema"] is JsonObject s && s.Count > 0)
                    : r.Key is "204" or "205");
            if (!documented && !NotJson.ContainsKey($"{method} {path}"))
            {
                undocumented.Add($"{method} {path}");
            }
        }
        Assert.True(count > 150, $"only {count} API operations documented");
        Assert.True(undocumented.Count == 0, "operations without a success schema:\n" + string.Join("\n", undocumented));
    }

    [Fact]
    public async Task Declaring_a_json_body_does_not_make_routing_refuse_other_content_types()
    {
        // curl -d sends application/x-www-form-urlencoded; Anvil has always read such bodies as JSON.
        var user = await server.SignUpAsync();
        using var c = user.Client();
        var res = await c.SendRawAsync(HttpMethod.Post, "/api/v1/user/repos", "{\"name\":\"curl-made\"}", "application/x-www-form-urlencoded");
        Assert.Equal("curl-made", (await res.JsonAsync(HttpStatusCode.Created)).Str("name"));
        var doc = await DocumentAsync();
        Assert.True(Operation(doc, "post", "/api/v1/user/repos")["requestBody"]!["required"]!.GetValue<bool>());
        Assert.False(Operation(doc, "post", "/api/v1/repos/{owner}/{name}/forks")["requestBody"]?["required"]?.GetValue<bool>() ?? false);
    }

    [Fact]
    public async Task Every_reference_resolves()
    {
        var doc = await DocumentAsync();
        var names = doc["components"]!["schemas"]!.AsObject().Select(p => p.Key).ToHashSet();
        var dangling = Regex.Matches(doc.ToJsonString(), "\"\\$ref\":\"#/components/schemas/([^\"]+)\"")
            .Select(m => m.Groups[1].Value).Where(n => !names.Contains(n)).Distinct().ToList();
        Assert.Empty(dangling);
    }

    [Fact]
    public async Task Real_answers_match_their_documented_schemas()
    {
        var doc = await DocumentAsync();
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await (await c.PostAsJsonAsync($"{repo.Api}/issues", new { title = "Broken", body = "it @" + repo.Owner.Username, labels = new[] { "bug" } }))
            .JsonAsync(HttpStatusCode.Created);
        await (await c.PostAsJsonAsync($"{repo.Api}/issues/1/comments", new { body = "me too" })).JsonAsync(HttpStatusCode.Created);

        var checks = new (string Url, string Path)[]
        {
            ($"{repo.V1}/issues/1", "/api/v1/repos/{owner}/{name}/issues/{number}"),
            ($"{repo.V1}/issues", "/api/v1/repos/{owner}/{name}/issues"),
            ($"{repo.V1}/issues/1/comments", "/api/v1/repos/{owner}/{name}/issues/{number}/comments"),
            ($"{repo.V1}", "/api/v1/repos/{owner}/{name}"),
            ($"{repo.V1}/labels", "/api/v1/repos/{owner}/{name}/labels"),
            ("/api/v1/user", "/api/v1/user"),
            ($"{repo.Api}/issues/1", "/api/repositories/{owner}/{name}/issues/{number}"),
            ($"{repo.Api}/issues", "/api/repositories/{owner}/{name}/issues"),
            ($"{repo.Api}/issues/1/comments", "/api/repositories/{owner}/{name}/issues/{number}/comments"),
            ($"{repo.Api}", "/api/repositories/{owner}/{name}"),
            ("/api/users/me", "/api/users/me"),
            ("/api/notifications", "/api/notifications"),
        };
        foreach (var (url, path) in checks)
        {
            var answer = await (await c.GetAsync(url)).JsonAsync();
            var problems = new List<string>();
            Validate(doc, ResponseSchema(doc, "get", path, "200"), answer, "$", problems);
            Assert.True(problems.Count == 0, $"GET {url} does not match the schema of {path}:\n" + string.Join("\n", problems));
        }
    }

    /// <summary>Enough of JSON Schema for these documents: types, properties, required, items, oneOf.</summary>
    private static void Validate(JsonNode doc, JsonNode schema, JsonNode? value, string at, List<string> problems)
    {
        schema = Resolve(doc, schema);
        if (schema["oneOf"] is JsonArray options)
        {
            var fits = options.Count(o =>
            {
                var p = new List<string>();
                Validate(doc, o!, value, at, p);
                return p.Count == 0;
            });
            if (fits == 0)
            {
                problems.Add($"{at}: matches none of oneOf");
            }
            return;
        }
        var types = schema["type"] switch
        {
            JsonArray a => a.Select(t => t!.GetValue<string>()).ToHashSet(),
            JsonValue v => [v.GetValue<string>()],
            _ => null,
        };
        if (types is null)
        {
            return; // any value
        }
        var actual = value switch
        {
            null => "null",
            JsonObject => "object",
            JsonArray => "array",
            JsonValue v => v.GetValueKind() switch
            {
                System.Text.Json.JsonValueKind.String => "string",
                System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
                _ => v.ToJsonString().Contains('.') ? "number" : "integer",
            },
        };
        if (!types.Contains(actual) && !(actual == "integer" && types.Contains("number")))
        {
            problems.Add($"{at}: is {actual}, schema says {string.Join("|", types)}");
            return;
        }
        if (value is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in obj)
            {
                if (properties[name] is { } propertySchema)
                {
                    Validate(doc, propertySchema, child, $"{at}.{name}", problems);
                }
                else
                {
                    problems.Add($"{at}.{name}: not in the schema");
                }
            }
            foreach (var required in schema["required"]?.AsArray() ?? [])
            {
                if (!obj.ContainsKey(required!.GetValue<string>()))
                {
                    problems.Add($"{at}.{required}: required but missing");
                }
            }
        }
        if (value is JsonArray array && schema["items"] is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Validate(doc, items, array[i], $"{at}[{i}]", problems);
            }
        }
    }

    private static IEnumerable<JsonNode> Schemas(JsonNode node) => node switch
    {
        JsonObject o when o["schema"] is { } s => [s],
        JsonObject o => o.SelectMany(p => p.Value is null ? [] : Schemas(p.Value)),
        _ => [],
    };

    private static IEnumerable<string> PropertyNamesDeep(JsonNode doc, JsonNode schema, HashSet<JsonNode> seen)
    {
        schema = Resolve(doc, schema);
        if (!seen.Add(schema))
        {
            yield break;
        }
        foreach (var (name, child) in schema["properties"]?.AsObject() ?? [])
        {
            yield return name;
            foreach (var n in PropertyNamesDeep(doc, child!, seen))
            {
                yield return n;
            }
        }
        foreach (var key in new[] { "items", "additionalProperties" })
        {
            if (schema[key] is JsonObject child)
            {
                foreach (var n in PropertyNamesDeep(doc, child, seen))
                {
                    yield return n;
                }
            }
        }
        foreach (var option in schema["oneOf"]?.AsArray() ?? [])
        {
            foreach (var n in PropertyNamesDeep(doc, option!, seen))
            {
                yield return n;
            }
        }
    }
}

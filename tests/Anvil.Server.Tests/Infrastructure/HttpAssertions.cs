using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Anvil.Server.Tests.Infrastructure;

public static class HttpAssertions
{
    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage res, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == expected, $"expected {(int)expected}, got {(int)res.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>
    /// Asserts the status and the error envelope — <c>{"error": …}</c>, and on <c>/api/v1</c> GitHub's <c>message</c> and
    /// <c>documentation_url</c> beside it (and <c>errors</c> on a 422) — and returns the <c>error</c> message.
    /// </summary>
    public static async Task<string> ErrorAsync(this HttpResponseMessage res, HttpStatusCode expected) =>
        (await ErrorBodyAsync(res, expected))["error"]!.GetValue<string>();

    /// <summary>Like <see cref="ErrorAsync"/>, returning the whole body.</summary>
    public static async Task<JsonObject> ErrorBodyAsync(this HttpResponseMessage res, HttpStatusCode expected)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == expected, $"expected {(int)expected}, got {(int)res.StatusCode}: {text}");
        Assert.StartsWith("application/json", res.Content.Headers.ContentType?.ToString() ?? "");
        var node = JsonNode.Parse(text)!.AsObject();
        var message = node["error"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message));
        if (res.RequestMessage?.RequestUri?.AbsolutePath.StartsWith("/api/v1/", StringComparison.Ordinal) == true)
        {
            string[] keys = expected == (HttpStatusCode)422 ? ["error", "message", "documentation_url", "errors"] : ["error", "message", "documentation_url"];
            Assert.Equal(keys, node.Select(kv => kv.Key));
            Assert.False(string.IsNullOrWhiteSpace(node["message"]!.GetValue<string>()));
            Assert.StartsWith("http", node["documentation_url"]!.GetValue<string>());
        }
        else
        {
            Assert.Single(node);
        }
        return node;
    }

    public static string Str(this JsonNode node, string path)
    {
        JsonNode? n = node;
        foreach (var part in path.Split('.'))
        {
            n = n?[part];
        }
        return n?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"no string at {path} in {node.ToJsonString()}");
    }

    public static Task<HttpResponseMessage> PatchAsJsonAsync<T>(this HttpClient c, string url, T body) =>
        c.SendAsync(new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) });

    public static Task<HttpResponseMessage> SendRawAsync(this HttpClient c, HttpMethod method, string url, string body, string contentType = "application/json") =>
        c.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(body, System.Text.Encoding.UTF8, contentType) });
}

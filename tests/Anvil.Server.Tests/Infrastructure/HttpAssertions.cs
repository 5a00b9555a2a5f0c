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

    /// <summary>Asserts the status and the <c>{"error": …}</c> envelope; returns the message.</summary>
    public static async Task<string> ErrorAsync(this HttpResponseMessage res, HttpStatusCode expected)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == expected, $"expected {(int)expected}, got {(int)res.StatusCode}: {text}");
        Assert.StartsWith("application/json", res.Content.Headers.ContentType?.ToString() ?? "");
        var node = JsonNode.Parse(text)!.AsObject();
        Assert.Single(node);
        var message = node["error"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message));
        return message;
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

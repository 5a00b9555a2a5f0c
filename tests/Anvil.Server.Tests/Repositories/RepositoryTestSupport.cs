using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Repositories;

/// <summary>Set-up steps the repository tests share, all through the public HTTP API.</summary>
public static class RepoSetup
{
    private static int _counter;

    public static string UniqueName(string prefix = "repo") => $"{prefix}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Creates a repository on the sigmagit surface and returns its <c>repo</c> object.</summary>
    public static async Task<JsonNode> CreateAsync(TestUser owner, string? name = null, bool isPrivate = false, bool autoInit = true,
        string? defaultBranch = null)
    {
        using var c = owner.Client();
        var res = await c.PostAsJsonAsync("/api/repositories", new
        {
            name = name ?? UniqueName(),
            description = "test repository",
            visibility = isPrivate ? "private" : "public",
            defaultBranch,
            autoInit,
        });
        return (await res.JsonAsync(HttpStatusCode.Created))["repo"]!;
    }

    public static async Task AddCollaboratorAsync(TestUser owner, string repo, TestUser user, string permission)
    {
        using var c = owner.Client();
        var res = await c.PutAsJsonAsync($"/api/v1/repos/{owner.Username}/{repo}/collaborators/{user.Username}", new { permission });
        Assert.True(res.StatusCode == HttpStatusCode.NoContent, await res.Content.ReadAsStringAsync());
    }

    /// <summary>The bare repository on the server's disk: <c>&lt;data&gt;/repositories/&lt;ownerId&gt;/&lt;repoId&gt;.git</c>.</summary>
    public static string BareDir(AnvilServer server, JsonNode repo) =>
        Path.Combine(server.DataDir, "repositories", repo.Str("owner.id"), repo.Str("id") + ".git");

    public static AuthenticationHeaderValue Basic(string user, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));

    /// <summary>The smart HTTP ref advertisement request a git client starts with.</summary>
    public static async Task<HttpResponseMessage> InfoRefsAsync(AnvilServer server, string owner, string repo, string service,
        AuthenticationHeaderValue? auth = null)
    {
        using var c = server.Anonymous();
        var req = new HttpRequestMessage(HttpMethod.Get, $"/{owner}/{repo}.git/info/refs?service={service}");
        req.Headers.Authorization = auth;
        return await c.SendAsync(req);
    }
}

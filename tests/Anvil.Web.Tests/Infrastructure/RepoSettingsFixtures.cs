using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Web.Tests.Infrastructure;

/// <summary>Something for the settings pages to list: a collaborator, and a hook with a delivery (refused: it points at loopback).</summary>
public static class RepoSettingsFixtures
{
    /// <summary>Returns the new hook's id.</summary>
    public static async Task<long> AddCollaboratorAndHookAsync(AnvilServer server, TestUser owner, string repo)
    {
        var friend = await server.SignUpAsync();
        using var api = owner.Client();
        (await api.PutAsJsonAsync($"/api/v1/repos/{owner.Username}/{repo}/collaborators/{friend.Username}", new { permission = "push" })).EnsureSuccessStatusCode();
        var res = await api.PostAsJsonAsync($"/api/v1/repos/{owner.Username}/{repo}/hooks", new
        {
            name = "web",
            config = new { url = "http://127.0.0.1:9/hook", content_type = "json", secret = "s3cret" },
            events = new[] { "push", "issues" },
            active = true,
        });
        res.EnsureSuccessStatusCode();
        return (long)(await res.Content.ReadFromJsonAsync<JsonNode>())!["id"]!;
    }
}

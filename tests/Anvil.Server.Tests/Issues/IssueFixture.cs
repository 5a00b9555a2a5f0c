using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Issues;

/// <summary>The servers issue tests share (rate limits are off on every test server; they send bursts of 200 creates).</summary>
public sealed class IssuesSqliteServer : AnvilServer
{
    public override Database Database => Database.Sqlite;
}

public sealed class IssuesPostgresServer : AnvilServer
{
    public override Database Database => Database.Postgres;
}

/// <summary>A repository to file issues in, with its owner and the two API roots.</summary>
public sealed record TestRepo(TestUser Owner, string Name)
{
    public string Api => $"/api/repositories/{Owner.Username}/{Name}";
    public string V1 => $"/api/v1/repos/{Owner.Username}/{Name}";

    public static async Task<TestRepo> CreateAsync(AnvilServer server, bool isPrivate = false, TestUser? owner = null)
    {
        owner ??= await server.SignUpAsync();
        var name = "repo-" + Guid.NewGuid().ToString("N")[..8];
        using var c = owner.Client();
        await (await c.PostAsJsonAsync("/api/repositories", new { name, visibility = isPrivate ? "private" : "public" })).JsonAsync(HttpStatusCode.Created);
        return new TestRepo(owner, name);
    }

    /// <summary>Signs up a user and makes them a collaborator with <paramref name="permission"/> (pull/push).</summary>
    public async Task<TestUser> AddCollaboratorAsync(string permission)
    {
        var user = await Owner.Server.SignUpAsync();
        using var c = Owner.Client();
        var res = await c.PutAsJsonAsync($"{V1}/collaborators/{user.Username}", new { permission });
        Assert.Equal(HttpStatusCode.NoContent, res.StatusCode);
        return user;
    }

    public async Task<JsonNode> CreateIssueAsync(HttpClient c, object body) =>
        (await (await c.PostAsJsonAsync($"{Api}/issues", body)).JsonAsync(HttpStatusCode.Created))["issue"]!;

    public async Task<JsonNode> CreateIssueAsync(string title = "Something broke") 
    {
        using var c = Owner.Client();
        return await CreateIssueAsync(c, new { title, body = "details" });
    }

    public async Task<JsonNode> IssueAsync(int number)
    {
        using var c = Owner.Client();
        return (await (await c.GetAsync($"{Api}/issues/{number}")).JsonAsync())["issue"]!;
    }
}

public static class JsonHelpers
{
    public static int Int(this JsonNode node, string name) => node[name]!.GetValue<int>();

    public static List<string> Strings(this JsonNode node, string arrayName, string field) =>
        node[arrayName]!.AsArray().Select(n => n![field]!.GetValue<string>()).ToList();
}

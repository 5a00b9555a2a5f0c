using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Issues;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>A server for pull-request tests: webhooks may reach loopback receivers (rate limits are off on every test server).</summary>
public abstract class PullsServer : AnvilServer
{
    protected PullsServer()
    {
        Settings["ANVIL_WEBHOOK_ALLOW_HOSTS"] = "127.0.0.1";
        Settings["ANVIL_WEBHOOK_RETRY_BASE_SECONDS"] = "0.3";
    }
}

public sealed class PullsSqliteServer : PullsServer
{
    public override Database Database => Database.Sqlite;
}

public sealed class PullsPostgresServer : PullsServer
{
    public override Database Database => Database.Postgres;
}

/// <summary>
/// A repository on the server (created with a README on main) and a clone of it, driven by the real git CLI as its
/// owner (or as <see cref="Pusher"/>).
/// </summary>
public sealed class PullRepo : IDisposable
{
    public required AnvilServer Server { get; init; }
    public required TestUser Owner { get; init; }
    public required string Name { get; init; }
    public required GitClient Git { get; init; }
    /// <summary>The working clone.</summary>
    public required string Dir { get; init; }

    public string Api => $"/api/repositories/{Owner.Username}/{Name}";
    public string V1 => $"/api/v1/repos/{Owner.Username}/{Name}";
    public string Pulls => $"{Api}/pulls";

    public static async Task<PullRepo> CreateAsync(AnvilServer server, TestUser? owner = null, bool isPrivate = false)
    {
        owner ??= await server.SignUpAsync();
        var name = "pr-" + Guid.NewGuid().ToString("N")[..8];
        using (var c = owner.Client())
        {
            await (await c.PostAsJsonAsync("/api/repositories", new { name, visibility = isPrivate ? "private" : "public", autoInit = true }))
                .JsonAsync(HttpStatusCode.Created);
        }
        return await CloneAsync(server, owner, owner, name);
    }

    /// <summary>A clone of <paramref name="owner"/>/<paramref name="name"/> that pushes as <paramref name="as"/>.</summary>
    public static async Task<PullRepo> CloneAsync(AnvilServer server, TestUser owner, TestUser @as, string name)
    {
        var git = new GitClient();
        var dir = git.Path("w");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, name, @as.Username, @as.Password), dir);
        return new PullRepo { Server = server, Owner = owner, Name = name, Git = git, Dir = dir };
    }

    /// <summary>Forks this repository as <paramref name="user"/> and clones the fork.</summary>
    public async Task<PullRepo> ForkAsync(TestUser user)
    {
        var forkName = Name + "-fork";
        using (var c = user.Client())
        {
            await (await c.PostAsJsonAsync($"{Api}/fork", new { name = forkName })).JsonAsync(HttpStatusCode.Created);
        }
        return await CloneAsync(Server, user, user, forkName);
    }

    public Task<string> GitAsync(params string[] args) => Git.OkAsync(Dir, args);

    /// <summary>Checks out <paramref name="branch"/> (creating it from <paramref name="from"/> when given), commits one file, returns the commit.</summary>
    public async Task<string> CommitAsync(string branch, string path, string content, string? from = null, string? message = null)
    {
        if (from is not null)
        {
            await GitAsync("checkout", "-q", "-B", branch, from);
        }
        else
        {
            await GitAsync("checkout", "-q", branch);
        }
        return await Git.CommitFileAsync(Dir, path, content, message ?? $"change {path} on {branch}");
    }

    public Task<string> PushAsync(string branch) => GitAsync("push", "-q", "origin", branch);

    /// <summary>The branch's commit on the server (after a fetch).</summary>
    public async Task<string> RemoteAsync(string branch)
    {
        await GitAsync("fetch", "-q", "origin");
        return await GitAsync("rev-parse", "origin/" + branch);
    }

    public async Task<JsonNode> CreatePullAsync(TestUser by, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var c = by.Client();
        var node = await (await c.PostAsJsonAsync(Pulls, body)).JsonAsync(expected);
        return node["pullRequest"]!;
    }

    public async Task<JsonNode> PullAsync(int number, TestUser? viewer = null)
    {
        using var c = (viewer ?? Owner).Client();
        return (await (await c.GetAsync($"{Pulls}/{number}")).JsonAsync())["pullRequest"]!;
    }

    /// <summary>Polls the pull request until <paramref name="done"/> holds (mergeability is computed in the background).</summary>
    public async Task<JsonNode> PullWhenAsync(int number, Func<JsonNode, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        JsonNode last;
        do
        {
            last = await PullAsync(number);
            if (done(last))
            {
                return last;
            }
            await Task.Delay(50);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(30));
        throw new Xunit.Sdk.XunitException($"pull request #{number} never became {what}: {last.ToJsonString()}");
    }

    public Task<JsonNode> MergeableAsync(int number, bool expected) =>
        PullWhenAsync(number, p => p["mergeable"] is JsonValue v && v.GetValue<bool>() == expected, $"mergeable={expected}");

    public void Dispose() => Git.Dispose();
}

public static class PullJson
{
    public static int Number(this JsonNode pr) => pr["number"]!.GetValue<int>();

    public static List<string> StringList(this JsonNode node) => node.AsArray().Select(n => n!.GetValue<string>()).ToList();
}

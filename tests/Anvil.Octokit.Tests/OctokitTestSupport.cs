using Anvil.Server.Tests.Infrastructure;
using Octokit;
using Octokit.Internal;

namespace Anvil.Octokit.Tests;

/// <summary>Octokit pointed at a running Anvil's v1 surface, authenticated with a personal access token.</summary>
public static class OctokitClients
{
    public static readonly string[] AllScopes = ["repo", "user", "webhooks", "notifications"];

    /// <summary>
    /// Built on <see cref="Connection"/> directly: <c>new GitHubClient(product, uri)</c> would
    /// rewrite a non-github.com address to <c>/api/v3/</c>, and Anvil serves <c>/api/v1/</c>.
    /// </summary>
    public static GitHubClient For(AnvilServer server, string token) =>
        new(new Connection(new ProductHeaderValue("anvil-tests"), new Uri(server.BaseUri, "/api/v1/"),
            new InMemoryCredentialStore(new Credentials(token))));

    /// <summary>A fresh user with a token of every scope, and Octokit acting as them.</summary>
    public static async Task<(TestUser User, GitHubClient Client)> SignUpAsync(AnvilServer server)
    {
        var user = await server.SignUpAsync();
        return (user, For(server, await user.CreateTokenAsync(AllScopes)));
    }
}

public sealed class OctokitSqliteServer : AnvilServer
{
    public override Database Database => Database.Sqlite;
}

public sealed class OctokitPostgresServer : AnvilServer
{
    public override Database Database => Database.Postgres;
}

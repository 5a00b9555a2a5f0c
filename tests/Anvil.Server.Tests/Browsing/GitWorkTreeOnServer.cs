using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Browsing;

/// <summary>A work tree's ways to a test server: repositories made through the API, pushes over smart HTTP.</summary>
public static class GitWorkTreeOnServer
{
    extension(GitWorkTree tree)
    {
        /// <summary>Pushes with the user's username and password over smart HTTP.</summary>
        public void Push(TestUser user, string owner, string repo, params string[] refspecs) =>
            tree.Git(["push", "-q", GitWorkTree.PushUrl(user, owner, repo), .. refspecs.Length > 0 ? refspecs : ["--all"]]);
    }

    extension(GitWorkTree)
    {
        public static string PushUrl(TestUser user, string owner, string repo) =>
            $"http://{Uri.EscapeDataString(user.Username)}:{Uri.EscapeDataString(user.Password)}@{user.Server.BaseUri.Authority}/{owner}/{repo}.git";

        /// <summary>Creates a repository owned by <paramref name="user"/> through the API.</summary>
        public static async Task<string> CreateRepositoryAsync(TestUser user, bool isPrivate = false, string? name = null)
        {
            name ??= "repo-" + Guid.NewGuid().ToString("N")[..8];
            using var c = user.Client();
            var res = await c.PostAsJsonAsync("/api/repositories", new { name, visibility = isPrivate ? "private" : "public" });
            await res.JsonAsync(System.Net.HttpStatusCode.Created);
            return name;
        }
    }
}

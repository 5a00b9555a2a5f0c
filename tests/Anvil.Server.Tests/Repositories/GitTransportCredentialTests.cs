using System.Text;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Repositories;

/// <summary>The real git CLI sending a session cookie and Basic credentials at once: the explicit credentials decide.</summary>
public abstract class GitTransportCredentialTests(AnvilServer server)
{
    private static string[] With(TestUser cookieOf, (string User, string Secret)? basic, params string[] args)
    {
        var config = new List<string> { "-c", $"http.extraHeader=Cookie: anvil_session={cookieOf.SessionToken}" };
        if (basic is { } b)
        {
            // Sent up front, as credential helpers and CI set-ups do, so the cookie is never asked alone.
            var value = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{b.User}:{b.Secret}"));
            config.AddRange(["-c", $"http.extraHeader=Authorization: Basic {value}"]);
        }
        return [.. config, .. args];
    }

    private async Task<string> ServerHeadAsync(GitClient git, TestUser owner, string name) =>
        (await git.OkAsync(null, "ls-remote", GitClient.Url(server, owner.Username, name, owner.Username, owner.Password), "refs/heads/main")).Split('\t')[0];

    [Fact]
    public async Task Basic_credentials_win_over_a_session_cookie_sent_alongside()
    {
        var owner = await server.SignUpAsync();
        var stranger = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner, isPrivate: true)).Str("name");
        using var git = new GitClient();

        // The stranger's cookie does not hide the owner's password given in the URL: git is challenged, answers
        // with the password, and the clone is the owner's.
        var dir = git.Path("clone");
        await git.OkAsync(null, With(stranger, null, "clone", "-q", GitClient.Url(server, owner.Username, name, owner.Username, owner.Password), dir));
        Assert.True(File.Exists(Path.Combine(dir, "README.md")));

        // The owner's cookie does not lend the stranger the owner's rights: the stranger's Basic credentials decide.
        var url = GitClient.Url(server, owner.Username, name);
        var refused = await git.FailsAsync(null, With(owner, (stranger.Username, stranger.Password), "ls-remote", url));
        Assert.Contains("not found", refused.Stderr, StringComparison.OrdinalIgnoreCase);

        // Wrong Basic credentials are refused even beside a valid cookie, not quietly replaced by it: git is asked
        // for other credentials (and, with no one to type them, gives up).
        var wrong = await git.FailsAsync(null, With(owner, (owner.Username, "wrong-password"), "ls-remote", url));
        Assert.Contains("could not read Username", wrong.Stderr);

        // A push under the stranger's credentials with the owner's cookie is refused and changes nothing.
        var before = await ServerHeadAsync(git, owner, name);
        await git.CommitFileAsync(dir, "intruder.txt", "x\n", "not yours");
        await git.OkAsync(dir, "remote", "set-url", "origin", url);
        await git.FailsAsync(dir, With(owner, (stranger.Username, stranger.Password), "push", "-q", "origin", "main"));
        Assert.Equal(before, await ServerHeadAsync(git, owner, name));

        // The cookie alone still speaks for its own user.
        Assert.Equal(before, (await git.OkAsync(null, With(owner, null, "ls-remote", url, "refs/heads/main"))).Split('\t')[0]);
    }
}

public sealed class GitTransportCredentialTestsOnSqlite(SqliteServer s) : GitTransportCredentialTests(s), IClassFixture<SqliteServer>;

public sealed class GitTransportCredentialTestsOnPostgres(PostgresServer s) : GitTransportCredentialTests(s), IClassFixture<PostgresServer>;

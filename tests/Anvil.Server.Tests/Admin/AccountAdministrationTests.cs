using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Admin;

/// <summary>Administering an instance: its first administrator, promoting, disabling, and who may sign up.</summary>
public abstract class AccountAdministrationTests(AnvilServer server)
{
    private static Task<(int Code, string Output)> AdminAsync(AnvilServer target, params string[] args) => target.AdminAsync(args);

    private static object SignUpBody(string username, string? invitation = null) =>
        new { email = $"{username}@example.com", username, password = "correct-horse-" + username, name = username, invitation };

    /// <summary>A new instance of the same database kind with no account yet.</summary>
    private AnvilServer EmptyInstance() =>
        server.Database == Database.Sqlite ? new SqliteServer { CreatesSiteAdmin = false } : new PostgresServer { CreatesSiteAdmin = false };

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task The_first_account_of_an_empty_instance_is_its_administrator_and_the_next_is_not()
    {
        await using var fresh = EmptyInstance();
        await fresh.InitializeAsync();
        var first = await fresh.SignUpAsync();
        var second = await fresh.SignUpAsync();
        using (var c = first.Client())
        {
            Assert.True((await (await c.GetAsync("/api/v1/user")).JsonAsync())["site_admin"]!.GetValue<bool>());
        }
        using (var c = second.Client())
        {
            Assert.False((await (await c.GetAsync("/api/v1/user")).JsonAsync())["site_admin"]!.GetValue<bool>());
        }
        var (code, list) = await AdminAsync(fresh, "user", "list");
        Assert.Equal(0, code);
        Assert.Contains($"\t{first.Username}\t{first.Username}@example.com\tadmin\t", list);
        Assert.Contains($"\t{second.Username}\t{second.Username}@example.com\t-\t", list);
    }

    [Fact]
    public async Task Promote_and_demote_but_never_the_last_administrator()
    {
        var user = await server.SignUpAsync();
        Assert.Equal(0, (await AdminAsync(server, "user", "promote", user.Username)).Code);
        using var c = user.Client();
        Assert.True((await (await c.GetAsync("/api/v1/user")).JsonAsync())["site_admin"]!.GetValue<bool>());
        Assert.Equal(0, (await AdminAsync(server, "user", "demote", user.Username)).Code);
        Assert.False((await (await c.GetAsync("/api/v1/user")).JsonAsync())["site_admin"]!.GetValue<bool>());
        Assert.Equal(1, (await AdminAsync(server, "user", "promote", "nobody-" + Guid.NewGuid().ToString("N")[..6])).Code);

        await using var fresh = EmptyInstance();
        await fresh.InitializeAsync();
        var only = await fresh.SignUpAsync();
        Assert.Equal(1, (await AdminAsync(fresh, "user", "demote", only.Username)).Code);
        Assert.Equal(1, (await AdminAsync(fresh, "user", "disable", only.Username)).Code);
        using var o = only.Client();
        Assert.True((await (await o.GetAsync("/api/v1/user")).JsonAsync())["site_admin"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_push_or_use_sessions_and_tokens_until_enabled()
    {
        var user = await server.SignUpAsync();
        var token = await user.CreateTokenAsync("repo", "user:read");
        using (var c = user.Client())
        {
            await (await c.PostAsJsonAsync("/api/repositories", new { name = "work", visibility = "public", autoInit = true })).JsonAsync(HttpStatusCode.Created);
        }
        using var git = new GitClient();
        var dir = git.Path("work");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, user.Username, "work", user.Username, user.Password), dir);
        await git.CommitFileAsync(dir, "a.txt", "a", "first");

        Assert.Equal(0, (await AdminAsync(server, "user", "disable", user.Username)).Code);

        using var anonymous = server.Anonymous();
        var signIn = await anonymous.PostAsJsonAsync("/auth/sign-in", new { username = user.Username, password = user.Password });
        Assert.Contains("disabled", (await signIn.ErrorAsync(HttpStatusCode.Forbidden)));
        using (var session = user.Client())
        {
            await (await session.GetAsync("/api/users/me")).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        using (var pat = server.WithBearer(token))
        {
            await (await pat.GetAsync("/api/v1/user")).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        await git.FailsAsync(dir, "push", "-q", GitClient.Url(server, user.Username, "work", user.Username, user.Password), "main");
        await git.FailsAsync(dir, "push", "-q", GitClient.Url(server, user.Username, "work", user.Username, token), "main");
        // A wrong password learns nothing about the account.
        var wrong = await anonymous.PostAsJsonAsync("/auth/sign-in", new { username = user.Username, password = "not-the-password" });
        Assert.DoesNotContain("disabled", await wrong.ErrorAsync(HttpStatusCode.Unauthorized));

        Assert.Equal(0, (await AdminAsync(server, "user", "enable", user.Username)).Code);
        (await anonymous.PostAsJsonAsync("/auth/sign-in", new { username = user.Username, password = user.Password })).EnsureSuccessStatusCode();
        using (var pat = server.WithBearer(token))
        {
            Assert.Equal(user.Username, (await (await pat.GetAsync("/api/v1/user")).JsonAsync()).Str("login"));
        }
        await git.OkAsync(dir, "push", "-q", GitClient.Url(server, user.Username, "work", user.Username, token), "main");
    }

    [Fact]
    public async Task Deleting_an_account_removes_it_and_its_repositories_and_leaves_its_words_elsewhere_to_ghost()
    {
        var leaving = await server.SignUpAsync();
        var staying = await server.SignUpAsync();
        var token = await leaving.CreateTokenAsync("repo", "user:read");
        using (var c = leaving.Client())
        {
            await (await c.PostAsJsonAsync("/api/repositories", new { name = "mine", visibility = "public", autoInit = true })).JsonAsync(HttpStatusCode.Created);
        }
        using (var c = staying.Client())
        {
            await (await c.PostAsJsonAsync("/api/repositories", new { name = "shared", visibility = "public" })).JsonAsync(HttpStatusCode.Created);
        }
        using (var c = leaving.Client())
        {
            await (await c.PostAsJsonAsync($"/api/repositories/{staying.Username}/shared/issues", new { title = "Found a bug" })).JsonAsync(HttpStatusCode.Created);
            await (await c.PostAsJsonAsync($"/api/v1/repos/{staying.Username}/shared/issues/1/comments", new { body = "Steps to reproduce" }))
                .JsonAsync(HttpStatusCode.Created);
        }
        var gitDirs = Directory.GetDirectories(Path.Combine(server.DataDir, "repositories"), "*.git", SearchOption.AllDirectories).Length;

        Assert.Equal(0, (await AdminAsync(server, "user", "delete", leaving.Username)).Code);

        using var anonymous = server.Anonymous();
        await (await anonymous.GetAsync($"/api/v1/repos/{leaving.Username}/mine")).ErrorAsync(HttpStatusCode.NotFound);
        await (await anonymous.GetAsync($"/api/v1/users/{leaving.Username}")).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(gitDirs - 1, Directory.GetDirectories(Path.Combine(server.DataDir, "repositories"), "*.git", SearchOption.AllDirectories).Length);
        using (var pat = server.WithBearer(token))
        {
            await (await pat.GetAsync("/api/v1/user")).ErrorAsync(HttpStatusCode.Unauthorized);
        }
        await (await anonymous.PostAsJsonAsync("/auth/sign-in", new { username = leaving.Username, password = leaving.Password }))
            .ErrorAsync(HttpStatusCode.Unauthorized);
        var issue = await (await anonymous.GetAsync($"/api/v1/repos/{staying.Username}/shared/issues/1")).JsonAsync();
        Assert.Equal("Found a bug", issue.Str("title"));
        Assert.Equal("ghost", issue.Str("user.login"));
        var comment = Assert.Single((await (await anonymous.GetAsync($"/api/v1/repos/{staying.Username}/shared/issues/1/comments")).JsonAsync()).AsArray())!;
        Assert.Equal("ghost", comment.Str("user.login"));
        Assert.Equal(1, (await AdminAsync(server, "user", "delete", "ghost")).Code);
        Assert.Equal(1, (await AdminAsync(server, "user", "delete", leaving.Username)).Code);
    }

    [Fact]
    public async Task Closed_sign_up_refuses_everyone_but_the_admin_cli()
    {
        await using var closed = await server.StartNodeAsync(("ANVIL_SIGNUP", "closed"));
        using var c = closed.Anonymous();
        var username = Unique("closed");
        var refused = await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(username));
        Assert.Contains("closed", await refused.ErrorAsync(HttpStatusCode.Forbidden));
        await (await c.PostAsJsonAsync("/api/auth/sign-up/email", SignUpBody(username))).ErrorAsync(HttpStatusCode.Forbidden);

        Assert.Equal(0, (await AdminAsync(closed, "create-user", "--username", username, "--email", $"{username}@example.com",
            "--password", "correct-horse-" + username)).Code);
        (await c.PostAsJsonAsync("/auth/sign-in", new { username, password = "correct-horse-" + username })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Invite_sign_up_needs_a_valid_unused_invitation_and_a_refused_one_creates_nothing()
    {
        await using var invite = await server.StartNodeAsync(("ANVIL_SIGNUP", "invite"));
        using var c = invite.Anonymous();
        var username = Unique("invited");
        Assert.Contains("invitation", await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(username))).ErrorAsync(HttpStatusCode.Forbidden));
        await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(username, "anvinv_" + new string('0', 64)))).ErrorAsync(HttpStatusCode.Forbidden);

        var (code, output) = await AdminAsync(invite, "invite", "create", "--expires-days", "3");
        Assert.Equal(0, code);
        var link = new Uri(output.Trim());
        Assert.Equal("/join", link.AbsolutePath);
        var invitation = link.Query.Split('=')[1];
        Assert.StartsWith("anvinv_", invitation);

        // The refused attempts above left the username free.
        await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(username, invitation))).JsonAsync(HttpStatusCode.Created);
        var again = Unique("second");
        Assert.Contains("already used", await (await c.PostAsJsonAsync("/auth/sign-up", SignUpBody(again, invitation))).ErrorAsync(HttpStatusCode.Forbidden));
        await (await c.PostAsJsonAsync("/auth/sign-in", new { username = again, password = "correct-horse-" + again })).ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(2, (await AdminAsync(invite, "invite", "create", "--expires-days", "many")).Code);
    }
}

public sealed class AccountAdministrationTestsOnSqlite(SqliteServer s) : AccountAdministrationTests(s), IClassFixture<SqliteServer>;

public sealed class AccountAdministrationTestsOnPostgres(PostgresServer s) : AccountAdministrationTests(s), IClassFixture<PostgresServer>;

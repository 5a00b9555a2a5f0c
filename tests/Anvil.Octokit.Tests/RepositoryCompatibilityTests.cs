using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

public abstract class RepositoryCompatibilityTests(AnvilServer server)
{
    [Fact]
    public async Task Current_user_is_the_token_owner()
    {
        var (user, github) = await OctokitClients.SignUpAsync(server);

        var me = await github.User.Current();

        Assert.Equal(user.Username, me.Login);
        Assert.Equal(user.Id, me.Id);
        Assert.Equal("User " + user.Username, me.Name);
        Assert.Equal($"{user.Username}@example.com", me.Email);
        Assert.Equal(AccountType.User, me.Type);
        Assert.False(string.IsNullOrEmpty(me.NodeId));
        Assert.Equal($"{server.BaseUri.ToString().TrimEnd('/')}/{user.Username}", me.HtmlUrl);

        var byName = await github.User.Get(user.Username);
        Assert.Equal(user.Id, byName.Id);
    }

    [Fact]
    public async Task Create_get_and_list_repositories()
    {
        var (user, github) = await OctokitClients.SignUpAsync(server);

        var created = await github.Repository.Create(new NewRepository("octo-repo") { Description = "made by Octokit", AutoInit = true });
        Assert.Equal("octo-repo", created.Name);
        Assert.Equal($"{user.Username}/octo-repo", created.FullName);
        Assert.Equal("made by Octokit", created.Description);
        Assert.False(created.Private);
        Assert.Equal(user.Username, created.Owner.Login);
        Assert.Equal("main", created.DefaultBranch);
        Assert.NotNull(created.Permissions);
        Assert.True(created.Permissions.Admin);
        Assert.True(created.Permissions.Push);
        Assert.EndsWith($"/{user.Username}/octo-repo.git", created.CloneUrl);

        var secret = await github.Repository.Create(new NewRepository("hidden") { Private = true });
        Assert.True(secret.Private);

        var fetched = await github.Repository.Get(user.Username, "octo-repo");
        Assert.Equal(created.Id, fetched.Id);
        Assert.Equal(created.NodeId, fetched.NodeId);
        Assert.Equal(created.HtmlUrl, fetched.HtmlUrl);

        var mine = await github.Repository.GetAllForCurrent();
        Assert.Equal(["hidden", "octo-repo"], mine.Select(r => r.Name).Order());

        // Another user sees only the public one.
        var (_, stranger) = await OctokitClients.SignUpAsync(server);
        var theirs = await stranger.Repository.GetAllForUser(user.Username);
        Assert.Equal("octo-repo", Assert.Single(theirs).Name);
        await Assert.ThrowsAsync<NotFoundException>(() => stranger.Repository.Get(user.Username, "hidden"));

        var edited = await github.Repository.Edit(user.Username, "octo-repo", new RepositoryUpdate { Description = "edited" });
        Assert.Equal("edited", edited.Description);
        Assert.Equal("edited", (await github.Repository.Get(user.Username, "octo-repo")).Description);
    }

    [Fact]
    public async Task Star_unstar_and_list_stargazers()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("starry"));
        var (fan, fanClient) = await OctokitClients.SignUpAsync(server);

        Assert.False(await fanClient.Activity.Starring.CheckStarred(owner.Username, "starry"));
        Assert.True(await fanClient.Activity.Starring.StarRepo(owner.Username, "starry"));
        Assert.True(await fanClient.Activity.Starring.CheckStarred(owner.Username, "starry"));

        var stargazers = await github.Activity.Starring.GetAllStargazers(owner.Username, "starry");
        Assert.Equal(fan.Username, Assert.Single(stargazers).Login);
        var starred = await fanClient.Activity.Starring.GetAllForCurrent();
        Assert.Equal($"{owner.Username}/starry", Assert.Single(starred).FullName);
        Assert.Equal(1, (await github.Repository.Get(owner.Username, "starry")).StargazersCount);

        Assert.True(await fanClient.Activity.Starring.RemoveStarFromRepo(owner.Username, "starry"));
        Assert.False(await fanClient.Activity.Starring.CheckStarred(owner.Username, "starry"));
        Assert.Empty(await github.Activity.Starring.GetAllStargazers(owner.Username, "starry"));
    }

    [Fact]
    public async Task Create_and_list_hooks()
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository("hooked"));

        var config = new Dictionary<string, string>();
        var created = await github.Repository.Hooks.Create(owner.Username, "hooked",
            new NewRepositoryWebHook("web", config, "https://hooks.example.com/anvil")
            {
                Events = ["push", "issues"],
                Active = true,
                ContentType = WebHookContentType.Json,
                Secret = "s3cret",
            }.ToRequest());
        Assert.Equal("web", created.Name);
        Assert.True(created.Active);
        Assert.Equal(["issues", "push"], created.Events.Order());
        Assert.Equal("https://hooks.example.com/anvil", created.Config["url"]);
        Assert.Equal("json", created.Config["content_type"]);
        Assert.NotEqual("s3cret", created.Config["secret"]);

        var listed = Assert.Single(await github.Repository.Hooks.GetAll(owner.Username, "hooked"));
        Assert.Equal(created.Id, listed.Id);
        Assert.Equal("https://hooks.example.com/anvil", listed.Config["url"]);
        var fetched = await github.Repository.Hooks.Get(owner.Username, "hooked", created.Id);
        Assert.Equal(created.Url, fetched.Url);

        var edited = await github.Repository.Hooks.Edit(owner.Username, "hooked", created.Id, new EditRepositoryHook { Active = false });
        Assert.False(edited.Active);
    }
}

public sealed class RepositoryCompatibilityOnSqlite(OctokitSqliteServer s) : RepositoryCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class RepositoryCompatibilityOnPostgres(OctokitPostgresServer s) : RepositoryCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Webhooks;

namespace Anvil.Server.Tests.Repositories;

/// <summary>
/// Private stays private through forks (as on GitHub): a fork of a private repository is private for good, goes when
/// its owner's access to the parent goes, and a public repository made private lets its forks go their own way.
/// </summary>
public abstract class PrivateForkTests(WebhookServer server)
{
    private sealed record Scenario(TestUser Owner, string Name, TestUser Reader)
    {
        public string V1 => $"/api/v1/repos/{Owner.Username}/{Name}";
        public string FullName => $"{Owner.Username}/{Name}";
    }

    /// <summary>A private repository with one commit and a reader collaborator.</summary>
    private async Task<Scenario> PrivateRepoAsync()
    {
        var owner = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner, isPrivate: true)).Str("name");
        var reader = await server.SignUpAsync();
        await RepoSetup.AddCollaboratorAsync(owner, name, reader, "read");
        return new Scenario(owner, name, reader);
    }

    private static async Task<JsonNode> ForkAsync(TestUser user, string fullName, string forkName)
    {
        using var c = user.Client();
        return (await (await c.PostAsJsonAsync($"/api/repositories/{fullName}/fork", new { name = forkName })).JsonAsync(HttpStatusCode.Created))["repo"]!;
    }

    private static async Task<List<JsonNode>> InboxAsync(TestUser user)
    {
        using var c = user.Client();
        return (await (await c.GetAsync("/api/notifications?limit=100")).JsonAsync())["notifications"]!.AsArray().Select(n => n!).ToList();
    }

    [Fact]
    public async Task A_fork_of_a_private_repository_is_private_and_cannot_be_made_public_on_either_surface()
    {
        var s = await PrivateRepoAsync();
        var fork = await ForkAsync(s.Reader, s.FullName, "kept-private");
        Assert.Equal("private", fork.Str("visibility"));
        var forkPath = $"{s.Reader.Username}/kept-private";

        using var rc = s.Reader.Client();
        var sigmagit = await (await rc.PatchAsJsonAsync($"/api/repositories/{forkPath}", new { visibility = "public" })).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("private", sigmagit);
        var v1 = await (await rc.PatchAsJsonAsync($"/api/v1/repos/{forkPath}", new { @private = false })).JsonAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("cannot be made public", v1.Str("error"));
        var viaVisibility = await (await rc.PatchAsJsonAsync($"/api/v1/repos/{forkPath}", new { visibility = "public", description = "changed" }))
            .JsonAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("cannot be made public", viaVisibility.Str("error"));

        // Nothing changed, and the world still cannot see it; other edits still work.
        using var anon = server.Anonymous();
        await (await anon.GetAsync($"/api/repositories/{forkPath}")).ErrorAsync(HttpStatusCode.NotFound);
        var after = (await (await rc.GetAsync($"/api/repositories/{forkPath}")).JsonAsync())["repo"]!;
        Assert.Equal("private", after.Str("visibility"));
        Assert.NotEqual("changed", after.Str("description"));
        var edited = await (await rc.PatchAsJsonAsync($"/api/v1/repos/{forkPath}", new { description = "still mine", @private = true })).JsonAsync();
        Assert.True(edited["private"]!.GetValue<bool>());
        Assert.Equal("still mine", edited.Str("description"));

        // A fork of that fork is private too, and just as stuck.
        var grandchild = await ForkAsync(s.Reader, forkPath, "deeper");
        Assert.Equal("private", grandchild.Str("visibility"));
        await (await rc.PatchAsJsonAsync($"/api/repositories/{s.Reader.Username}/deeper", new { visibility = "public" })).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Removing_a_collaborator_deletes_their_forks_and_forks_of_those_and_says_so()
    {
        var s = await PrivateRepoAsync();
        await using var receiver = await HookReceiver.StartAsync();
        await WebhookServer.CreateHookAsync(s.Owner, s.Name, receiver.Url("/member"), ["member"]);
        var writer = await server.SignUpAsync();
        await RepoSetup.AddCollaboratorAsync(s.Owner, s.Name, writer, "write");

        var fork = await ForkAsync(s.Reader, s.FullName, "my-copy");
        var forkPath = $"{s.Reader.Username}/my-copy";
        // Someone the reader shared their fork with forks it in turn; the writer keeps a fork of their own.
        var friend = await server.SignUpAsync();
        await RepoSetup.AddCollaboratorAsync(s.Reader, "my-copy", friend, "read");
        var nested = await ForkAsync(friend, forkPath, "copy-of-copy");
        var writersFork = await ForkAsync(writer, s.FullName, "writers-copy");
        var unrelated = await RepoSetup.CreateAsync(s.Reader, isPrivate: true);
        using (var rc = s.Reader.Client())
        {
            await (await rc.PostAsJsonAsync($"/api/repositories/{forkPath}/issues", new { title = "hangs off the fork", body = "" })).JsonAsync(HttpStatusCode.Created);
            (await rc.PostAsync($"/api/repositories/{forkPath}/star", null)).EnsureSuccessStatusCode();
        }

        using (var oc = s.Owner.Client())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await oc.DeleteAsync($"{s.V1}/collaborators/{s.Reader.Username}")).StatusCode);
        }

        // Both forks are gone, rows and git data alike; the reader's own repository and the writer's fork stay.
        using (var rc = s.Reader.Client())
        {
            await (await rc.GetAsync($"/api/repositories/{forkPath}")).ErrorAsync(HttpStatusCode.NotFound);
            await (await rc.GetAsync($"/api/repositories/{forkPath}/issues")).ErrorAsync(HttpStatusCode.NotFound);
            await (await rc.GetAsync($"/api/v1/repos/{s.Reader.Username}/{unrelated.Str("name")}")).JsonAsync();
            Assert.DoesNotContain("my-copy", await rc.GetStringAsync("/api/v1/user/starred"));
        }
        using (var fc = friend.Client())
        {
            await (await fc.GetAsync($"/api/repositories/{friend.Username}/copy-of-copy")).ErrorAsync(HttpStatusCode.NotFound);
        }
        Assert.False(Directory.Exists(RepoSetup.BareDir(server, fork)));
        Assert.False(Directory.Exists(RepoSetup.BareDir(server, nested)));
        Assert.True(Directory.Exists(RepoSetup.BareDir(server, writersFork)));
        using (var wc = writer.Client())
        {
            await (await wc.GetAsync($"/api/repositories/{writer.Username}/writers-copy")).JsonAsync();
        }

        // The removal's webhook names the member and the forks that went with their access.
        var hook = (await receiver.WaitForEventAsync("/member", "member")).Json;
        Assert.Equal("removed", hook.Str("action"));
        Assert.Equal(s.Reader.Username, hook.Str("member.login"));
        Assert.Equal(s.FullName, hook.Str("repository.full_name"));
        Assert.Equal(s.Owner.Username, hook.Str("sender.login"));
        Assert.Equal(new[] { forkPath, $"{friend.Username}/copy-of-copy" }.Order(), hook["deleted_forks"]!.AsArray().Select(f => f!.Str("full_name")).Order());

        // Each fork's owner is told which fork went and why, on both surfaces.
        var told = Assert.Single(await InboxAsync(s.Reader));
        Assert.Equal("Repository", told.Str("subject.type"));
        Assert.Equal($"Your fork {forkPath} was deleted because you no longer have access to {s.FullName}", told.Str("subject.title"));
        Assert.Equal("deleted", told.Str("action"));
        Assert.Equal("access_removed", told.Str("reason"));
        Assert.Null(told["repository"]);
        Assert.Null(told["subject"]!["url"]);
        using (var v1 = server.WithBearer(await s.Reader.CreateTokenAsync("notifications")))
        {
            var thread = Assert.Single((await (await v1.GetAsync("/api/v1/notifications")).JsonAsync()).AsArray())!;
            Assert.Contains(forkPath, thread.Str("subject.title"));
            Assert.Null(thread["repository"]);
            await (await v1.GetAsync($"/api/v1/notifications/threads/{thread.Str("id")}")).JsonAsync();
        }
        var friendTold = Assert.Single(await InboxAsync(friend));
        Assert.Equal($"Your fork {friend.Username}/copy-of-copy was deleted because you no longer have access to {forkPath}", friendTold.Str("subject.title"));
        Assert.Empty(await InboxAsync(writer));
    }

    [Fact]
    public async Task A_collaborator_who_can_still_read_keeps_their_fork()
    {
        // Removing a collaborator from a public repository takes no access: their fork stays, and the hook lists nothing.
        var owner = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        var member = await server.SignUpAsync();
        await RepoSetup.AddCollaboratorAsync(owner, name, member, "write");
        await using var receiver = await HookReceiver.StartAsync();
        var hookId = (await WebhookServer.CreateHookAsync(owner, name, receiver.Url("/member"), ["member"]))["id"]!.GetValue<long>();
        await ForkAsync(member, $"{owner.Username}/{name}", "public-copy");
        using (var oc = owner.Client())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await oc.DeleteAsync($"/api/v1/repos/{owner.Username}/{name}/collaborators/{member.Username}")).StatusCode);
            // Removing someone who is not a collaborator changes nothing and sends nothing.
            Assert.Equal(HttpStatusCode.NoContent, (await oc.DeleteAsync($"/api/v1/repos/{owner.Username}/{name}/collaborators/{member.Username}")).StatusCode);
        }
        var hook = (await receiver.WaitForEventAsync("/member", "member")).Json;
        Assert.Empty(hook["deleted_forks"]!.AsArray());
        using var anon = server.Anonymous();
        await (await anon.GetAsync($"/api/repositories/{member.Username}/public-copy")).JsonAsync();
        Assert.Empty(await InboxAsync(member));
        using var oc2 = owner.Client();
        var deliveries = (await (await oc2.GetAsync($"/api/v1/repos/{owner.Username}/{name}/hooks/{hookId}/deliveries")).JsonAsync()).AsArray();
        Assert.Single(deliveries, d => d!.Str("event") == "member");
    }

    [Fact]
    public async Task Deleting_a_private_repository_deletes_its_forks_and_tells_their_owners()
    {
        var s = await PrivateRepoAsync();
        var fork = await ForkAsync(s.Reader, s.FullName, "orphan-to-be");
        using (var oc = s.Owner.Client())
        {
            await (await oc.DeleteAsync($"/api/repositories/{s.FullName}")).JsonAsync();
        }
        using var rc = s.Reader.Client();
        await (await rc.GetAsync($"/api/repositories/{s.Reader.Username}/orphan-to-be")).ErrorAsync(HttpStatusCode.NotFound);
        Assert.False(Directory.Exists(RepoSetup.BareDir(server, fork)));
        var told = Assert.Single(await InboxAsync(s.Reader));
        Assert.Equal($"Your fork {s.Reader.Username}/orphan-to-be was deleted because you no longer have access to {s.FullName}", told.Str("subject.title"));
    }

    [Fact]
    public async Task A_public_repository_made_private_keeps_its_public_forks_detached()
    {
        var owner = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        var forker = await server.SignUpAsync();
        var fork = await ForkAsync(forker, $"{owner.Username}/{name}", "was-public");
        Assert.Equal(name, fork.Str("forkedFrom.name"));

        using (var oc = owner.Client())
        {
            var parent = (await (await oc.PatchAsJsonAsync($"/api/repositories/{owner.Username}/{name}", new { visibility = "private" })).JsonAsync())["repo"]!;
            Assert.Equal("private", parent.Str("visibility"));
            Assert.Equal(0, parent["forkCount"]!.GetValue<int>());
            Assert.Empty((await (await oc.GetAsync($"/api/repositories/{owner.Username}/{name}/forks")).JsonAsync())["forks"]!.AsArray());
        }

        // The fork keeps its code and its visibility, and is a repository of its own now (for its owner too).
        using var anon = server.Anonymous();
        var seen = (await (await anon.GetAsync($"/api/repositories/{forker.Username}/was-public")).JsonAsync())["repo"]!;
        Assert.Equal("public", seen.Str("visibility"));
        Assert.Null(seen["forkedFrom"]);
        Assert.False((await (await anon.GetAsync($"/api/v1/repos/{forker.Username}/was-public")).JsonAsync())["fork"]!.GetValue<bool>());
        Assert.True(Directory.Exists(RepoSetup.BareDir(server, fork)));
        using var fc = forker.Client();
        Assert.Null((await (await fc.GetAsync($"/api/repositories/{forker.Username}/was-public")).JsonAsync())["repo"]!["forkedFrom"]);
        using var git = new GitClient();
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, forker.Username, "was-public"), git.Path("clone"));
    }
}

public sealed class PrivateForkTestsOnSqlite(WebhookSqliteServer s) : PrivateForkTests(s), IClassFixture<WebhookSqliteServer>;

public sealed class PrivateForkTestsOnPostgres(WebhookPostgresServer s) : PrivateForkTests(s), IClassFixture<WebhookPostgresServer>;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Repositories;

/// <summary>The real git CLI against the real server: clone, fetch and push over smart HTTP.</summary>
public abstract class GitTransportTests(AnvilServer server)
{
    /// <summary>A ref's value on the server, as <c>git ls-remote</c> sees it ("" when absent); private repos need <paramref name="reader"/>.</summary>
    private async Task<string> ServerRefAsync(GitClient git, string owner, string repo, string refName, TestUser? reader = null)
    {
        var url = GitClient.Url(server, owner, repo, reader?.Username, reader?.Password);
        var line = (await git.OkAsync(null, "ls-remote", url, refName)).Split('\n')[0];
        return line.Length == 0 ? "" : line.Split('\t')[0];
    }

    /// <summary>Clones <paramref name="repo"/> with the owner's password and adds commits until main has <paramref name="commits"/>.</summary>
    private async Task<string> SeedAsync(GitClient git, TestUser owner, string repo, int commits)
    {
        var dir = git.Path("seed-" + repo);
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, repo, owner.Username, owner.Password), dir);
        for (var i = 1; i < commits; i++)
        {
            await git.CommitFileAsync(dir, "file.txt", $"version {i}\n", $"commit {i}");
        }
        await git.OkAsync(dir, "push", "-q", "origin", "main");
        return await git.OkAsync(dir, "rev-parse", "HEAD");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task Clone_and_fetch_work_over_both_protocol_versions(int version)
    {
        var owner = await server.SignUpAsync();
        var repo = await RepoSetup.CreateAsync(owner);
        var name = repo.Str("name");
        using var git = new GitClient();
        var head = await SeedAsync(git, owner, name, 2);

        var dir = git.Path("clone");
        await git.OkAsync(null, "-c", $"protocol.version={version}", "clone", "-q", GitClient.Url(server, owner.Username, name), dir);
        Assert.Equal(head, await git.OkAsync(dir, "rev-parse", "HEAD"));
        Assert.Equal("version 1\n", await File.ReadAllTextAsync(Path.Combine(dir, "file.txt")));
        Assert.True(File.Exists(Path.Combine(dir, "README.md")));

        // Someone else pushes; fetch over the same protocol brings it in.
        var other = git.Path("seed-" + name);
        var next = await git.CommitFileAsync(other, "second.txt", "more\n", "another commit");
        await git.OkAsync(other, "push", "-q", "origin", "main");
        await git.OkAsync(dir, "-c", $"protocol.version={version}", "fetch", "-q", "origin");
        Assert.Equal(next, await git.OkAsync(dir, "rev-parse", "origin/main"));
    }

    [Fact]
    public async Task Protocol_v2_is_advertised_when_the_client_asks_for_it()
    {
        var owner = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        using var c = server.Anonymous();
        var req = new HttpRequestMessage(HttpMethod.Get, $"/{owner.Username}/{name}.git/info/refs?service=git-upload-pack");
        req.Headers.Add("Git-Protocol", "version=2");
        var res = await c.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("application/x-git-upload-pack-advertisement", res.Content.Headers.ContentType!.MediaType);
        Assert.Contains("version 2", await res.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Shallow_clone_gets_one_commit_and_can_deepen()
    {
        var owner = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        using var git = new GitClient();
        var head = await SeedAsync(git, owner, name, 3);

        var dir = git.Path("shallow");
        await git.OkAsync(null, "clone", "-q", "--depth", "1", GitClient.Url(server, owner.Username, name), dir);
        Assert.Equal(head, await git.OkAsync(dir, "rev-parse", "HEAD"));
        Assert.Equal("1", await git.OkAsync(dir, "rev-list", "--count", "HEAD"));
        Assert.Equal("true", await git.OkAsync(dir, "rev-parse", "--is-shallow-repository"));

        await git.OkAsync(dir, "fetch", "-q", "--deepen", "1");
        Assert.Equal("2", await git.OkAsync(dir, "rev-list", "--count", "HEAD"));
    }

    [Fact]
    public async Task Partial_clone_without_blobs_fetches_them_on_demand()
    {
        var owner = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        using var git = new GitClient();
        await SeedAsync(git, owner, name, 3);

        var dir = git.Path("partial");
        await git.OkAsync(null, "clone", "-q", "--filter=blob:none", GitClient.Url(server, owner.Username, name), dir);
        Assert.Equal("true", await git.OkAsync(dir, "config", "remote.origin.promisor"));
        // The checkout fetched the current blobs; older versions stay on the server until asked for.
        Assert.Equal("version 2\n", await File.ReadAllTextAsync(Path.Combine(dir, "file.txt")));
        var missing = await git.OkAsync(dir, "rev-list", "--objects", "--all", "--missing=print");
        Assert.Contains(missing.Split('\n'), l => l.StartsWith('?'));
        // Reading an old version lazily fetches it from the server.
        Assert.Equal("version 1", await git.OkAsync(dir, "show", "HEAD~1:file.txt"));
    }

    [Fact]
    public async Task Push_new_branch_fast_forward_rejected_non_fast_forward_force_and_delete()
    {
        var owner = await server.SignUpAsync();
        var repo = await RepoSetup.CreateAsync(owner);
        var name = repo.Str("name");
        using var git = new GitClient();
        var url = GitClient.Url(server, owner.Username, name, owner.Username, owner.Password);
        var a = git.Path("a");
        var b = git.Path("b");
        await git.OkAsync(null, "clone", "-q", url, a);
        await git.OkAsync(null, "clone", "-q", url, b);
        var initial = await git.OkAsync(a, "rev-parse", "HEAD");

        // New branch.
        await git.OkAsync(a, "checkout", "-q", "-b", "feature");
        var feature = await git.CommitFileAsync(a, "feature.txt", "feature\n", "feature work");
        await git.OkAsync(a, "push", "-q", "origin", "feature");
        Assert.Equal(feature, await ServerRefAsync(git, owner.Username, name, "refs/heads/feature"));

        // Fast-forward of main.
        await git.OkAsync(a, "checkout", "-q", "main");
        var ff = await git.CommitFileAsync(a, "a.txt", "from a\n", "a's work");
        await git.OkAsync(a, "push", "-q", "origin", "main");
        Assert.Equal(ff, await ServerRefAsync(git, owner.Username, name, "refs/heads/main"));

        // b is still on the initial commit: its push would lose a's work and is refused.
        var diverged = await git.CommitFileAsync(b, "b.txt", "from b\n", "b's work");
        var rejected = await git.FailsAsync(b, "push", "origin", "main");
        Assert.Contains("rejected", rejected.Stderr);
        Assert.Equal(ff, await ServerRefAsync(git, owner.Username, name, "refs/heads/main"));

        // Unless b forces it.
        await git.OkAsync(b, "push", "-q", "--force", "origin", "main");
        Assert.Equal(diverged, await ServerRefAsync(git, owner.Username, name, "refs/heads/main"));
        await git.OkAsync(a, "fetch", "-q", "origin");
        Assert.Equal(diverged, await git.OkAsync(a, "rev-parse", "origin/main"));
        Assert.Equal(initial, await git.OkAsync(a, "merge-base", "origin/main", "main"));

        // Deleting a branch.
        await git.OkAsync(a, "push", "-q", "origin", "--delete", "feature");
        Assert.Equal("", await ServerRefAsync(git, owner.Username, name, "refs/heads/feature"));

        // The push is recorded on the repository.
        using var c = owner.Client();
        var v1 = await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}")).JsonAsync();
        Assert.NotNull(v1["pushed_at"]?.GetValue<DateTime>());
        Assert.Equal(0, (await git.RunAsync(null, "--git-dir", RepoSetup.BareDir(server, repo), "fsck", "--full")).ExitCode);
    }

    [Fact]
    public async Task First_push_to_an_empty_repository_sets_its_default_branch()
    {
        var owner = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner, autoInit: false)).Str("name");
        using var git = new GitClient();
        var dir = git.Path("empty");
        var url = GitClient.Url(server, owner.Username, name, owner.Username, owner.Password);
        var clone = await git.RunAsync(null, "clone", url, dir);
        Assert.True(clone.Success, clone.ToString());
        Assert.Contains("empty repository", clone.Stderr);

        await git.OkAsync(dir, "checkout", "-q", "-b", "trunk");
        var head = await git.CommitFileAsync(dir, "x.txt", "x\n", "first");
        await git.OkAsync(dir, "push", "-q", "origin", "trunk");

        using var c = owner.Client();
        var repo = (await (await c.GetAsync($"/api/repositories/{owner.Username}/{name}")).JsonAsync())["repo"]!;
        Assert.Equal("trunk", repo.Str("defaultBranch"));
        var fresh = git.Path("fresh");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, name), fresh);
        Assert.Equal("trunk", await git.OkAsync(fresh, "rev-parse", "--abbrev-ref", "HEAD"));
        Assert.Equal(head, await git.OkAsync(fresh, "rev-parse", "HEAD"));
    }

    [Fact]
    public async Task Private_repository_push_works_with_a_token_and_with_a_password()
    {
        var owner = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner, isPrivate: true)).Str("name");
        var writeToken = await owner.CreateTokenAsync("repo:write");
        using var git = new GitClient();

        var dir = git.Path("pat");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, name, owner.Username, writeToken), dir);
        var byToken = await git.CommitFileAsync(dir, "pat.txt", "pat\n", "pushed with a token");
        await git.OkAsync(dir, "push", "-q", "origin", "main");

        // A token's username part is not checked: git clients often send "x-access-token" or similar.
        var other = git.Path("pat-any-user");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, name, "x-access-token", writeToken), other);
        Assert.Equal(byToken, await git.OkAsync(other, "rev-parse", "HEAD"));

        await git.OkAsync(dir, "remote", "set-url", "origin", GitClient.Url(server, owner.Username, name, owner.Username, owner.Password));
        var byPassword = await git.CommitFileAsync(dir, "pw.txt", "pw\n", "pushed with a password");
        await git.OkAsync(dir, "push", "-q", "origin", "main");

        // Sign-in by email works for git too, as it does for the API.
        var byEmail = git.Path("email");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, name, owner.Username + "@example.com", owner.Password), byEmail);
        Assert.Equal(byPassword, await git.OkAsync(byEmail, "rev-parse", "HEAD"));
    }

    [Fact]
    public async Task Pushes_without_write_access_are_refused_and_change_nothing()
    {
        var owner = await server.SignUpAsync();
        var stranger = await server.SignUpAsync();
        var reader = await server.SignUpAsync();
        var privateName = (await RepoSetup.CreateAsync(owner, isPrivate: true)).Str("name");
        var publicName = (await RepoSetup.CreateAsync(owner)).Str("name");
        await RepoSetup.AddCollaboratorAsync(owner, privateName, reader, "read");
        var readToken = await owner.CreateTokenAsync("repo:read");
        using var git = new GitClient();

        foreach (var name in new[] { privateName, publicName })
        {
            var dir = git.Path("work-" + name);
            await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, name, owner.Username, owner.Password), dir);
            var before = await git.OkAsync(dir, "rev-parse", "HEAD");
            await git.CommitFileAsync(dir, "evil.txt", "evil\n", "should not land");
            var attempts = new List<(string Who, string Url, string Expect)>
            {
                ("anonymous", GitClient.Url(server, owner.Username, name), "could not read Username"),
                ("wrong password", GitClient.Url(server, owner.Username, name, owner.Username, "not-the-password"), "Authentication failed"),
                ("stranger", GitClient.Url(server, owner.Username, name, stranger.Username, stranger.Password),
                    name == privateName ? "not found" : "403"),
                ("owner's read-only token", GitClient.Url(server, owner.Username, name, owner.Username, readToken), "403"),
            };
            if (name == privateName)
            {
                attempts.Add(("read collaborator", GitClient.Url(server, owner.Username, name, reader.Username, reader.Password), "403"));
            }
            foreach (var (who, url, expect) in attempts)
            {
                var run = await git.FailsAsync(dir, "push", url, "main");
                Assert.True(run.Stderr.Contains(expect, StringComparison.OrdinalIgnoreCase), $"{who} on {name}: {run}");
            }
            Assert.Equal(before, await ServerRefAsync(git, owner.Username, name, "refs/heads/main", owner));
        }

        // What git saw, at the HTTP level: anonymous is challenged, a stranger sees nothing, a reader is forbidden.
        var anon = await RepoSetup.InfoRefsAsync(server, owner.Username, publicName, "git-receive-pack");
        await anon.ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Basic", anon.Headers.WwwAuthenticate.Single().Scheme);
        await (await RepoSetup.InfoRefsAsync(server, owner.Username, privateName, "git-receive-pack",
            RepoSetup.Basic(stranger.Username, stranger.Password))).ErrorAsync(HttpStatusCode.NotFound);
        await (await RepoSetup.InfoRefsAsync(server, owner.Username, privateName, "git-receive-pack",
            RepoSetup.Basic(reader.Username, reader.Password))).ErrorAsync(HttpStatusCode.Forbidden);
        await (await RepoSetup.InfoRefsAsync(server, owner.Username, publicName, "git-receive-pack",
            RepoSetup.Basic(stranger.Username, stranger.Password))).ErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Concurrent_pushes_to_one_branch_one_wins_and_the_repository_stays_sound()
    {
        var owner = await server.SignUpAsync();
        var repo = await RepoSetup.CreateAsync(owner);
        var name = repo.Str("name");
        using var git = new GitClient();
        var url = GitClient.Url(server, owner.Username, name, owner.Username, owner.Password);
        for (var round = 0; round < 2; round++)
        {
            var a = git.Path($"a{round}");
            var b = git.Path($"b{round}");
            await git.OkAsync(null, "clone", "-q", url, a);
            await git.OkAsync(null, "clone", "-q", url, b);
            var headA = await git.CommitFileAsync(a, "a.txt", $"a {round}\n", "from a");
            var headB = await git.CommitFileAsync(b, "b.txt", $"b {round}\n", "from b");

            var runs = await Task.WhenAll(git.RunAsync(a, "push", "origin", "main"), git.RunAsync(b, "push", "origin", "main"));
            Assert.True(runs.Count(r => r.Success) == 1, string.Join("\n", runs.Select(r => r.ToString())));
            var winner = runs[0].Success ? headA : headB;
            Assert.Equal(winner, await ServerRefAsync(git, owner.Username, name, "refs/heads/main"));
        }
        var fsck = await git.RunAsync(null, "--git-dir", RepoSetup.BareDir(server, repo), "fsck", "--full", "--strict");
        Assert.True(fsck.Success, fsck.ToString());
        Assert.DoesNotContain("error", fsck.Stderr + fsck.Stdout);
    }

    [Fact]
    public async Task Renamed_repository_is_cloneable_under_its_new_name()
    {
        var owner = await server.SignUpAsync();
        var oldName = (await RepoSetup.CreateAsync(owner)).Str("name");
        using var git = new GitClient();
        var head = await SeedAsync(git, owner, oldName, 2);

        var newName = RepoSetup.UniqueName("renamed");
        using var c = owner.Client();
        await (await c.PatchAsJsonAsync($"/api/repositories/{owner.Username}/{oldName}", new { name = newName })).JsonAsync();

        var dir = git.Path("renamed");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, owner.Username, newName), dir);
        Assert.Equal(head, await git.OkAsync(dir, "rev-parse", "HEAD"));
        var push = git.Path("seed-" + oldName);
        await git.OkAsync(push, "remote", "set-url", "origin", GitClient.Url(server, owner.Username, newName, owner.Username, owner.Password));
        await git.CommitFileAsync(push, "after.txt", "after rename\n", "after rename");
        await git.OkAsync(push, "push", "-q", "origin", "main");

        // The old name now leads to the new one (RepositoryRenameRedirectTests covers clone and push through it).
        var moved = await RepoSetup.InfoRefsAsync(server, owner.Username, oldName, "git-upload-pack", RepoSetup.Basic(owner.Username, owner.Password));
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal($"/{owner.Username}/{newName}.git/info/refs?service=git-upload-pack", moved.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Pushing_to_a_fork_leaves_the_parent_alone_and_the_fork_outlives_the_parent()
    {
        var owner = await server.SignUpAsync();
        var forker = await server.SignUpAsync();
        var parent = await RepoSetup.CreateAsync(owner);
        var name = parent.Str("name");
        using var git = new GitClient();
        var parentHead = await SeedAsync(git, owner, name, 2);

        using var fc = forker.Client();
        var fork = (await (await fc.PostAsJsonAsync($"/api/repositories/{owner.Username}/{name}/fork", new { })).JsonAsync(HttpStatusCode.Created))["repo"]!;
        Assert.Equal(name, fork.Str("name"));
        Assert.Equal(forker.Username, fork.Str("owner.username"));

        var dir = git.Path("fork");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, forker.Username, name, forker.Username, forker.Password), dir);
        Assert.Equal(parentHead, await git.OkAsync(dir, "rev-parse", "HEAD"));
        var forkHead = await git.CommitFileAsync(dir, "fork.txt", "fork only\n", "fork work");
        await git.OkAsync(dir, "push", "-q", "origin", "main");
        await git.OkAsync(dir, "push", "-q", "origin", "main:fork-branch");

        Assert.Equal(forkHead, await ServerRefAsync(git, forker.Username, name, "refs/heads/main"));
        Assert.Equal(parentHead, await ServerRefAsync(git, owner.Username, name, "refs/heads/main"));
        Assert.Equal("", await ServerRefAsync(git, owner.Username, name, "refs/heads/fork-branch"));
        var parentFsck = await git.RunAsync(null, "--git-dir", RepoSetup.BareDir(server, parent), "cat-file", "-e", forkHead);
        Assert.False(parentFsck.Success, "the fork's new commit must not appear in the parent");

        // Delete the parent: the fork keeps all its history and stops naming its parent.
        using var oc = owner.Client();
        await (await oc.DeleteAsync($"/api/repositories/{owner.Username}/{name}")).JsonAsync();
        Assert.False(Directory.Exists(RepoSetup.BareDir(server, parent)));
        var again = git.Path("fork-after");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, forker.Username, name), again);
        Assert.Equal(forkHead, await git.OkAsync(again, "rev-parse", "HEAD"));
        Assert.Equal("3", await git.OkAsync(again, "rev-list", "--count", "HEAD"));
        var fsck = await git.RunAsync(null, "--git-dir", RepoSetup.BareDir(server, fork), "fsck", "--full");
        Assert.True(fsck.Success, fsck.ToString());
        var view = (await (await fc.GetAsync($"/api/repositories/{forker.Username}/{name}")).JsonAsync())["repo"]!;
        Assert.Null(view["forkedFrom"]);
    }

    [Fact]
    public async Task Malformed_git_requests_get_error_envelopes()
    {
        var owner = await server.SignUpAsync();
        var name = (await RepoSetup.CreateAsync(owner)).Str("name");
        using var c = server.Anonymous();

        // The dumb protocol is not served.
        await (await c.GetAsync($"/{owner.Username}/{name}.git/info/refs")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.GetAsync($"/{owner.Username}/{name}.git/info/refs?service=git-upload-archive")).ErrorAsync(HttpStatusCode.BadRequest);
        // Wrong content type.
        await (await c.SendRawAsync(HttpMethod.Post, $"/{owner.Username}/{name}.git/git-upload-pack", "0000"))
            .ErrorAsync(HttpStatusCode.BadRequest);
        // Not gzip although it says so.
        var req = new HttpRequestMessage(HttpMethod.Post, $"/{owner.Username}/{name}.git/git-upload-pack")
        {
            Content = new ByteArrayContent("not gzip at all"u8.ToArray()),
        };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-git-upload-pack-request");
        req.Content.Headers.ContentEncoding.Add("gzip");
        await (await c.SendAsync(req)).ErrorAsync(HttpStatusCode.BadRequest);
        // An invalid Git-Protocol header.
        var bad = new HttpRequestMessage(HttpMethod.Get, $"/{owner.Username}/{name}.git/info/refs?service=git-upload-pack");
        bad.Headers.TryAddWithoutValidation("Git-Protocol", "version=3");
        await (await c.SendAsync(bad)).ErrorAsync(HttpStatusCode.BadRequest);
        // Unknown repositories: anonymous is challenged (git then prompts), signed-in callers get 404.
        var unknown = await RepoSetup.InfoRefsAsync(server, owner.Username, "no-such-repo", "git-upload-pack");
        await unknown.ErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Basic", unknown.Headers.WwwAuthenticate.Single().Scheme);
        await (await RepoSetup.InfoRefsAsync(server, "no-such-user", "x", "git-upload-pack", RepoSetup.Basic(owner.Username, owner.Password)))
            .ErrorAsync(HttpStatusCode.NotFound);
        // Broken Basic credentials.
        await (await RepoSetup.InfoRefsAsync(server, owner.Username, name, "git-upload-pack", new AuthenticationHeaderValue("Basic", "%%%")))
            .ErrorAsync(HttpStatusCode.Unauthorized);
        await (await RepoSetup.InfoRefsAsync(server, owner.Username, name, "git-upload-pack", RepoSetup.Basic(owner.Username, "shp_" + new string('A', 40))))
            .ErrorAsync(HttpStatusCode.Unauthorized);
    }
}

public sealed class GitTransportTestsOnSqlite(SqliteServer s) : GitTransportTests(s), IClassFixture<SqliteServer>;

public sealed class GitTransportTestsOnPostgres(PostgresServer s) : GitTransportTests(s), IClassFixture<PostgresServer>;

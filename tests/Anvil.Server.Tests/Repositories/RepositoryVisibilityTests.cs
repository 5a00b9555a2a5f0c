using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Repositories;

/// <summary>
/// Who sees and may change a private repository, on every route of both surfaces and over git.
/// Invisible means 404 everywhere (401 with a Basic challenge for anonymous git clients), never 403.
/// </summary>
public abstract class RepositoryVisibilityTests(AnvilServer server)
{
    public static TheoryData<string> Viewers =>
    [
        "anonymous", "stranger", "reader", "writer", "owner",
        "owner-token-repo-read", "owner-token-repo-write", "owner-token-no-repo-scope", "reader-token-repo-read", "reader-token-repo-write", "writer-token-repo-write",
    ];

    /// <summary>How one kind of caller talks to the API and to git.</summary>
    private sealed record Viewer(string Kind, HttpClient Api, AuthenticationHeaderValue? Git) : IDisposable
    {
        public void Dispose() => Api.Dispose();
    }

    private sealed record Scenario(TestUser Owner, TestUser Stranger, TestUser Reader, TestUser Writer, JsonNode Repo)
    {
        public string Name => Repo.Str("name");
        public string Path => $"{Owner.Username}/{Name}";
    }

    private async Task<Scenario> PrivateRepoAsync()
    {
        var owner = await server.SignUpAsync();
        var repo = await RepoSetup.CreateAsync(owner, isPrivate: true);
        var reader = await server.SignUpAsync();
        var writer = await server.SignUpAsync();
        await RepoSetup.AddCollaboratorAsync(owner, repo.Str("name"), reader, "read");
        await RepoSetup.AddCollaboratorAsync(owner, repo.Str("name"), writer, "write");
        using var oc = owner.Client();
        (await oc.PostAsync($"/api/repositories/{owner.Username}/{repo.Str("name")}/star", null)).EnsureSuccessStatusCode();
        return new Scenario(owner, await server.SignUpAsync(), reader, writer, repo);
    }

    /// <summary>A workflow on the default branch (listed once the push is handled) and a check run with an annotation; the check run's id.</summary>
    private static async Task<long> WorkflowAndCheckRunAsync(Scenario s)
    {
        using var oc = s.Owner.Client();
        var workflow = Convert.ToBase64String("on: workflow_dispatch\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n"u8.ToArray());
        var file = await (await oc.PutAsJsonAsync($"/api/v1/repos/{s.Path}/contents/.github/workflows/ci.yml", new { message = "ci", content = workflow }))
            .JsonAsync(HttpStatusCode.Created);
        for (var tries = 0; (await (await oc.GetAsync($"/api/v1/repos/{s.Path}/actions/workflows")).JsonAsync())["total_count"]!.GetValue<int>() == 0; tries++)
        {
            Assert.True(tries < 300, "the workflow was never listed");
            await Task.Delay(100);
        }
        var run = await (await oc.PostAsJsonAsync($"/api/v1/repos/{s.Path}/check-runs", new
        {
            name = "lint", head_sha = file.Str("commit.sha"),
            output = new { title = "t", summary = "s", annotations = new[] { new { path = "README.md", start_line = 1, end_line = 1, annotation_level = "notice", message = "m" } } },
        })).JsonAsync(HttpStatusCode.Created);
        return run["id"]!.GetValue<long>();
    }

    private async Task<Viewer> ViewerAsync(Scenario s, string kind)
    {
        async Task<Viewer> WithToken(TestUser user, params string[] scopes)
        {
            var token = await user.CreateTokenAsync(scopes);
            return new Viewer(kind, server.WithBearer(token), RepoSetup.Basic(user.Username, token));
        }
        Viewer WithPassword(TestUser user) => new(kind, user.Client(), RepoSetup.Basic(user.Username, user.Password));
        return kind switch
        {
            "anonymous" => new Viewer(kind, server.Anonymous(), null),
            "stranger" => WithPassword(s.Stranger),
            "reader" => WithPassword(s.Reader),
            "writer" => WithPassword(s.Writer),
            "owner" => WithPassword(s.Owner),
            "owner-token-repo-read" => await WithToken(s.Owner, "repo:read"),
            "owner-token-repo-write" => await WithToken(s.Owner, "repo:write"),
            "owner-token-no-repo-scope" => await WithToken(s.Owner, "user:read"),
            "reader-token-repo-read" => await WithToken(s.Reader, "repo:read"),
            // A broad token does not lift its user's rights.
            "reader-token-repo-write" => await WithToken(s.Reader, "repo:write"),
            "writer-token-repo-write" => await WithToken(s.Writer, "repo:write"),
            _ => throw new ArgumentException(kind),
        };
    }

    private static bool CanRead(string kind) => kind is not ("anonymous" or "stranger" or "owner-token-no-repo-scope");

    private static bool CanWrite(string kind) => kind is "writer" or "owner" or "owner-token-repo-write" or "writer-token-repo-write";

    private static bool IsOwner(string kind) => kind is "owner" or "owner-token-repo-write";

    /// <summary>Sessions and passwords act with the user's full rights; tokens need the scope.</summary>
    private static bool HasWriteScope(string kind) => !kind.Contains("token") || kind.EndsWith("repo-write");

    private static async Task ExpectAsync(HttpResponseMessage res, HttpStatusCode expected, string what)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)res.StatusCode}: {text}");
        if ((int)expected >= 400)
        {
            await res.ErrorAsync(expected);
        }
    }

    private static async Task<bool> ListsAsync(HttpClient c, string url, string arrayPath, string name)
    {
        var body = await (await c.GetAsync(url)).JsonAsync();
        var items = (arrayPath.Length == 0 ? body : body[arrayPath]!).AsArray();
        return items.Any(r => r!["name"]!.GetValue<string>() == name);
    }

    [Theory]
    [MemberData(nameof(Viewers))]
    public async Task Private_repository_reads_are_visible_exactly_to_those_allowed(string kind)
    {
        var s = await PrivateRepoAsync();
        var checkRunId = await WorkflowAndCheckRunAsync(s);
        using var v = await ViewerAsync(s, kind);
        var visible = CanRead(kind);
        var hidden = HttpStatusCode.NotFound;

        var get = await v.Api.GetAsync($"/api/repositories/{s.Path}");
        await ExpectAsync(get, visible ? HttpStatusCode.OK : hidden, "sigmagit get");
        await ExpectAsync(await v.Api.GetAsync($"/api/v1/repos/{s.Path}"), visible ? HttpStatusCode.OK : hidden, "v1 get");
        using (var oc = s.Owner.Client())
        {
            var id = (await (await oc.GetAsync($"/api/v1/repos/{s.Path}")).JsonAsync())["id"]!.GetValue<long>();
            await ExpectAsync(await v.Api.GetAsync($"/api/v1/repositories/{id}"), visible ? HttpStatusCode.OK : hidden, "v1 get by id");
        }
        await ExpectAsync(await v.Api.GetAsync($"/api/repositories/{s.Path}/forks"), visible ? HttpStatusCode.OK : hidden, "sigmagit forks");
        await ExpectAsync(await v.Api.GetAsync($"/api/v1/repos/{s.Path}/forks"), visible ? HttpStatusCode.OK : hidden, "v1 forks");
        var stars = await v.Api.GetAsync($"/api/repositories/{s.Path}/stars");
        await ExpectAsync(stars, visible ? HttpStatusCode.OK : hidden, "sigmagit stars");
        var gazers = await v.Api.GetAsync($"/api/v1/repos/{s.Path}/stargazers");
        await ExpectAsync(gazers, visible ? HttpStatusCode.OK : hidden, "v1 stargazers");
        foreach (var route in new[] { "languages", "tags", "readme", "compare/main...main", "commits/main/statuses", "commits/main/status", "statuses/main",
            "git/ref/heads/main", "git/matching-refs/heads", "git/refs", "git/refs/heads/main", "git/trees/main",
            "assignees", "issues/comments", "pulls/comments", "topics", "actions/workflows", "actions/workflows/ci.yml", "actions/workflows/ci.yml/runs",
            $"check-runs/{checkRunId}/annotations" })
        {
            await ExpectAsync(await v.Api.GetAsync($"/api/v1/repos/{s.Path}/{route}"), visible ? HttpStatusCode.OK : hidden, "v1 " + route);
        }
        await ExpectAsync(await v.Api.GetAsync($"/api/v1/repos/{s.Path}/assignees/{s.Owner.Username}"), visible ? HttpStatusCode.NoContent : hidden,
            "v1 assignee check");
        // Archive links redirect a reader to a download that, for a private repository, carries a token signed for them.
        string main;
        using (var oc = s.Owner.Client())
        {
            main = (await (await oc.GetAsync($"/api/v1/repos/{s.Path}/branches/main")).JsonAsync()).Str("commit.sha");
        }
        foreach (var link in new[] { "tarball/main", "zipball" })
        {
            var res = await v.Api.GetAsync($"/api/v1/repos/{s.Path}/{link}");
            await ExpectAsync(res, visible ? HttpStatusCode.Found : hidden, "v1 " + link);
            if (visible)
            {
                using var anonymous = server.Anonymous();
                await ExpectAsync(await anonymous.GetAsync(res.Headers.Location), HttpStatusCode.OK, "following v1 " + link);
            }
        }
        foreach (var download in new[] { $"legacy.tar.gz/{main}", $"legacy.zip/{main}" })
        {
            await ExpectAsync(await v.Api.GetAsync($"/api/v1/repos/{s.Path}/{download}"), visible ? HttpStatusCode.OK : hidden, "v1 " + download);
        }
        Assert.Equal(visible, await ListsAsync(v.Api, $"/api/users/{s.Owner.Username}/repositories", "repositories", s.Name));
        Assert.Equal(visible, await ListsAsync(v.Api, $"/api/v1/users/{s.Owner.Username}/repos", "", s.Name));

        if (visible)
        {
            var repo = (await get.JsonAsync())["repo"]!;
            Assert.Equal("private", repo.Str("visibility"));
            Assert.Equal(kind.StartsWith("owner"), repo["isOwner"]!.GetValue<bool>());
            Assert.Equal(1, repo["starCount"]!.GetValue<int>());
            Assert.Equal(kind.StartsWith("owner"), repo["starred"]!.GetValue<bool>());
            var gazer = Assert.Single((await stars.JsonAsync())["stargazers"]!.AsArray());
            Assert.Equal(s.Owner.Username, gazer!.Str("username"));
            Assert.Equal(s.Owner.Username, Assert.Single((await gazers.JsonAsync()).AsArray())!.Str("login"));
            var v1 = await (await v.Api.GetAsync($"/api/v1/repos/{s.Path}")).JsonAsync();
            Assert.True(v1["private"]!.GetValue<bool>());
            Assert.True(v1["permissions"]!["pull"]!.GetValue<bool>());
            Assert.Equal(CanWrite(kind), v1["permissions"]!["push"]!.GetValue<bool>());
            Assert.Equal(IsOwner(kind), v1["permissions"]!["admin"]!.GetValue<bool>());
        }

        // Git: anonymous clients are challenged for credentials; signed-in strangers see nothing.
        var refs = await RepoSetup.InfoRefsAsync(server, s.Owner.Username, s.Name, "git-upload-pack", v.Git);
        if (kind == "anonymous")
        {
            await refs.ErrorAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("Basic", refs.Headers.WwwAuthenticate.Single().Scheme);
        }
        else
        {
            await ExpectAsync(refs, visible ? HttpStatusCode.OK : hidden, "git info/refs upload-pack");
        }

        // Whether the caller starred it: 204/404 (and 404 for a repository they cannot see).
        var starred = await v.Api.GetAsync($"/api/v1/user/starred/{s.Path}");
        var expectStarred = kind switch
        {
            "anonymous" => HttpStatusCode.Unauthorized,
            "owner" or "owner-token-repo-read" or "owner-token-repo-write" => HttpStatusCode.NoContent,
            "owner-token-no-repo-scope" => HttpStatusCode.Forbidden,
            _ => HttpStatusCode.NotFound,
        };
        await ExpectAsync(starred, expectStarred, "v1 is-starred");
        if (kind is not ("anonymous" or "owner-token-no-repo-scope"))
        {
            Assert.Equal(kind.StartsWith("owner"), await ListsAsync(v.Api, "/api/v1/user/starred", "", s.Name));
            // Own and collaborated repositories.
            Assert.Equal(visible, await ListsAsync(v.Api, "/api/v1/user/repos", "", s.Name));
        }
    }

    [Theory]
    [MemberData(nameof(Viewers))]
    public async Task Private_repository_changes_need_the_right_access(string kind)
    {
        var s = await PrivateRepoAsync();
        using var v = await ViewerAsync(s, kind);
        var visible = CanRead(kind);
        // Anonymous: sign in first. Invisible: not found. Visible without the scope or the right: forbidden.
        HttpStatusCode For(bool allowed, HttpStatusCode ok, bool routeNeedsWriteScope = true)
        {
            if (kind == "anonymous")
            {
                return HttpStatusCode.Unauthorized;
            }
            if (routeNeedsWriteScope && !HasWriteScope(kind))
            {
                return HttpStatusCode.Forbidden; // the token lacks repo:write, whatever the repository
            }
            if (!visible)
            {
                return HttpStatusCode.NotFound;
            }
            return allowed ? ok : HttpStatusCode.Forbidden;
        }

        // Star and unstar: anyone who can see it.
        await ExpectAsync(await v.Api.PostAsync($"/api/repositories/{s.Path}/star", null), For(true, HttpStatusCode.OK), "sigmagit star");
        await ExpectAsync(await v.Api.DeleteAsync($"/api/repositories/{s.Path}/star"), For(true, HttpStatusCode.OK), "sigmagit unstar");
        await ExpectAsync(await v.Api.PutAsync($"/api/v1/user/starred/{s.Path}", null), For(true, HttpStatusCode.NoContent), "v1 star");
        await ExpectAsync(await v.Api.DeleteAsync($"/api/v1/user/starred/{s.Path}"), For(true, HttpStatusCode.NoContent), "v1 unstar");

        // Fork: anyone who can see it, except onto the same name in the owner's own account.
        var forkExpect = kind.StartsWith("owner") && For(true, HttpStatusCode.Created) == HttpStatusCode.Created
            ? HttpStatusCode.Conflict : For(true, HttpStatusCode.Created);
        await ExpectAsync(await v.Api.PostAsJsonAsync($"/api/repositories/{s.Path}/fork", new { }), forkExpect, "sigmagit fork");
        var v1ForkExpect = For(true, HttpStatusCode.Accepted);
        await ExpectAsync(await v.Api.PostAsJsonAsync($"/api/v1/repos/{s.Path}/forks", new { name = "v1-fork-" + s.Name }), v1ForkExpect, "v1 fork");
        if (v1ForkExpect == HttpStatusCode.Accepted)
        {
            // A fork of a private repository is private too.
            var forkOwner = kind.StartsWith("owner") ? s.Owner : kind.StartsWith("reader") ? s.Reader : s.Writer;
            using var anon = server.Anonymous();
            await ExpectAsync(await anon.GetAsync($"/api/repositories/{forkOwner.Username}/v1-fork-{s.Name}"), HttpStatusCode.NotFound, "fork is private");
        }

        // Git push: write access.
        var push = await RepoSetup.InfoRefsAsync(server, s.Owner.Username, s.Name, "git-receive-pack", v.Git);
        if (kind == "anonymous")
        {
            await push.ErrorAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("Basic", push.Headers.WwwAuthenticate.Single().Scheme);
        }
        else
        {
            await ExpectAsync(push, !visible ? HttpStatusCode.NotFound : CanWrite(kind) ? HttpStatusCode.OK : HttpStatusCode.Forbidden,
                "git info/refs receive-pack");
        }

        // Statuses, git objects and contents: writers.
        string sha;
        long suiteId;
        using (var oc0 = s.Owner.Client())
        {
            sha = (await (await oc0.GetAsync($"/api/v1/repos/{s.Path}/branches/main")).JsonAsync()).Str("commit.sha");
            suiteId = (await (await oc0.PostAsJsonAsync($"/api/v1/repos/{s.Path}/check-runs", new { name = "ci", head_sha = sha }))
                .JsonAsync(HttpStatusCode.Created))["check_suite"]!["id"]!.GetValue<long>();
        }
        await ExpectAsync(await v.Api.PostAsync($"/api/v1/repos/{s.Path}/check-suites/{suiteId}/rerequest", null),
            For(CanWrite(kind), HttpStatusCode.Created), "rerequest check suite");
        await ExpectAsync(await v.Api.PostAsJsonAsync($"/api/v1/repos/{s.Path}/statuses/{sha}", new { state = "success" }),
            For(CanWrite(kind), HttpStatusCode.Created), "create status");
        await ExpectAsync(await v.Api.PostAsJsonAsync($"/api/v1/repos/{s.Path}/git/blobs", new { content = "x" }),
            For(CanWrite(kind), HttpStatusCode.Created), "create blob");
        await ExpectAsync(await v.Api.PostAsJsonAsync($"/api/v1/repos/{s.Path}/git/refs", new { @ref = $"refs/heads/by-{kind}", sha }),
            For(CanWrite(kind), HttpStatusCode.Created), "create ref");
        await ExpectAsync(await v.Api.PutAsJsonAsync($"/api/v1/repos/{s.Path}/contents/{kind}.txt", new { message = "m", content = "eA==" }),
            For(CanWrite(kind), HttpStatusCode.Created), "create file");

        // Review dismissals, replies, branch updates and hook configs: a repository the caller cannot see is not found, whatever they ask.
        if (kind == "stranger")
        {
            await ExpectAsync(await v.Api.PutAsJsonAsync($"/api/v1/repos/{s.Path}/pulls/1/reviews/1/dismissals", new { message = "m" }), HttpStatusCode.NotFound, "dismiss review");
            await ExpectAsync(await v.Api.PostAsJsonAsync($"/api/v1/repos/{s.Path}/pulls/1/comments/1/replies", new { body = "b" }), HttpStatusCode.NotFound, "reply");
            await ExpectAsync(await v.Api.PutAsJsonAsync($"/api/v1/repos/{s.Path}/pulls/1/update-branch", new { }), HttpStatusCode.NotFound, "update branch");
            await ExpectAsync(await v.Api.GetAsync($"/api/v1/repos/{s.Path}/hooks/1/config"), HttpStatusCode.NotFound, "hook config");
            await ExpectAsync(await v.Api.PatchAsJsonAsync($"/api/v1/repos/{s.Path}/hooks/1/config", new { content_type = "json" }), HttpStatusCode.NotFound, "update hook config");
        }

        // Settings and collaborators: the owner only.
        await ExpectAsync(await v.Api.PatchAsJsonAsync($"/api/repositories/{s.Path}", new { description = "changed by " + kind }),
            For(IsOwner(kind), HttpStatusCode.OK), "sigmagit update");
        await ExpectAsync(await v.Api.PatchAsJsonAsync($"/api/v1/repos/{s.Path}", new { description = "changed by " + kind }),
            For(IsOwner(kind), HttpStatusCode.OK), "v1 update");
        await ExpectAsync(await v.Api.PutAsJsonAsync($"/api/v1/repos/{s.Path}/collaborators/{s.Stranger.Username}", new { permission = "read" }),
            For(IsOwner(kind), HttpStatusCode.NoContent), "add collaborator");
        // Checking a collaborator needs push access and a repo scope (a read token's will do).
        HttpStatusCode ForCollaboratorCheck(HttpStatusCode ok) =>
            kind == "owner-token-no-repo-scope" ? HttpStatusCode.Forbidden : For(CanWrite(kind), ok, routeNeedsWriteScope: false);
        await ExpectAsync(await v.Api.GetAsync($"/api/v1/repos/{s.Path}/collaborators/{s.Reader.Username}"),
            ForCollaboratorCheck(HttpStatusCode.NoContent), "check collaborator");
        await ExpectAsync(await v.Api.GetAsync($"/api/v1/repos/{s.Path}/collaborators/{s.Reader.Username}/permission"),
            ForCollaboratorCheck(HttpStatusCode.OK), "collaborator permission");
        await ExpectAsync(await v.Api.DeleteAsync($"/api/v1/repos/{s.Path}/collaborators/{s.Stranger.Username}"),
            For(IsOwner(kind), HttpStatusCode.NoContent), "remove collaborator");
        await ExpectAsync(await v.Api.PutAsJsonAsync($"/api/v1/repos/{s.Path}/topics", new { names = new[] { "secret-plans" } }),
            For(IsOwner(kind), HttpStatusCode.OK), "v1 replace topics");
        await ExpectAsync(await v.Api.DeleteAsync($"/api/v1/repos/{s.Path}"), For(IsOwner(kind), HttpStatusCode.NoContent), "v1 delete");

        using var oc = s.Owner.Client();
        var after = await oc.GetAsync($"/api/repositories/{s.Path}");
        if (IsOwner(kind))
        {
            await after.ErrorAsync(HttpStatusCode.NotFound);
        }
        else
        {
            var repo = (await after.JsonAsync())["repo"]!;
            Assert.Equal("test repository", repo.Str("description"));
        }
    }

    [Fact]
    public async Task Real_git_clients_clone_a_private_repository_only_with_read_access()
    {
        var s = await PrivateRepoAsync();
        using var git = new GitClient();
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, s.Owner.Username, s.Name, s.Reader.Username, s.Reader.Password), git.Path("reader"));
        var token = await s.Reader.CreateTokenAsync("repo:read");
        await git.OkAsync(null, "clone", "-q", GitClient.Url(server, s.Owner.Username, s.Name, s.Reader.Username, token), git.Path("reader-token"));
        var anonymous = await git.FailsAsync(null, "clone", GitClient.Url(server, s.Owner.Username, s.Name), git.Path("anon"));
        Assert.Contains("could not read Username", anonymous.Stderr);
        var stranger = await git.FailsAsync(null, "clone",
            GitClient.Url(server, s.Owner.Username, s.Name, s.Stranger.Username, s.Stranger.Password), git.Path("stranger"));
        Assert.Contains("not found", stranger.Stderr);
        // A write collaborator pushes; the URL's case and the ".git" suffix do not matter.
        var dir = git.Path("writer");
        await git.OkAsync(null, "clone", "-q",
            GitClient.Url(server, s.Owner.Username.ToUpperInvariant(), s.Name.ToUpperInvariant(), s.Writer.Username, s.Writer.Password)[..^4], dir);
        var head = await git.CommitFileAsync(dir, "w.txt", "w\n", "by the writer");
        await git.OkAsync(dir, "push", "-q", "origin", "main");
        Assert.Contains(head, await git.OkAsync(null, "ls-remote", GitClient.Url(server, s.Owner.Username, s.Name, s.Reader.Username, s.Reader.Password)));
        var noScope = await s.Owner.CreateTokenAsync("user:read");
        await git.FailsAsync(null, "clone", GitClient.Url(server, s.Owner.Username, s.Name, s.Owner.Username, noScope), git.Path("no-scope"));
    }

    [Fact]
    public async Task A_fork_never_names_a_parent_its_viewer_cannot_see()
    {
        var s = await PrivateRepoAsync();
        using var rc = s.Reader.Client();
        var fork = (await (await rc.PostAsJsonAsync($"/api/repositories/{s.Path}/fork", new { name = "my-fork" })).JsonAsync(HttpStatusCode.Created))["repo"]!;
        Assert.Equal("private", fork.Str("visibility"));
        Assert.Equal(s.Name, fork.Str("forkedFrom.name"));

        // A fork of a private repository stays private (see PrivateForkTests), but its owner may share it: someone who
        // may see the fork and not the parent sees no trace of the parent's name.
        await (await rc.PatchAsJsonAsync($"/api/repositories/{s.Reader.Username}/my-fork", new { visibility = "public" })).ErrorAsync(HttpStatusCode.BadRequest);
        await RepoSetup.AddCollaboratorAsync(s.Reader, "my-fork", s.Stranger, "read");
        using var sc = s.Stranger.Client();
        var seen = (await (await sc.GetAsync($"/api/repositories/{s.Reader.Username}/my-fork")).JsonAsync())["repo"]!;
        Assert.Null(seen["forkedFrom"]);
        var v1 = await (await sc.GetAsync($"/api/v1/repos/{s.Reader.Username}/my-fork")).JsonAsync();
        Assert.True(v1["fork"]!.GetValue<bool>());
        Assert.Null(v1["parent"]);
        Assert.DoesNotContain(s.Name, (await sc.GetStringAsync($"/api/users/{s.Reader.Username}/repositories")).Replace("my-fork", ""));
        Assert.DoesNotContain(s.Owner.Username, await sc.GetStringAsync($"/api/v1/users/{s.Reader.Username}/repos"));

        // The owner still sees where it came from.
        var owned = (await (await rc.GetAsync($"/api/repositories/{s.Reader.Username}/my-fork")).JsonAsync())["repo"]!;
        Assert.Equal(s.Name, owned.Str("forkedFrom.name"));
    }
}

public sealed class RepositoryVisibilityTestsOnSqlite(SqliteServer s) : RepositoryVisibilityTests(s), IClassFixture<SqliteServer>;

public sealed class RepositoryVisibilityTestsOnPostgres(PostgresServer s) : RepositoryVisibilityTests(s), IClassFixture<PostgresServer>;

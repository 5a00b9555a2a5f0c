using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Checks;
using Anvil.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Checks;

public abstract class CheckRunTests(AnvilServer server)
{
    private sealed record Repo(TestUser Owner, string Name, string Sha, long Id)
    {
        public string Api => $"/api/v1/repos/{Owner.Username}/{Name}";
    }

    private async Task<Repo> CreateRepoAsync(bool isPrivate = false)
    {
        var owner = await server.SignUpAsync();
        using var c = owner.Client();
        var name = "checks" + Guid.NewGuid().ToString("N")[..8];
        var created = await (await c.PostAsJsonAsync("/api/v1/user/repos", new { name, @private = isPrivate, auto_init = true })).JsonAsync(HttpStatusCode.Created);
        var branch = await (await c.GetAsync($"/api/v1/repos/{owner.Username}/{name}/branches/main")).JsonAsync();
        return new Repo(owner, name, branch.Str("commit.sha"), created["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Create_get_update_and_list_in_GitHub_shapes()
    {
        var repo = await CreateRepoAsync();
        using var c = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:write"));
        var created = await (await c.PostAsJsonAsync($"{repo.Api}/check-runs", new
        {
            name = "lint", head_sha = repo.Sha, status = "in_progress", details_url = "https://ci.example.com/1", external_id = "ext-1",
            output = new { title = "Linting", summary = "running" },
        })).JsonAsync(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<long>();
        Assert.Equal(repo.Sha, created.Str("head_sha"));
        Assert.Equal("in_progress", created.Str("status"));
        Assert.Null(created["conclusion"]);
        Assert.NotNull(created["started_at"]);
        Assert.Null(created["completed_at"]);
        Assert.Equal("ext-1", created.Str("external_id"));
        Assert.Equal("Linting", created.Str("output.title"));
        Assert.Equal(0, created["output"]!["annotations_count"]!.GetValue<int>());
        Assert.EndsWith($"{repo.Api}/check-runs/{id}", created.Str("url"));
        Assert.StartsWith("http", created.Str("html_url"));
        Assert.False(string.IsNullOrEmpty(created.Str("node_id")));
        Assert.NotNull(created["check_suite"]!["id"]);
        Assert.Equal("anvil", created.Str("app.slug"));

        var patched = await (await c.PatchAsJsonAsync($"{repo.Api}/check-runs/{id}", new { conclusion = "success", output = new { title = "Lint", summary = "all good", text = "details" } })).JsonAsync();
        Assert.Equal("completed", patched.Str("status"));
        Assert.Equal("success", patched.Str("conclusion"));
        Assert.NotNull(patched["completed_at"]);
        Assert.Equal("details", patched.Str("output.text"));

        var got = await (await c.GetAsync($"{repo.Api}/check-runs/{id}")).JsonAsync();
        Assert.Equal("success", got.Str("conclusion"));

        var list = await (await c.GetAsync($"{repo.Api}/commits/{repo.Sha}/check-runs")).JsonAsync();
        Assert.Equal(1, list["total_count"]!.GetValue<int>());
        Assert.Equal(id, list["check_runs"]![0]!["id"]!.GetValue<long>());
        var filtered = await (await c.GetAsync($"{repo.Api}/commits/{repo.Sha}/check-runs?status=queued")).JsonAsync();
        Assert.Equal(0, filtered["total_count"]!.GetValue<int>());

        // A branch, a tag or a short sha names the commit as well as its full sha does, as on GitHub.
        await (await c.PostAsJsonAsync($"{repo.Api}/git/refs", new { @ref = "refs/tags/v1.0", sha = repo.Sha })).JsonAsync(HttpStatusCode.Created);
        foreach (var name in new[] { "main", "v1.0", repo.Sha[..7] })
        {
            var named = await (await c.GetAsync($"{repo.Api}/commits/{name}/check-runs")).JsonAsync();
            Assert.Equal(id, named["check_runs"]![0]!["id"]!.GetValue<long>());
            var suites = await (await c.GetAsync($"{repo.Api}/commits/{name}/check-suites")).JsonAsync();
            Assert.Equal(repo.Sha, suites["check_suites"]![0]!.Str("head_sha"));
        }
        await (await c.GetAsync($"{repo.Api}/commits/no-such-branch/check-runs")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task External_id_makes_creation_idempotent()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var body = new { name = "build", head_sha = repo.Sha, external_id = "job-42" };
        var tasks = Enumerable.Range(0, 5).Select(_ => c.PostAsJsonAsync($"{repo.Api}/check-runs", body)).ToList();
        var ids = new HashSet<long>();
        foreach (var t in tasks)
        {
            var res = await t;
            Assert.True(res.StatusCode is HttpStatusCode.Created, await res.Content.ReadAsStringAsync());
            ids.Add((await res.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<long>());
        }
        Assert.Single(ids);
        var list = await (await c.GetAsync($"{repo.Api}/commits/{repo.Sha}/check-runs")).JsonAsync();
        Assert.Equal(1, list["total_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Validation_refuses_bad_input_with_422_and_writes_nothing()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var url = $"{repo.Api}/check-runs";
        await (await c.PostAsJsonAsync(url, new { name = "x", head_sha = repo.Sha, status = "done" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(url, new { name = "x", head_sha = repo.Sha, status = "completed" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(url, new { name = "x", head_sha = repo.Sha, conclusion = "great" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(url, new { name = "x", head_sha = repo.Sha, status = "queued", conclusion = "success" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(url, new { name = "", head_sha = repo.Sha })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(url, new { name = "x", head_sha = new string('0', 40) })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(url, new { name = "x", head_sha = "main" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(url, new { name = "x", head_sha = repo.Sha, details_url = "javascript:alert(1)" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(url, new { name = "x", head_sha = repo.Sha, output = new { title = "t", summary = new string('s', 64 * 1024 + 1) } }))
            .ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PostAsJsonAsync(url, new { name = "x", head_sha = repo.Sha, output = new { title = "t", summary = "s", text = new string('t', 256 * 1024 + 1) } }))
            .ErrorAsync(HttpStatusCode.RequestEntityTooLarge); // over the 256 KiB body cap before it is even parsed
        await (await c.SendRawAsync(HttpMethod.Post, url, "{not json")).ErrorAsync(HttpStatusCode.BadRequest);
        var list = await (await c.GetAsync($"{repo.Api}/commits/{repo.Sha}/check-runs")).JsonAsync();
        Assert.Equal(0, list["total_count"]!.GetValue<int>());

        // Exactly at the limit is fine.
        await (await c.PostAsJsonAsync(url, new { name = "x", head_sha = repo.Sha, output = new { title = "t", summary = new string('s', 64 * 1024) } }))
            .JsonAsync(HttpStatusCode.Created);
        var run = await (await c.PostAsJsonAsync(url, new { name = "y", head_sha = repo.Sha })).JsonAsync(HttpStatusCode.Created);
        await (await c.PatchAsJsonAsync($"{url}/{run["id"]}", new { status = "completed" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PatchAsJsonAsync($"{url}/{run["id"]}", new { head_sha = repo.Sha })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        await (await c.PatchAsJsonAsync($"{url}/999999999", new { status = "in_progress" })).ErrorAsync(HttpStatusCode.NotFound);
        var still = await (await c.GetAsync($"{url}/{run["id"]}")).JsonAsync();
        Assert.Equal("queued", still.Str("status"));

        // Annotations: GitHub's 422 naming the field, or 400 for a body that is not the JSON it should be; never half stored.
        object Output(object annotation) => new { title = "t", summary = "s", annotations = new[] { annotation } };
        foreach (var bad in new object[]
        {
            new { path = "a.txt", start_line = 1, end_line = 1, annotation_level = "error", message = "m" },
            new { path = "a.txt", start_line = 5, end_line = 2, annotation_level = "notice", message = "m" },
            new { path = "a.txt", start_line = 0, end_line = 1, annotation_level = "notice", message = "m" },
            new { path = "/etc/passwd", start_line = 1, end_line = 1, annotation_level = "notice", message = "m" },
            new { path = "a.txt", start_line = 1, end_line = 1, annotation_level = "notice", message = "m", title = new string('t', 256) },
            new { start_line = 1, end_line = 1, annotation_level = "notice", message = "m" },
        })
        {
            var error = await (await c.PatchAsJsonAsync($"{url}/{run["id"]}", new { output = Output(bad) })).JsonAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal("Validation Failed", error.Str("message"));
            Assert.StartsWith("output.annotations[0].", error["errors"]![0]!.Str("field"));
        }
        await (await c.PatchAsJsonAsync($"{url}/{run["id"]}", new { output = Output(new { path = "a.txt", start_line = "one", end_line = 1 }) }))
            .ErrorAsync(HttpStatusCode.BadRequest);
        await (await c.PatchAsJsonAsync($"{url}/{run["id"]}", new { output = new { title = "t", summary = "s", annotations = "all of them" } }))
            .ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, (await (await c.GetAsync($"{url}/{run["id"]}")).JsonAsync())["output"]!["annotations_count"]!.GetValue<int>());
        Assert.Empty((await (await c.GetAsync($"{url}/{run["id"]}/annotations")).JsonAsync()).AsArray());
        await (await c.GetAsync($"{url}/999999999/annotations")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Text_over_256_KiB_is_refused_by_the_service()
    {
        // Over HTTP the 256 KiB body cap (413) is reached first; other callers (Actions) go through the service rule.
        var repo = await CreateRepoAsync();
        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Anvil.Server.Infrastructure.Data.AnvilDbContext>();
        var entity = await db.Repositories.Include(r => r.Owner).FirstAsync(r => r.Id == repo.Id);
        var fields = new CheckRunFields("big", null, null, null, null, null, null, new CheckOutput("t", "s", new string('t', CheckService.MaxTextChars + 1)));
        var e = await Assert.ThrowsAsync<Anvil.Server.Infrastructure.AnvilException>(() =>
            scope.ServiceProvider.GetRequiredService<CheckService>().CreateAsync(entity, repo.Sha, fields, CheckApp.Api, null, null, default));
        Assert.Equal(Anvil.Server.Infrastructure.FailureKind.Validation, e.Kind);
    }

    [Fact]
    public async Task Suites_roll_up_status_and_worst_conclusion_and_combined_state_follows()
    {
        var repo = await CreateRepoAsync();
        using var c = repo.Owner.Client();
        var url = $"{repo.Api}/check-runs";
        async Task<CommitChecks> Combined()
        {
            using var scope = server.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<CheckService>().CombinedStateAsync(repo.Id, repo.Sha, default);
        }
        Assert.Equal(CombinedCheckState.None, (await Combined()).State);
        var empty = await (await c.GetAsync($"{repo.Api}/commits/{repo.Sha}/check-suites")).JsonAsync();
        Assert.Equal(0, empty["total_count"]!.GetValue<int>());

        var a = await (await c.PostAsJsonAsync(url, new { name = "a", head_sha = repo.Sha })).JsonAsync(HttpStatusCode.Created);
        var b = await (await c.PostAsJsonAsync(url, new { name = "b", head_sha = repo.Sha })).JsonAsync(HttpStatusCode.Created);
        var suites = await (await c.GetAsync($"{repo.Api}/commits/{repo.Sha}/check-suites")).JsonAsync();
        Assert.Equal(1, suites["total_count"]!.GetValue<int>());
        Assert.Equal("queued", suites["check_suites"]![0]!.Str("status"));
        Assert.Equal(repo.Sha, suites["check_suites"]![0]!.Str("head_sha"));
        Assert.Equal(CombinedCheckState.Pending, (await Combined()).State);

        await (await c.PatchAsJsonAsync($"{url}/{a["id"]}", new { conclusion = "success" })).JsonAsync();
        suites = await (await c.GetAsync($"{repo.Api}/commits/{repo.Sha}/check-suites")).JsonAsync();
        Assert.Equal("in_progress", suites["check_suites"]![0]!.Str("status"));
        Assert.Null(suites["check_suites"]![0]!["conclusion"]);

        await (await c.PatchAsJsonAsync($"{url}/{b["id"]}", new { status = "completed", conclusion = "failure" })).JsonAsync();
        suites = await (await c.GetAsync($"{repo.Api}/commits/{repo.Sha}/check-suites")).JsonAsync();
        Assert.Equal("completed", suites["check_suites"]![0]!.Str("status"));
        Assert.Equal("failure", suites["check_suites"]![0]!.Str("conclusion"));
        Assert.Equal(2, suites["check_suites"]![0]!["latest_check_runs_count"]!.GetValue<int>());
        // The suite's own url and its check_runs_url answer, as GitHub's do.
        var suite = suites["check_suites"]![0]!;
        var one = await (await c.GetAsync(new Uri(suite.Str("url")).PathAndQuery)).JsonAsync();
        Assert.Equal(suite.ToJsonString(), one.ToJsonString());
        var runs = await (await c.GetAsync(new Uri(suite.Str("check_runs_url")).PathAndQuery + "?status=completed")).JsonAsync();
        Assert.Equal(2, runs["total_count"]!.GetValue<int>());
        Assert.Equal([b["id"]!.GetValue<long>(), a["id"]!.GetValue<long>()], runs["check_runs"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()));
        await (await c.GetAsync($"{repo.Api}/check-suites/999999999")).ErrorAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"{repo.Api}/check-suites/999999999/check-runs")).ErrorAsync(HttpStatusCode.NotFound);
        var other = await CreateRepoAsync();
        using (var stranger = other.Owner.Client())
        {
            // Another repository's suite is not found through this one.
            await (await stranger.GetAsync($"{other.Api}/check-suites/{suite["id"]}")).ErrorAsync(HttpStatusCode.NotFound);
        }
        var combined = await Combined();
        Assert.Equal(CombinedCheckState.Failure, combined.State);
        Assert.Equal((2, 1, 1), (combined.Total, combined.Succeeded, combined.Failed));

        await (await c.PatchAsJsonAsync($"{url}/{b["id"]}", new { conclusion = "neutral" })).JsonAsync();
        Assert.Equal(CombinedCheckState.Success, (await Combined()).State);
    }

    [Fact]
    public async Task Access_rules_private_is_404_readers_cannot_write_tokens_need_scope()
    {
        var repo = await CreateRepoAsync(isPrivate: true);
        var stranger = await server.SignUpAsync();
        using var s = stranger.Client();
        await (await s.GetAsync($"{repo.Api}/commits/{repo.Sha}/check-runs")).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.PostAsJsonAsync($"{repo.Api}/check-runs", new { name = "x", head_sha = repo.Sha })).ErrorAsync(HttpStatusCode.NotFound);
        using var anon = server.Anonymous();
        await (await anon.GetAsync($"{repo.Api}/commits/{repo.Sha}/check-suites")).ErrorAsync(HttpStatusCode.NotFound);
        await (await anon.GetAsync($"{repo.Api}/check-suites/1")).ErrorAsync(HttpStatusCode.NotFound);
        await (await s.GetAsync($"{repo.Api}/check-suites/1/check-runs")).ErrorAsync(HttpStatusCode.NotFound);

        using var readOnly = server.WithBearer(await repo.Owner.CreateTokenAsync("repo:read"));
        var res = await readOnly.PostAsJsonAsync($"{repo.Api}/check-runs", new { name = "x", head_sha = repo.Sha });
        await res.ErrorAsync(HttpStatusCode.Forbidden);
        Assert.Equal("repo:write", res.Headers.GetValues("X-Accepted-OAuth-Scopes").Single());
        await (await readOnly.GetAsync($"{repo.Api}/commits/{repo.Sha}/check-runs")).JsonAsync();

        var pub = await CreateRepoAsync();
        await (await s.PostAsJsonAsync($"{pub.Api}/check-runs", new { name = "x", head_sha = pub.Sha })).ErrorAsync(HttpStatusCode.Forbidden);
        await (await anon.GetAsync($"{pub.Api}/commits/{pub.Sha}/check-runs")).JsonAsync();
        await (await anon.GetAsync($"{pub.Api}/commits/{new string('a', 40)}/check-runs")).ErrorAsync(HttpStatusCode.NotFound);
    }
}

public sealed class CheckRunTestsOnSqlite(SqliteServer s) : CheckRunTests(s), IClassFixture<SqliteServer>;

public sealed class CheckRunTestsOnPostgres(PostgresServer s) : CheckRunTests(s), IClassFixture<PostgresServer>;

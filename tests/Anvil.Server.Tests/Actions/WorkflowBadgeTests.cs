using System.Net;
using System.Net.Http.Json;
using System.Text;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Repositories;

namespace Anvil.Server.Tests.Actions;

/// <summary>A workflow's <c>badge_url</c>: an SVG with its latest run's state on the default branch, a private one for readers only.</summary>
public abstract class WorkflowBadgeTests(AnvilServer server)
{
    private static async Task<(string Path, string BadgeUrl)> RepositoryWithWorkflowAsync(TestUser owner, bool isPrivate)
    {
        var repo = await RepoSetup.CreateAsync(owner, isPrivate: isPrivate);
        var path = $"{owner.Username}/{repo.Str("name")}";
        using var oc = owner.Client();
        // On push, for a runner nobody has: the run stays queued.
        var yaml = "name: Build & test\non: push\njobs:\n  a:\n    runs-on: [no-such-runner]\n    steps:\n      - run: echo\n";
        await (await oc.PutAsJsonAsync($"/api/v1/repos/{path}/contents/.github/workflows/ci.yml",
            new { message = "ci", content = Convert.ToBase64String(Encoding.UTF8.GetBytes(yaml)) })).JsonAsync(HttpStatusCode.Created);
        for (var tries = 0; ; tries++)
        {
            var runs = await (await oc.GetAsync($"/api/v1/repos/{path}/actions/workflows/ci.yml/runs")).JsonAsync();
            if (runs["total_count"]!.GetValue<int>() == 1)
            {
                break;
            }
            Assert.True(tries < 300, "the push never ran the workflow");
            await Task.Delay(100);
        }
        var workflow = await (await oc.GetAsync($"/api/v1/repos/{path}/actions/workflows/ci.yml")).JsonAsync();
        return (path, workflow.Str("badge_url"));
    }

    [Fact]
    public async Task The_badge_url_answers_an_svg_with_the_latest_runs_state()
    {
        var owner = await server.SignUpAsync();
        var (path, badgeUrl) = await RepositoryWithWorkflowAsync(owner, isPrivate: false);
        Assert.EndsWith($"/{path}/actions/workflows/ci.yml/badge.svg", badgeUrl);
        using var anonymous = server.Anonymous();

        var res = await anonymous.GetAsync(new Uri(badgeUrl).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("image/svg+xml", res.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", res.Headers.CacheControl?.ToString());
        var svg = await res.Content.ReadAsStringAsync();
        Assert.StartsWith("<svg", svg);
        Assert.Contains("<title>Build &amp; test: in progress</title>", svg); // the name escaped, the run still queued

        // Another branch has no run of it yet; a workflow that does not exist is not found.
        var other = await (await anonymous.GetAsync($"/{path}/actions/workflows/ci.yml/badge.svg?branch=elsewhere")).Content.ReadAsStringAsync();
        Assert.Contains("<title>Build &amp; test: no status</title>", other);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/{path}/actions/workflows/missing.yml/badge.svg")).StatusCode);
    }

    [Fact]
    public async Task A_private_repositorys_badge_is_not_found_to_those_who_cannot_read_it()
    {
        var owner = await server.SignUpAsync();
        var (path, _) = await RepositoryWithWorkflowAsync(owner, isPrivate: true);
        var url = $"/{path}/actions/workflows/ci.yml/badge.svg";
        using var oc = owner.Client();
        Assert.Equal(HttpStatusCode.OK, (await oc.GetAsync(url)).StatusCode);
        using var stranger = (await server.SignUpAsync()).Client();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(url)).StatusCode);
        using var anonymous = server.Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(url)).StatusCode);
    }
}

public sealed class WorkflowBadgeTestsOnSqlite(SqliteServer s) : WorkflowBadgeTests(s), IClassFixture<SqliteServer>;

public sealed class WorkflowBadgeTestsOnPostgres(PostgresServer s) : WorkflowBadgeTests(s), IClassFixture<PostgresServer>;

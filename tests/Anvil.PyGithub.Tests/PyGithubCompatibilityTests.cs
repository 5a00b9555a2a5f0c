using Xunit.Abstractions;

namespace Anvil.PyGithub.Tests;

/// <summary>
/// PyGithub (Debian's python3-github 1.55), a second GitHub client independent of Octokit, driven against /api/v1 with
/// only its base URL changed: each test runs one group's script, whose plain asserts check what a PyGithub user sees
/// (fields, totalCount from the Link header, exceptions), and passes when the script exits 0.
/// </summary>
public abstract class PyGithubCompatibilityTests(PyGithubServer server, ITestOutputHelper output)
{
    public const int MinimumDistinctCalls = 100;

    private async Task<ScriptRun> PassesAsync(string group)
    {
        var run = await server.RunAsync(group);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("Traceback", run.Output);
        Assert.Contains("calls: ", run.Output);
        return run;
    }

    [Fact]
    public Task Repositories() => PassesAsync("repositories");

    [Fact]
    public Task Contents_and_git_data() => PassesAsync("contents");

    [Fact]
    public Task Commits_statuses_and_checks() => PassesAsync("commits");

    [Fact]
    public Task Issues_labels_comments_and_events() => PassesAsync("issues");

    [Fact]
    public Task Pull_requests_and_reviews() => PassesAsync("pulls");

    [Fact]
    public Task Search() => PassesAsync("search");

    [Fact]
    public Task Users_notifications_and_misc() => PassesAsync("users");

    [Fact]
    public Task Webhooks_and_collaborators() => PassesAsync("hooks");

    [Fact]
    public Task Actions() => PassesAsync("actions");

    [Fact]
    public Task Errors() => PassesAsync("errors");

    [Fact]
    public async Task Every_group_together_makes_at_least_100_distinct_calls()
    {
        var calls = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var group in PyGithubServer.Groups)
        {
            calls.UnionWith((await server.RunAsync(group)).Calls);
        }
        var list = $"{calls.Count} distinct PyGithub calls:\n{string.Join('\n', calls)}";
        output.WriteLine(list);
        Assert.True(calls.Count >= MinimumDistinctCalls, list);
    }

    [Fact]
    public Task Workflows_annotations_links_dismissals_replies_update_branch_and_the_status_webhook() => PassesAsync("ci_and_reviews");
}

public sealed class PyGithubOnSqlite(PyGithubSqliteServer s, ITestOutputHelper o) : PyGithubCompatibilityTests(s, o), IClassFixture<PyGithubSqliteServer>;

public sealed class PyGithubOnPostgres(PyGithubPostgresServer s, ITestOutputHelper o) : PyGithubCompatibilityTests(s, o), IClassFixture<PyGithubPostgresServer>;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Tests.Infrastructure;

namespace Anvil.Server.Tests.Issues;

/// <summary>GitHub's <c>state_reason</c>, whichever surface closes or reopens the issue.</summary>
public abstract class IssueStateReasonTests(AnvilServer server)
{
    private static async Task<JsonNode> V1IssueAsync(HttpClient c, TestRepo repo, int number) =>
        await (await c.GetAsync($"{repo.V1}/issues/{number}")).JsonAsync();

    [Fact]
    public async Task Closing_on_either_surface_without_a_reason_is_completed_and_reopening_is_reopened()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await repo.CreateIssueAsync();
        await repo.CreateIssueAsync();

        (await c.PatchAsJsonAsync($"{repo.Api}/issues/1", new { state = "closed" })).EnsureSuccessStatusCode();
        var closedNatively = await V1IssueAsync(c, repo, 1);
        Assert.Equal("closed", closedNatively.Str("state"));
        Assert.Equal("completed", closedNatively.Str("state_reason"));
        Assert.Equal(repo.Owner.Username, closedNatively.Str("closed_by.login"));

        var closedOnV1 = await (await c.PatchAsJsonAsync($"{repo.V1}/issues/2", new { state = "closed" })).JsonAsync();
        Assert.Equal("completed", closedOnV1.Str("state_reason"));

        (await c.PatchAsJsonAsync($"{repo.Api}/issues/1", new { state = "open" })).EnsureSuccessStatusCode();
        var reopened = await V1IssueAsync(c, repo, 1);
        Assert.Equal("open", reopened.Str("state"));
        Assert.Equal("reopened", reopened.Str("state_reason"));
        Assert.Null(reopened["closed_by"]);
        Assert.Null(reopened["closed_at"]);
        Assert.Null((await repo.IssueAsync(1))["closedBy"]);
    }

    [Fact]
    public async Task Not_planned_is_kept_can_be_relabelled_and_reopened_is_never_a_close_reason()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await repo.CreateIssueAsync();

        var notPlanned = await (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state = "closed", state_reason = "not_planned" })).JsonAsync();
        Assert.Equal("not_planned", notPlanned.Str("state_reason"));
        // Closing again on the native surface changes nothing: the reason stays.
        (await c.PatchAsJsonAsync($"{repo.Api}/issues/1", new { state = "closed" })).EnsureSuccessStatusCode();
        Assert.Equal("not_planned", (await V1IssueAsync(c, repo, 1)).Str("state_reason"));

        var relabelled = await (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state_reason = "completed" })).JsonAsync();
        Assert.Equal("closed", relabelled.Str("state"));
        Assert.Equal("completed", relabelled.Str("state_reason"));
        var unchanged = await (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state_reason = "reopened" })).JsonAsync();
        Assert.Equal("closed", unchanged.Str("state"));
        Assert.Equal("completed", unchanged.Str("state_reason"));

        (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state = "open" })).EnsureSuccessStatusCode();
        var closedAsReopened = await (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state = "closed", state_reason = "reopened" })).JsonAsync();
        Assert.Equal("closed", closedAsReopened.Str("state"));
        Assert.Equal("completed", closedAsReopened.Str("state_reason"));
    }

    [Fact]
    public async Task A_reason_alone_does_not_close_an_open_issue_and_a_bad_one_changes_nothing()
    {
        var repo = await TestRepo.CreateAsync(server);
        using var c = repo.Owner.Client();
        await repo.CreateIssueAsync();

        var open = await (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state_reason = "not_planned" })).JsonAsync();
        Assert.Equal("open", open.Str("state"));
        Assert.Null(open["state_reason"]);

        await (await c.PatchAsJsonAsync($"{repo.V1}/issues/1", new { state = "closed", state_reason = "wontfix" })).ErrorAsync(HttpStatusCode.UnprocessableEntity);
        var after = await V1IssueAsync(c, repo, 1);
        Assert.Equal("open", after.Str("state"));
        Assert.Null(after["state_reason"]);
        var list = await (await c.GetAsync($"{repo.Api}/issues")).JsonAsync();
        Assert.Equal(1, list.Int("openCount"));
        Assert.Equal(0, list.Int("closedCount"));
    }
}

public sealed class IssueStateReasonTestsOnSqlite(IssuesSqliteServer s) : IssueStateReasonTests(s), IClassFixture<IssuesSqliteServer>;

public sealed class IssueStateReasonTestsOnPostgres(IssuesPostgresServer s) : IssueStateReasonTests(s), IClassFixture<IssuesPostgresServer>;

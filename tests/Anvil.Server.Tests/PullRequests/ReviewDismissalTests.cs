using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Repositories;
using Anvil.Server.Tests.Webhooks;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>
/// GitHub's review dismissal: a writer sets an approval or request for changes aside with a message; the review reads
/// DISMISSED, the history records who dismissed whose review and why, and hooks hear <c>pull_request_review</c> dismissed.
/// </summary>
public abstract class ReviewDismissalTests(PullsServer server) : IAsyncLifetime
{
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_writer_dismisses_an_approval_which_the_history_hooks_and_conversation_show()
    {
        using var repo = await PullRepo.CreateAsync(server, isPrivate: true);
        var reviewer = await server.SignUpAsync();
        var writer = await server.SignUpAsync();
        var stranger = await server.SignUpAsync();
        await RepoSetup.AddCollaboratorAsync(repo.Owner, repo.Name, reviewer, "read");
        await RepoSetup.AddCollaboratorAsync(repo.Owner, repo.Name, writer, "write");
        await repo.CommitAsync("feature", "feature.txt", "one\ntwo\nthree\n", from: "main");
        await repo.PushAsync("feature");
        var number = (await repo.CreatePullAsync(repo.Owner, new { title = "Review me", headBranch = "feature", baseBranch = "main" })).Number();
        var v1 = $"{repo.V1}/pulls/{number}";
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url("/rev"), ["pull_request_review"]);
        using var r = reviewer.Client();
        using var w = writer.Client();
        using var s = stranger.Client();
        var approval = await (await r.PostAsJsonAsync($"{v1}/reviews", new { @event = "APPROVE", body = "Looks good" })).JsonAsync();
        var id = approval["id"]!.GetValue<long>();
        var comment = await (await r.PostAsJsonAsync($"{v1}/reviews", new { @event = "COMMENT", body = "Just a note" })).JsonAsync();
        var pending = await (await w.PostAsJsonAsync($"{v1}/reviews", new { body = "thinking" })).JsonAsync();
        var dismissal = new { message = "Outdated after the rework", @event = "DISMISS" };

        // Hidden from those who cannot see the repository; refused to readers, even the reviewer; bad input changes nothing.
        await (await s.PutAsJsonAsync($"{v1}/reviews/{id}/dismissals", dismissal)).ErrorAsync(HttpStatusCode.NotFound);
        await (await server.Anonymous().PutAsJsonAsync($"{v1}/reviews/{id}/dismissals", dismissal)).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await r.PutAsJsonAsync($"{v1}/reviews/{id}/dismissals", dismissal)).ErrorAsync(HttpStatusCode.Forbidden);
        await (await w.PutAsJsonAsync($"{v1}/reviews/{id}/dismissals", new { message = "" })).ErrorAsync((HttpStatusCode)422);
        await (await w.PutAsJsonAsync($"{v1}/reviews/{id}/dismissals", new { message = "why", @event = "APPROVE" })).ErrorAsync((HttpStatusCode)422);
        await (await w.PutAsJsonAsync($"{v1}/reviews/{id}/dismissals", "not an object")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await w.PutAsJsonAsync($"{v1}/reviews/{comment["id"]}/dismissals", dismissal)).ErrorAsync((HttpStatusCode)422);
        await (await w.PutAsJsonAsync($"{v1}/reviews/{pending["id"]}/dismissals", dismissal)).ErrorAsync((HttpStatusCode)422);
        await (await w.PutAsJsonAsync($"{v1}/reviews/999999/dismissals", dismissal)).ErrorAsync(HttpStatusCode.NotFound);
        await (await w.PutAsJsonAsync($"{repo.V1}/pulls/99/reviews/{id}/dismissals", dismissal)).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("APPROVED", (await (await w.GetAsync($"{v1}/reviews/{id}")).JsonAsync()).Str("state"));

        var dismissed = await (await w.PutAsJsonAsync($"{v1}/reviews/{id}/dismissals", new { message = "Outdated after the rework" })).JsonAsync();
        Assert.Equal("DISMISSED", dismissed.Str("state"));
        Assert.Equal(id, dismissed["id"]!.GetValue<long>());
        Assert.Equal(reviewer.Username, dismissed.Str("user.login"));
        Assert.Equal("Looks good", dismissed.Str("body"));
        Assert.Equal("DISMISSED", (await (await r.GetAsync($"{v1}/reviews/{id}")).JsonAsync()).Str("state"));
        // Once: a dismissed review is not dismissed again.
        await (await w.PutAsJsonAsync($"{v1}/reviews/{id}/dismissals", dismissal)).ErrorAsync((HttpStatusCode)422);

        var hook = await _receiver.WaitForEventAsync("/rev", "pull_request_review", p => p.Str("action") == "dismissed");
        Assert.Equal(id, hook.Json["review"]!["id"]!.GetValue<long>());
        Assert.Equal("DISMISSED", hook.Json.Str("review.state"));
        Assert.Equal(writer.Username, hook.Json.Str("sender.login"));
        Assert.Equal(number, hook.Json["pull_request"]!["number"]!.GetValue<int>());

        // The history: who dismissed whose review, which verdict it had, why.
        var events = (await (await r.GetAsync($"{repo.V1}/issues/{number}/events")).JsonAsync()).AsArray();
        var evt = Assert.Single(events, e => e!.Str("event") == "review_dismissed")!;
        Assert.Equal(writer.Username, evt.Str("actor.login"));
        Assert.Equal("approved", evt.Str("dismissed_review.state"));
        Assert.Equal(id, evt["dismissed_review"]!["review_id"]!.GetValue<long>());
        Assert.Equal("Outdated after the rework", evt.Str("dismissed_review.dismissal_message"));
        Assert.Null(evt["assignee"]);
        var timeline = (await (await r.GetAsync($"{repo.V1}/issues/{number}/timeline")).JsonAsync()).AsArray();
        Assert.Contains(timeline, e => e!.Str("event") == "review_dismissed");

        // The conversation shows the review as dismissed, and the dismissal with its message.
        var page = await r.GetStringAsync($"/{repo.Owner.Username}/{repo.Name}/pull/{number}");
        Assert.Contains("review-dismissed-badge", page);
        Assert.Contains($"dismissed <a class=\"author\" href=\"/{reviewer.Username}\">{reviewer.Username}</a>", page);
        Assert.Contains("Outdated after the rework", page);
    }
}

public sealed class ReviewDismissalTestsOnSqlite(PullsSqliteServer s) : ReviewDismissalTests(s), IClassFixture<PullsSqliteServer>;

public sealed class ReviewDismissalTestsOnPostgres(PullsPostgresServer s) : ReviewDismissalTests(s), IClassFixture<PullsPostgresServer>;

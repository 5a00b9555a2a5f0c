using System.Net;
using System.Net.Http.Json;
using Anvil.Server.Tests.Infrastructure;
using Anvil.Server.Tests.Webhooks;

namespace Anvil.Server.Tests.PullRequests;

/// <summary>
/// GitHub's pending reviews: a review created without an event is PENDING, it and its comments are its author's alone (not
/// listed, not counted, not announced to anyone else) until submitted, which announces it once with all its comments.
/// </summary>
public abstract class PendingReviewTests(PullsServer server) : IAsyncLifetime
{
    private HookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private async Task<(PullRepo Repo, string V1, TestUser Reviewer)> PullAsync()
    {
        var repo = await PullRepo.CreateAsync(server);
        await repo.CommitAsync("feature", "feature.txt", "one\ntwo\nthree\n", from: "main");
        await repo.PushAsync("feature");
        var pr = await repo.CreatePullAsync(repo.Owner, new { title = "Review me", headBranch = "feature", baseBranch = "main" });
        return (repo, $"{repo.V1}/pulls/{pr.Number()}", await server.SignUpAsync());
    }

    [Fact]
    public async Task A_pending_review_is_seen_by_its_author_alone_until_submitted_then_by_everyone_once()
    {
        var (repo, v1, reviewer) = await PullAsync();
        using var _r = repo;
        await WebhookServer.CreateHookAsync(repo.Owner, repo.Name, _receiver.Url("/rev"), ["pull_request_review", "pull_request_review_comment"]);
        using var r = reviewer.Client();
        using var a = repo.Owner.Client();
        using var anonymous = server.Anonymous();

        var pending = await (await r.PostAsJsonAsync($"{v1}/reviews", new
        {
            body = "A few things",
            comments = new object[] { new { path = "feature.txt", line = 1, side = "RIGHT", body = "first" }, new { path = "feature.txt", line = 3, body = "third" } },
        })).JsonAsync();
        Assert.Equal("PENDING", pending.Str("state"));
        Assert.Null(pending["submitted_at"]);
        var id = pending["id"]!.GetValue<long>();
        // One pending review per reviewer.
        await (await r.PostAsJsonAsync($"{v1}/reviews", new { body = "again" })).ErrorAsync((HttpStatusCode)422);

        // Its author sees it and its comments.
        Assert.Equal("PENDING", Assert.Single((await (await r.GetAsync($"{v1}/reviews")).JsonAsync()).AsArray())!.Str("state"));
        Assert.Equal(["first", "third"], (await (await r.GetAsync($"{v1}/reviews/{id}/comments")).JsonAsync()).AsArray().Select(c => c!.Str("body")));
        Assert.Equal(2, (await (await r.GetAsync($"{v1}/comments")).JsonAsync()).AsArray().Count);

        // No one else does, not even the pull request's author, on either surface; asking for it by id is a 404.
        foreach (var other in new[] { a, anonymous })
        {
            Assert.Empty((await (await other.GetAsync($"{v1}/reviews")).JsonAsync()).AsArray());
            Assert.Empty((await (await other.GetAsync($"{v1}/comments")).JsonAsync()).AsArray());
            Assert.Equal(0, (await (await other.GetAsync(v1)).JsonAsync())["review_comments"]!.GetValue<int>());
            await (await other.GetAsync($"{v1}/reviews/{id}")).ErrorAsync(HttpStatusCode.NotFound);
            await (await other.GetAsync($"{v1}/reviews/{id}/comments")).ErrorAsync(HttpStatusCode.NotFound);
        }
        var sigmagit = $"{repo.Pulls}/{v1.Split('/')[^1]}";
        Assert.Empty((await (await a.GetAsync($"{sigmagit}/reviews")).JsonAsync())["reviews"]!.AsArray());
        Assert.Empty((await (await a.GetAsync($"{sigmagit}/review-comments")).JsonAsync())["comments"]!.AsArray());
        // Nor may they submit, delete or reply within it.
        await (await a.PostAsJsonAsync($"{v1}/reviews/{id}/events", new { @event = "COMMENT" })).ErrorAsync(HttpStatusCode.NotFound);
        await (await a.DeleteAsync($"{v1}/reviews/{id}")).ErrorAsync(HttpStatusCode.NotFound);
        var firstComment = (await (await r.GetAsync($"{v1}/reviews/{id}/comments")).JsonAsync()).AsArray()[0]!["id"]!.GetValue<long>();
        await (await a.PostAsJsonAsync($"{v1}/comments", new { body = "reply", in_reply_to = firstComment })).ErrorAsync(HttpStatusCode.NotFound);

        // A review submitted at once by the author meanwhile is announced; the pending one is not, nor notified.
        await (await a.PostAsJsonAsync($"{v1}/reviews", new { @event = "COMMENT", body = "meanwhile" })).JsonAsync();
        await _receiver.WaitForEventAsync("/rev", "pull_request_review", p => p.Str("review.body") == "meanwhile");
        Assert.DoesNotContain(_receiver.On("/rev"), d => d.Json["sender"]?["login"]?.GetValue<string>() == reviewer.Username);
        var inbox = await (await a.GetAsync("/api/notifications")).JsonAsync();
        Assert.DoesNotContain(inbox["notifications"]!.AsArray(), n => n!["actor"]?["username"]?.GetValue<string>() == reviewer.Username);

        // Submitting needs an event; then everyone sees it, with its comments, announced once.
        await (await r.PostAsJsonAsync($"{v1}/reviews/{id}/events", new { body = "Please fix" })).ErrorAsync(HttpStatusCode.BadRequest);
        var submitted = await (await r.PostAsJsonAsync($"{v1}/reviews/{id}/events", new { @event = "REQUEST_CHANGES", body = "Please fix" })).JsonAsync();
        Assert.Equal("CHANGES_REQUESTED", submitted.Str("state"));
        Assert.Equal("Please fix", submitted.Str("body"));
        Assert.NotNull(submitted["submitted_at"]);
        await (await r.PostAsJsonAsync($"{v1}/reviews/{id}/events", new { @event = "APPROVE" })).ErrorAsync((HttpStatusCode)422);
        await (await r.DeleteAsync($"{v1}/reviews/{id}")).ErrorAsync((HttpStatusCode)422);

        var seen = await (await a.GetAsync($"{v1}/reviews/{id}")).JsonAsync();
        Assert.Equal("CHANGES_REQUESTED", seen.Str("state"));
        Assert.Equal(["first", "third"], (await (await anonymous.GetAsync($"{v1}/reviews/{id}/comments")).JsonAsync()).AsArray().Select(c => c!.Str("body")));
        Assert.Equal(2, (await (await a.GetAsync(v1)).JsonAsync())["review_comments"]!.GetValue<int>());
        Assert.Equal(2, (await (await a.GetAsync($"{v1}/reviews")).JsonAsync()).AsArray().Count);

        var hook = await _receiver.WaitForEventAsync("/rev", "pull_request_review", p => p["review"]?["id"]?.GetValue<long>() == id);
        Assert.Equal("submitted", hook.Json.Str("action"));
        Assert.Equal("changes_requested", hook.Json.Str("review.state").ToLowerInvariant());
        await _receiver.WaitForAsync(_ => _receiver.On("/rev").Count(d => d.Headers.GetValueOrDefault("X-GitHub-Event") == "pull_request_review_comment") == 2,
            "both line comments");
        var inboxAfter = await (await a.GetAsync("/api/notifications")).JsonAsync();
        Assert.Contains("requested changes", inboxAfter["notifications"]!.AsArray().Select(n => n!.Str("action")));
        // Once: the review's own delivery is not repeated.
        Assert.Single(_receiver.On("/rev"), d => d.Headers.GetValueOrDefault("X-GitHub-Event") == "pull_request_review" && d.Json["review"]?["id"]?.GetValue<long>() == id);
    }

    [Fact]
    public async Task A_pending_review_can_be_deleted_with_its_comments_and_bad_requests_change_nothing()
    {
        var (repo, v1, reviewer) = await PullAsync();
        using var _r = repo;
        using var r = reviewer.Client();

        // A line that is not in the diff refuses the whole review.
        await (await r.PostAsJsonAsync($"{v1}/reviews", new { comments = new object[] { new { path = "feature.txt", line = 99, body = "nope" } } }))
            .ErrorAsync((HttpStatusCode)422);
        Assert.Empty((await (await r.GetAsync($"{v1}/reviews")).JsonAsync()).AsArray());

        var pending = await (await r.PostAsJsonAsync($"{v1}/reviews", new { comments = new object[] { new { path = "feature.txt", line = 2, body = "second" } } })).JsonAsync();
        var id = pending["id"]!.GetValue<long>();
        // A reply to a pending comment outside the review is refused: it would show a thread whose start no one sees.
        var comment = (await (await r.GetAsync($"{v1}/reviews/{id}/comments")).JsonAsync()).AsArray()[0]!["id"]!.GetValue<long>();
        await (await r.PostAsJsonAsync($"{v1}/comments", new { body = "reply", in_reply_to = comment })).ErrorAsync((HttpStatusCode)422);
        var deleted = await (await r.DeleteAsync($"{v1}/reviews/{id}")).JsonAsync();
        Assert.Equal("PENDING", deleted.Str("state"));
        Assert.Empty((await (await r.GetAsync($"{v1}/reviews")).JsonAsync()).AsArray());
        Assert.Empty((await (await r.GetAsync($"{v1}/comments")).JsonAsync()).AsArray());
        await (await r.GetAsync($"{v1}/reviews/{id}")).ErrorAsync(HttpStatusCode.NotFound);

        // The sigmagit surface still needs an event to review.
        await (await r.PostAsJsonAsync($"{repo.Pulls}/{v1.Split('/')[^1]}/reviews", new { body = "no event" })).ErrorAsync(HttpStatusCode.BadRequest);

        // A pending review with no body and no comments cannot be submitted as a comment, and stays pending.
        var empty = (await (await r.PostAsJsonAsync($"{v1}/reviews", new { })).JsonAsync())["id"]!.GetValue<long>();
        await (await r.PostAsJsonAsync($"{v1}/reviews/{empty}/events", new { @event = "COMMENT" })).ErrorAsync((HttpStatusCode)422);
        Assert.Equal("PENDING", (await (await r.GetAsync($"{v1}/reviews/{empty}")).JsonAsync()).Str("state"));
        var approved = await (await r.PostAsJsonAsync($"{v1}/reviews/{empty}/events", new { @event = "APPROVE" })).JsonAsync();
        Assert.Equal("APPROVED", approved.Str("state"));
    }
}

public sealed class PendingReviewTestsOnSqlite(PullsSqliteServer s) : PendingReviewTests(s), IClassFixture<PullsSqliteServer>;

public sealed class PendingReviewTestsOnPostgres(PullsPostgresServer s) : PendingReviewTests(s), IClassFixture<PullsPostgresServer>;

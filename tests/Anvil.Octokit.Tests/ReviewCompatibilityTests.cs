using Anvil.Server.Tests.Infrastructure;
using Octokit;

namespace Anvil.Octokit.Tests;

/// <summary>Dismissing reviews, replying to review comments, and review comments by diff position, through Octokit.</summary>
public abstract class ReviewCompatibilityTests(AnvilServer server)
{
    private sealed record Pull(TestUser Owner, GitHubClient Github, TestUser Helper, GitHubClient HelperClient, string Repo, int Number, string Head);

    /// <summary>
    /// A private repository whose pull request changes lines 2 and 18 of a 20-line file: two hunks, so positions run
    /// 1–6 in the first, 7 is the second's header, 8–14 its lines (11 the removed line 18, 12 the added one).
    /// </summary>
    private async Task<Pull> PullAsync(string repo)
    {
        var (owner, github) = await OctokitClients.SignUpAsync(server);
        var (helper, helperClient) = await OctokitClients.SignUpAsync(server);
        await github.Repository.Create(new NewRepository(repo) { Private = true });
        await github.Repository.Collaborator.Add(owner.Username, repo, helper.Username, new CollaboratorRequest("push"));
        using var git = new GitClient();
        var work = git.Path(repo);
        var url = GitClient.Url(server, owner.Username, repo, owner.Username, owner.Password);
        var lines = Enumerable.Range(1, 20).Select(i => $"l{i}").ToList();
        await git.OkAsync(null, "init", "-q", "-b", "main", work);
        await git.CommitFileAsync(work, "lines.txt", string.Join("\n", lines) + "\n", "Add lines");
        await git.OkAsync(work, "checkout", "-q", "-b", "feature");
        lines[1] = "L2";
        lines[17] = "L18";
        var head = await git.CommitFileAsync(work, "lines.txt", string.Join("\n", lines) + "\n", "Change two lines");
        await git.OkAsync(work, "push", "-q", url, "main", "feature");
        var pr = await github.PullRequest.Create(owner.Username, repo, new NewPullRequest("Review me", "feature", "main"));
        return new Pull(owner, github, helper, helperClient, repo, pr.Number, head);
    }

    [Fact]
    public async Task A_collaborator_dismisses_an_approval_and_the_events_list_it()
    {
        var p = await PullAsync("dismissed");
        var (_, stranger) = await OctokitClients.SignUpAsync(server);
        var (reader, readerClient) = await OctokitClients.SignUpAsync(server);
        await p.Github.Repository.Collaborator.Add(p.Owner.Username, p.Repo, reader.Username, new CollaboratorRequest("pull"));
        var approval = await p.HelperClient.PullRequest.Review.Create(p.Owner.Username, p.Repo, p.Number,
            new PullRequestReviewCreate { Event = PullRequestReviewEvent.Approve, Body = "Ship it" });
        var dismiss = new PullRequestReviewDismiss { Message = "The branch changed since" };

        await Assert.ThrowsAsync<NotFoundException>(() => stranger.PullRequest.Review.Dismiss(p.Owner.Username, p.Repo, p.Number, approval.Id, dismiss));
        await Assert.ThrowsAsync<ForbiddenException>(() => readerClient.PullRequest.Review.Dismiss(p.Owner.Username, p.Repo, p.Number, approval.Id, dismiss));
        // Someone else's pending review does not exist for the caller; their own cannot be dismissed.
        var othersPending = await readerClient.PullRequest.Review.Create(p.Owner.Username, p.Repo, p.Number, new PullRequestReviewCreate { Body = "draft" });
        Assert.Equal(PullRequestReviewState.Pending, othersPending.State.Value);
        await Assert.ThrowsAsync<NotFoundException>(() => p.Github.PullRequest.Review.Dismiss(p.Owner.Username, p.Repo, p.Number, othersPending.Id, dismiss));
        var ownPending = await p.Github.PullRequest.Review.Create(p.Owner.Username, p.Repo, p.Number, new PullRequestReviewCreate { Body = "mine" });
        await Assert.ThrowsAsync<ApiValidationException>(() => p.Github.PullRequest.Review.Dismiss(p.Owner.Username, p.Repo, p.Number, ownPending.Id, dismiss));

        var dismissed = await p.Github.PullRequest.Review.Dismiss(p.Owner.Username, p.Repo, p.Number, approval.Id, dismiss);
        Assert.Equal(PullRequestReviewState.Dismissed, dismissed.State.Value);
        Assert.Equal(p.Helper.Username, dismissed.User.Login);
        Assert.Equal(PullRequestReviewState.Dismissed, (await p.Github.PullRequest.Review.Get(p.Owner.Username, p.Repo, p.Number, approval.Id)).State.Value);
        await Assert.ThrowsAsync<ApiValidationException>(() => p.Github.PullRequest.Review.Dismiss(p.Owner.Username, p.Repo, p.Number, approval.Id, dismiss));

        var events = await p.Github.Issue.Events.GetAllForIssue(p.Owner.Username, p.Repo, p.Number);
        var evt = Assert.Single(events, e => e.Event.Value == EventInfoState.ReviewDismissed);
        Assert.Equal(p.Owner.Username, evt.Actor.Login);
    }

    [Fact]
    public async Task Review_comments_are_made_by_position_and_replied_to_in_one_thread()
    {
        var p = await PullAsync("positions");
        var comments = p.HelperClient.PullRequest.ReviewComment;

        var added = await comments.Create(p.Owner.Username, p.Repo, p.Number, new PullRequestReviewCommentCreate("why upper case?", p.Head, "lines.txt", 12));
        Assert.Equal(12, added.Position);
        Assert.Equal(12, added.OriginalPosition);
        Assert.Contains("+L18", added.DiffHunk);
        Assert.Null(added.InReplyToId);
        var removed = await comments.Create(p.Owner.Username, p.Repo, p.Number, new PullRequestReviewCommentCreate("was fine", p.Head, "lines.txt", 2));
        Assert.Equal(2, removed.Position);
        Assert.EndsWith("-l2", removed.DiffHunk);
        // A hunk header and a line past the diff are no lines.
        await Assert.ThrowsAsync<ApiValidationException>(() =>
            comments.Create(p.Owner.Username, p.Repo, p.Number, new PullRequestReviewCommentCreate("header", p.Head, "lines.txt", 7)));
        await Assert.ThrowsAsync<ApiValidationException>(() =>
            comments.Create(p.Owner.Username, p.Repo, p.Number, new PullRequestReviewCommentCreate("past", p.Head, "lines.txt", 99)));

        // In a review's comments too.
        var review = await p.HelperClient.PullRequest.Review.Create(p.Owner.Username, p.Repo, p.Number, new PullRequestReviewCreate
        {
            Event = PullRequestReviewEvent.Comment, Body = "two notes", Comments = [new DraftPullRequestReviewComment("first change", "lines.txt", 3)],
        });
        var inReview = Assert.Single(await p.Github.PullRequest.Review.GetAllComments(p.Owner.Username, p.Repo, p.Number, review.Id));
        Assert.Equal(3, inReview.Position);
        Assert.Equal(review.Id, inReview.PullRequestReviewId);

        // Replies: Octokit's in_reply_to and GitHub's replies route; a reply to a reply joins the thread's first comment.
        var reply = await p.Github.PullRequest.ReviewComment.CreateReply(p.Owner.Username, p.Repo, p.Number,
            new PullRequestReviewCommentReplyCreate("to keep it visible", added.Id));
        Assert.Equal(added.Id, reply.InReplyToId);
        Assert.Equal(12, reply.Position);
        Assert.Equal("lines.txt", reply.Path);
        var api = new ApiConnection(p.HelperClient.Connection);
        var again = await api.Post<PullRequestReviewComment>(
            new Uri($"repos/{p.Owner.Username}/{p.Repo}/pulls/{p.Number}/comments/{reply.Id}/replies", UriKind.Relative), new { body = "fair enough" });
        Assert.Equal(added.Id, again.InReplyToId);
        Assert.Equal("fair enough", again.Body);
        Assert.Equal(p.Helper.Username, again.User.Login);
        await Assert.ThrowsAsync<NotFoundException>(() => api.Post<PullRequestReviewComment>(
            new Uri($"repos/{p.Owner.Username}/{p.Repo}/pulls/{p.Number}/comments/999999/replies", UriKind.Relative), new { body = "lost" }));
        await Assert.ThrowsAsync<ApiValidationException>(() => api.Post<PullRequestReviewComment>(
            new Uri($"repos/{p.Owner.Username}/{p.Repo}/pulls/{p.Number}/comments/{added.Id}/replies", UriKind.Relative), new { body = " " }));

        var all = await p.Github.PullRequest.ReviewComment.GetAll(p.Owner.Username, p.Repo, p.Number);
        Assert.Equal([added.Id, added.Id], all.Where(c => c.InReplyToId is not null).Select(c => c.InReplyToId!.Value));
        Assert.Equal(5, all.Count);
    }
}

public sealed class ReviewCompatibilityOnSqlite(OctokitSqliteServer s) : ReviewCompatibilityTests(s), IClassFixture<OctokitSqliteServer>;

public sealed class ReviewCompatibilityOnPostgres(OctokitPostgresServer s) : ReviewCompatibilityTests(s), IClassFixture<OctokitPostgresServer>;

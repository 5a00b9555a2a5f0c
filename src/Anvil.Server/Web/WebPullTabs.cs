using Anvil.Server.Repositories;
using Anvil.Server.Auth;
using Anvil.Server.PullRequests;
using Anvil.Web.Ports;

namespace Anvil.Server.Web;

/// <summary>The Files changed and Commits tabs of a pull request, and reviewing it, over the pull request services.</summary>
public sealed class WebPullTabs(PullRequestService pulls, WebPullRequestLoads loads, PullRequestReviews reviews, RepositoryAccess access, Caller caller) : IWebPullTabs
{
    // Line comments shown beside a diff; a longer discussion pages through the API.
    private const int MaxLineComments = 500;

    public async Task<PullFilesView> FilesAsync(string owner, string repo, int number, CancellationToken ct)
    {
        var pr = await loads.GetAsync(owner, repo, number, ct);
        var diff = await pulls.DiffAsync(pr, ct);
        var (_, comments, _) = await reviews.ListReviewCommentsAsync(pr, 0, MaxLineComments, ct);
        var pending = await reviews.PendingReviewAsync(pr, ct);
        var lines = comments.Items.Select(c => new LineCommentView(c.Id, c.Author.Username, c.Path, c.Line, c.Side, c.Body, c.CreatedAt, c.InReplyToId,
            pending is { } p && c.ReviewId == p.Review.Id)).ToList();
        var viewer = caller.User;
        return new PullFilesView(diff.Diff, pr.PullRequest.HeadOid, lines, viewer is not null, viewer is not null && viewer.Id == pr.Details.Issue.AuthorId,
            pending is { } mine ? new PendingReviewView(mine.Review.Id, mine.Comments) : null);
    }

    public async Task<PullCommitsView> CommitsAsync(string owner, string repo, int number, CancellationToken ct)
    {
        var commits = await pulls.CommitsAsync(await loads.GetAsync(owner, repo, number, ct), 0, PullRequestRules.MaxCommits, ct);
        var authors = commits.Commits.Select(c => (c.Oid, User: commits.Users.For(c.Author)?.Username)).Where(a => a.User is not null)
            .ToDictionary(a => a.Oid, a => a.User!);
        return new PullCommitsView(commits.Commits, authors, commits.HasMore);
    }

    public Task<FormResult> ReviewAsync(string owner, string repo, int number, string? verdict, string? body, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () =>
        {
            if (await reviews.PendingReviewAsync(await access.ReadAsync(owner, repo, ct), number, ct) is { } pending)
            {
                await reviews.SubmitReviewAsync(await access.ReadAsync(owner, repo, ct), number, pending.Review.Id, verdict ?? "comment", string.IsNullOrWhiteSpace(body) ? null : body, ct);
                return;
            }
            await reviews.ReviewAsync(await access.ReadAsync(owner, repo, ct), number, verdict ?? "comment", body, null, null, ct);
        });

    public Task<FormResult> CommentOnLineAsync(string owner, string repo, int number, LineCommentForm form, CancellationToken ct)
    {
        var side = form.Side?.ToUpperInvariant() switch { "L" or "LEFT" => "LEFT", _ => "RIGHT" };
        var comment = new NewReviewComment(form.Body, form.Path, form.Line, side, null, form.InReplyTo);
        return FormRefusals.AttemptAsync(async () =>
        {
            var grant = await access.ReadAsync(owner, repo, ct);
            await (form.ToReview ? reviews.AddPendingCommentAsync(grant, number, comment, ct) : reviews.AddReviewCommentAsync(grant, number, comment, ct));
        });
    }

    public Task<FormResult> DiscardReviewAsync(string owner, string repo, int number, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () =>
        {
            if (await reviews.PendingReviewAsync(await access.ReadAsync(owner, repo, ct), number, ct) is { } pending)
            {
                await reviews.DeletePendingReviewAsync(await access.ReadAsync(owner, repo, ct), number, pending.Review.Id, ct);
            }
        });
}

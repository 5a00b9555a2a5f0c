using Anvil.Server.Infrastructure;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.PullRequests;

/// <summary>Dismissing a review: a writer sets an approval or a request for changes aside, saying why (GitHub's dismissal).</summary>
public sealed partial class PullRequestReviews
{
    /// <summary>The one value GitHub's dismissal takes as its <c>event</c>.</summary>
    public const string DismissEvent = "DISMISS";

    /// <summary>
    /// Dismisses a submitted approval or request for changes: its state becomes <see cref="ReviewStates.Dismissed"/>, the
    /// conversation records who dismissed it and why, and hooks hear <c>pull_request_review</c> <c>dismissed</c>.
    /// </summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReview Review, string Association)> DismissReviewAsync(RepositoryGrant grant, int number,
        long reviewId, string? message, string? dismissEvent, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var pr = await pulls.GetAsync(grant, number, ct);
        await access.RequireAsync(pr.Repository, RepositoryPermission.Write, ct);
        RepositoryAccess.RequireNotArchived(pr.Repository);
        var review = await VisibleReviews(pr).Include(r => r.Author).FirstOrDefaultAsync(r => r.Id == reviewId, ct)
            ?? throw AnvilException.NotFound("review not found");
        if (dismissEvent is not null && !string.Equals(dismissEvent, DismissEvent, StringComparison.OrdinalIgnoreCase))
        {
            throw AnvilException.Invalid("PullRequestReview", "event", "event must be DISMISS");
        }
        var text = IssueRules.ValidBody(message);
        if (text.Trim().Length == 0)
        {
            throw AnvilException.Invalid("PullRequestReview", "message", "message is required: say why the review is dismissed");
        }
        var previous = review.State;
        if (previous is not (ReviewStates.Approved or ReviewStates.ChangesRequested))
        {
            throw AnvilException.Invalid(previous switch
            {
                ReviewStates.Pending => "Can not dismiss a pending pull request review",
                ReviewStates.Dismissed => "this review has already been dismissed",
                _ => "Can not dismiss a commented pull request review",
            });
        }
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Conditional, so two dismissals racing record (and announce) one.
            var dismissed = await db.PullRequestReviews.Where(r => r.Id == review.Id && r.State == previous)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ReviewStates.Dismissed), ct);
            if (dismissed == 0)
            {
                throw AnvilException.Invalid("this review has already been dismissed");
            }
            review.State = ReviewStates.Dismissed;
            await events.PublishAsync(new PullRequestReviewDismissed(pr.Repository, pr.PullRequest, review, user, previous, text), ct);
            await events.CommitAsync(tx, ct);
        }
        return (pr, review, await AssociationAsync(pr.Repository, review.AuthorId, ct));
    }
}

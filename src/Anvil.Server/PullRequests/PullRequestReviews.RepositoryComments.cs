using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.PullRequests;

/// <summary>The line comments of all of a repository's pull requests at once (GitHub's <c>GET …/pulls/comments</c>).</summary>
public sealed partial class PullRequestReviews
{
    /// <summary>
    /// Every line comment the caller sees on the repository's pull requests (GitHub's <c>GET …/pulls/comments</c>), each with
    /// its pull request's number: oldest first, or by <paramref name="sort"/> (created, updated) in the direction asked;
    /// <paramref name="since"/> keeps those updated at or after it. Pending reviews' comments only for their authors, as on a pull request.
    /// </summary>
    public async Task<(Page<(PullRequestReviewComment Comment, int Number)> Comments, IReadOnlyDictionary<long, string> Associations)> ListRepositoryReviewCommentsAsync(
        RepositoryGrant grant, string? sort, bool? ascending, DateTimeOffset? since, int offset, int limit, CancellationToken ct)
    {
        var repo = grant.Repository;
        var me = caller.User?.Id;
        var query = db.PullRequestReviewComments.AsNoTracking().Include(c => c.Author)
            .Where(c => db.PullRequests.Any(p => p.Id == c.PullRequestId && p.RepositoryId == repo.Id)
                && (c.ReviewId == null || db.PullRequestReviews.Any(r => r.Id == c.ReviewId && (r.State != ReviewStates.Pending || r.AuthorId == me))));
        query = query.SinceAndSorted(sort, ascending, since);
        var page = await query.ToPageAsync(offset, limit, ct);
        var prIds = page.Items.Select(c => c.PullRequestId).Distinct().ToList();
        var numbers = await db.PullRequests.AsNoTracking().Where(p => prIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Issue.Number }).ToDictionaryAsync(p => p.Id, p => p.Number, ct);
        var associations = await issues.AssociationsAsync(repo, page.Items.Select(c => c.AuthorId), ct);
        return (page.With(page.Items.Select(c => (c, numbers[c.PullRequestId])).ToList()), associations);
    }
}

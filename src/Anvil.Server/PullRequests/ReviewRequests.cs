using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.PullRequests;

/// <summary>
/// Requested reviewers of a pull request (GitHub's <c>…/requested_reviewers</c>): writers ask users who may read the
/// repository; a review by one of them answers (and clears) their request, in <see cref="PullRequestReviews"/>.
/// </summary>
public sealed class ReviewRequests(AnvilDbContext db, Caller caller, RepositoryAccess access, PullRequestService pulls, TimeProvider clock)
{
    /// <summary>GitHub's limit of users asked at once.</summary>
    public const int MaxReviewers = 15;

    public async Task<(PullRequestDetails PullRequest, List<User> Users)> ListAsync(RepositoryGrant grant, int number, CancellationToken ct)
    {
        var pr = await pulls.GetAsync(grant, number, ct);
        return (pr, pr.RequestedReviewers.ToList());
    }

    public async Task<PullRequestDetails> RequestAsync(RepositoryGrant grant, int number, IReadOnlyList<string?> usernames, CancellationToken ct)
    {
        var (pr, named) = await ChangeAsync(grant, number, usernames, ct);
        if (named.FirstOrDefault(u => u.Id == pr.Issue.AuthorId) is not null)
        {
            throw AnvilException.Invalid("PullRequest", "reviewers", "Review cannot be requested from pull request author.");
        }
        var readers = (await access.ReadersAmongAsync(pr.Repository, named.Select(u => u.Id).ToList(), ct)).ToHashSet();
        if (named.FirstOrDefault(u => !readers.Contains(u.Id)) is { } outsider)
        {
            throw AnvilException.Invalid("PullRequest", "reviewers", $"'{outsider.Username}' cannot review: they may not read this repository");
        }
        var already = await db.ReviewRequests.Where(r => r.PullRequestId == pr.PullRequest.Id).Select(r => r.UserId).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        db.ReviewRequests.AddRange(named.Where(u => !already.Contains(u.Id))
            .Select(u => new ReviewRequest { PullRequestId = pr.PullRequest.Id, UserId = u.Id, CreatedAt = now }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same request made at the same time: it is there, which is what was asked.
            db.ChangeTracker.Clear();
        }
        return await pulls.GetAsync(grant, number, ct);
    }

    public async Task<PullRequestDetails> RemoveAsync(RepositoryGrant grant, int number, IReadOnlyList<string?> usernames, CancellationToken ct)
    {
        var (pr, named) = await ChangeAsync(grant, number, usernames, ct);
        var ids = named.Select(u => u.Id).ToList();
        await db.ReviewRequests.Where(r => r.PullRequestId == pr.PullRequest.Id && ids.Contains(r.UserId)).ExecuteDeleteAsync(ct);
        return await pulls.GetAsync(grant, number, ct);
    }

    /// <summary>The pull request, if the caller may triage it, and the users named (each must exist).</summary>
    private async Task<(PullRequestDetails PullRequest, List<User> Users)> ChangeAsync(RepositoryGrant grant, int number,
        IReadOnlyList<string?> usernames, CancellationToken ct)
    {
        caller.RequireUser();
        var pr = await pulls.GetAsync(grant, number, ct);
        await access.RequireAsync(pr.Repository, RepositoryPermission.Write, ct);
        var wanted = usernames.Select(n => n?.Trim() ?? "").ToList();
        if (wanted.Any(n => n.Length == 0 || n.Length > 39))
        {
            throw AnvilException.Invalid("PullRequest", "reviewers", "reviewers must be usernames");
        }
        var normalized = wanted.Select(NameRules.Normalize).Distinct().ToList();
        if (normalized.Count > MaxReviewers)
        {
            throw AnvilException.Invalid("PullRequest", "reviewers", $"at most {MaxReviewers} reviewers can be requested at once");
        }
        var users = await db.Users.AsNoTracking().Where(u => normalized.Contains(u.NormalizedUsername)).ToListAsync(ct);
        if (normalized.FirstOrDefault(n => users.All(u => u.NormalizedUsername != n)) is { } missing)
        {
            throw AnvilException.Invalid("PullRequest", "reviewers", $"'{wanted.First(w => NameRules.Normalize(w) == missing)}' is not a user");
        }
        return (pr, users);
    }
}

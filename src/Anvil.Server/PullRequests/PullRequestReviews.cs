using Anvil.Git.Reading;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.PullRequests;

/// <summary>Reviews (approve, request changes, comment) and comments on lines of a pull request's diff.</summary>
public sealed partial class PullRequestReviews(AnvilDbContext db, Caller caller, RepositoryAccess access, DomainEvents events, PullRequestService pulls,
    IssueService issues, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<(PullRequestDetails PullRequest, Page<PullRequestReview> Reviews, IReadOnlyDictionary<long, string> Associations)> ListReviewsAsync(RepositoryGrant grant, int number,
        int offset, int limit, CancellationToken ct) =>
        await ListReviewsAsync(await pulls.GetAsync(grant, number, ct), offset, limit, ct);

    /// <summary>The reviews of a pull request the caller has read with <see cref="PullRequestService.GetAsync"/> (which checked access).</summary>
    public async Task<(PullRequestDetails PullRequest, Page<PullRequestReview> Reviews, IReadOnlyDictionary<long, string> Associations)> ListReviewsAsync(
        PullRequestDetails pr, int offset, int limit, CancellationToken ct)
    {
        var page = await VisibleReviews(pr).Include(r => r.Author).OrderBy(r => r.Id).ToPageAsync(offset, limit, ct);
        return (pr, page, await issues.AssociationsAsync(pr.Repository, page.Items.Select(r => r.AuthorId), ct));
    }


    /// <summary>Submits a review: approve, request changes or comment, with optional line comments.</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReview Review, string Association)> ReviewAsync(RepositoryGrant grant, int number, string? reviewEvent,
        string? body, string? commitOid, IReadOnlyList<NewReviewComment>? comments, CancellationToken ct)
    {
        var (user, pr) = await RequireMayReviewAsync(grant, number, "review", ct);
        var state = SubmittedState(reviewEvent);
        var text = IssueRules.ValidBody(body);
        RequireVerdictAllowed(pr, user, state, text, comments?.Count ?? 0);
        var commit = ValidCommit(commitOid, pr);
        var lineComments = await NewLineCommentsAsync(pr, user, commit, comments, ct);
        var review = new PullRequestReview { PullRequestId = pr.PullRequest.Id, AuthorId = user.Id, State = state, Body = text, CommitOid = commit, SubmittedAt = Now };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await AddWithCommentsAsync(review, lineComments, ct);
            await PublishSubmittedAsync(pr, review, lineComments, user, ct);
            await events.CommitAsync(tx, ct);
        }
        return (pr, review, await AssociationAsync(pr.Repository, user.Id, ct));
    }

    /// <summary>
    /// Starts the caller's pending review (GitHub's review created without an event): it and its comments are seen by no one
    /// else, and tell no one, until <see cref="SubmitReviewAsync"/>. One pending review per reviewer and pull request.
    /// </summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReview Review, string Association)> StartReviewAsync(RepositoryGrant grant, int number,
        string? body, string? commitOid, IReadOnlyList<NewReviewComment>? comments, CancellationToken ct)
    {
        var (user, pr) = await RequireMayReviewAsync(grant, number, "review", ct);
        var text = IssueRules.ValidBody(body);
        var commit = ValidCommit(commitOid, pr);
        var lineComments = await NewLineCommentsAsync(pr, user, commit, comments, ct);
        var review = new PullRequestReview
        {
            PullRequestId = pr.PullRequest.Id, AuthorId = user.Id, State = ReviewStates.Pending, Body = text, CommitOid = commit, SubmittedAt = Now,
        };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (await PendingOfAsync(pr, user.Id, ct) is not null)
            {
                throw AnvilException.Invalid("you already have a pending review on this pull request; submit or delete it first");
            }
            await AddWithCommentsAsync(review, lineComments, ct);
            await tx.CommitAsync(ct);
        }
        review.Author = user;
        return (pr, review, await AssociationAsync(pr.Repository, user.Id, ct));
    }

    /// <summary>The caller's pending review on the pull request and how many comments it holds, if they have one.</summary>
    public async Task<(PullRequestReview Review, int Comments)?> PendingReviewAsync(RepositoryGrant grant, int number, CancellationToken ct) =>
        await PendingReviewAsync(await pulls.GetAsync(grant, number, ct), ct);

    /// <summary><see cref="PendingReviewAsync(string, string, int, CancellationToken)"/> of a pull request already read (and so readable).</summary>
    public async Task<(PullRequestReview Review, int Comments)?> PendingReviewAsync(PullRequestDetails pr, CancellationToken ct)
    {
        if (caller.User is not { } user || await PendingOfAsync(pr, user.Id, ct) is not { } review)
        {
            return null;
        }
        return (review, await db.PullRequestReviewComments.CountAsync(c => c.ReviewId == review.Id, ct));
    }

    /// <summary>A line comment (or a reply) added to the caller's pending review, which is started if they have none.</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReviewComment Comment, string Association)> AddPendingCommentAsync(RepositoryGrant grant,
        int number, NewReviewComment req, CancellationToken ct)
    {
        var (user, pr) = await RequireMayReviewAsync(grant, number, "review", ct);
        var comment = await NewCommentAsync(pr, user, req, ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var review = await PendingOfAsync(pr, user.Id, ct);
            if (review is null)
            {
                review = new PullRequestReview
                {
                    PullRequestId = pr.PullRequest.Id, AuthorId = user.Id, State = ReviewStates.Pending, CommitOid = pr.PullRequest.HeadOid, SubmittedAt = Now,
                };
                db.PullRequestReviews.Add(review);
                await db.SaveChangesAsync(ct);
            }
            comment.ReviewId = review.Id;
            db.PullRequestReviewComments.Add(comment);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        comment.Author = user;
        return (pr, comment, await AssociationAsync(pr.Repository, user.Id, ct));
    }

    /// <summary>
    /// Submits the caller's pending review as comment, approval or request for changes: from now on everyone sees it and its
    /// comments, and it is announced (events, notifications, webhooks) once, as a review submitted at once is.
    /// </summary>
    /// <param name="body">Replaces the review's body when given.</param>
    public async Task<(PullRequestDetails PullRequest, PullRequestReview Review, string Association)> SubmitReviewAsync(RepositoryGrant grant, int number,
        long reviewId, string? reviewEvent, string? body, CancellationToken ct)
    {
        var (user, pr) = await RequireMayReviewAsync(grant, number, "review", ct);
        var review = await OwnPendingAsync(pr, user, reviewId, ct);
        var state = SubmittedState(reviewEvent);
        var text = body is null ? review.Body : IssueRules.ValidBody(body);
        var comments = await db.PullRequestReviewComments.Where(c => c.ReviewId == review.Id).OrderBy(c => c.Id).ToListAsync(ct);
        RequireVerdictAllowed(pr, user, state, text, comments.Count);
        var now = Now;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Conditional, so two submissions racing announce the review once.
            var submitted = await db.PullRequestReviews.Where(r => r.Id == review.Id && r.State == ReviewStates.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, state).SetProperty(r => r.Body, text).SetProperty(r => r.SubmittedAt, now), ct);
            if (submitted == 0)
            {
                throw AnvilException.Invalid("this review has already been submitted");
            }
            (review.State, review.Body, review.SubmittedAt) = (state, text, now);
            await PublishSubmittedAsync(pr, review, comments, user, ct);
            await events.CommitAsync(tx, ct);
        }
        return (pr, review, await AssociationAsync(pr.Repository, user.Id, ct));
    }

    /// <summary>Deletes the caller's pending review and its comments (a submitted review stays).</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReview Review, string Association)> DeletePendingReviewAsync(RepositoryGrant grant, int number,
        long reviewId, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var pr = await pulls.GetAsync(grant, number, ct);
        var review = await OwnPendingAsync(pr, user, reviewId, ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.PullRequestReviewComments.Where(c => c.ReviewId == review.Id).ExecuteDeleteAsync(ct);
            await db.PullRequestReviews.Where(r => r.Id == review.Id && r.State == ReviewStates.Pending).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
        }
        return (pr, review, await AssociationAsync(pr.Repository, user.Id, ct));
    }

    /// <summary>One review, as the caller may see it: another reviewer's pending review does not exist for them.</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReview Review, string Association)> GetReviewAsync(RepositoryGrant grant, int number,
        long reviewId, CancellationToken ct)
    {
        var pr = await pulls.GetAsync(grant, number, ct);
        var review = await VisibleReviews(pr).Include(r => r.Author).FirstOrDefaultAsync(r => r.Id == reviewId, ct)
            ?? throw AnvilException.NotFound("review not found");
        return (pr, review, await AssociationAsync(pr.Repository, review.AuthorId, ct));
    }

    /// <summary>The line comments of one review (<see cref="GetReviewAsync"/>'s visibility).</summary>
    public async Task<(PullRequestDetails PullRequest, Page<PullRequestReviewComment> Comments, IReadOnlyDictionary<long, string> Associations)> ListCommentsOfReviewAsync(
        RepositoryGrant grant, int number, long reviewId, int offset, int limit, CancellationToken ct)
    {
        var (pr, review, _) = await GetReviewAsync(grant, number, reviewId, ct);
        var page = await db.PullRequestReviewComments.Include(c => c.Author).Where(c => c.ReviewId == review.Id).OrderBy(c => c.Id).ToPageAsync(offset, limit, ct);
        return (pr, page, await issues.AssociationsAsync(pr.Repository, page.Items.Select(c => c.AuthorId), ct));
    }

    public async Task<(PullRequestDetails PullRequest, Page<PullRequestReviewComment> Comments, IReadOnlyDictionary<long, string> Associations)> ListReviewCommentsAsync(RepositoryGrant grant,
        int number, int offset, int limit, CancellationToken ct) =>
        await ListReviewCommentsAsync(await pulls.GetAsync(grant, number, ct), offset, limit, ct);

    /// <summary>The line comments of a pull request the caller has read with <see cref="PullRequestService.GetAsync"/> (which checked access).</summary>
    public async Task<(PullRequestDetails PullRequest, Page<PullRequestReviewComment> Comments, IReadOnlyDictionary<long, string> Associations)> ListReviewCommentsAsync(
        PullRequestDetails pr, int offset, int limit, CancellationToken ct)
    {
        var page = await VisibleComments(pr).Include(c => c.Author).OrderBy(c => c.Id).ToPageAsync(offset, limit, ct);
        return (pr, page, await issues.AssociationsAsync(pr.Repository, page.Items.Select(c => c.AuthorId), ct));
    }

    /// <summary>A comment on one line of the diff (or a reply to one), outside any review.</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReviewComment Comment, string Association)> AddReviewCommentAsync(RepositoryGrant grant, int number,
        NewReviewComment req, CancellationToken ct)
    {
        var (user, pr) = await RequireMayReviewAsync(grant, number, "comment", ct);
        var comment = await NewCommentAsync(pr, user, req, ct);
        if (comment.ReviewId is not null)
        {
            throw AnvilException.Invalid("the comment replied to is in your pending review: reply within the review, or submit it first");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.PullRequestReviewComments.Add(comment);
        await db.SaveChangesAsync(ct);
        comment.Author = user;
        await events.PublishAsync(new PullRequestReviewCommented(pr.Repository, pr.PullRequest, comment, user), ct);
        await events.CommitAsync(tx, ct);
        return (pr, comment, await AssociationAsync(pr.Repository, user.Id, ct));
    }

    /// <summary>Reviews the caller sees: the submitted ones, and their own pending one.</summary>
    private IQueryable<PullRequestReview> VisibleReviews(PullRequestDetails pr)
    {
        var me = caller.User?.Id;
        return db.PullRequestReviews.Where(r => r.PullRequestId == pr.PullRequest.Id && (r.State != ReviewStates.Pending || r.AuthorId == me));
    }

    /// <summary>Line comments the caller sees: those outside reviews and those of the reviews they see.</summary>
    private IQueryable<PullRequestReviewComment> VisibleComments(PullRequestDetails pr)
    {
        var me = caller.User?.Id;
        return db.PullRequestReviewComments.Where(c => c.PullRequestId == pr.PullRequest.Id
            && (c.ReviewId == null || db.PullRequestReviews.Any(r => r.Id == c.ReviewId && (r.State != ReviewStates.Pending || r.AuthorId == me))));
    }

    private Task<PullRequestReview?> PendingOfAsync(PullRequestDetails pr, long userId, CancellationToken ct) =>
        db.PullRequestReviews.FirstOrDefaultAsync(r => r.PullRequestId == pr.PullRequest.Id && r.AuthorId == userId && r.State == ReviewStates.Pending, ct);

    /// <summary>The caller's own pending review by id; anyone else's is not found (it is not theirs to see), a submitted one is not pending.</summary>
    private async Task<PullRequestReview> OwnPendingAsync(PullRequestDetails pr, User user, long reviewId, CancellationToken ct)
    {
        var review = await VisibleReviews(pr).FirstOrDefaultAsync(r => r.Id == reviewId, ct) ?? throw AnvilException.NotFound("review not found");
        if (review.AuthorId != user.Id)
        {
            throw AnvilException.Forbidden("only its author may submit or delete a review");
        }
        review.Author = user;
        return review.IsPending ? review : throw AnvilException.Invalid("this review has already been submitted");
    }

    /// <summary>The signed-in caller, who may review or comment on this pull request (not archived; a locked one only for collaborators).</summary>
    private async Task<(User User, PullRequestDetails PullRequest)> RequireMayReviewAsync(RepositoryGrant grant, int number, string what, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var pr = await pulls.GetAsync(grant, number, ct);
        RepositoryAccess.RequireNotArchived(pr.Repository);
        if (pr.Issue.Locked && !(await access.PermissionAsync(pr.Repository, ct) >= RepositoryPermission.Write))
        {
            throw AnvilException.Forbidden($"this pull request is locked; only collaborators may {what}");
        }
        return (user, pr);
    }

    private static string SubmittedState(string? reviewEvent) => reviewEvent?.ToUpperInvariant() switch
    {
        "APPROVE" or "APPROVED" => ReviewStates.Approved,
        "REQUEST_CHANGES" or "CHANGES_REQUESTED" => ReviewStates.ChangesRequested,
        "COMMENT" or "COMMENTED" => ReviewStates.Commented,
        null or "" => throw AnvilException.BadRequest("event is required (APPROVE, REQUEST_CHANGES or COMMENT)"),
        _ => throw AnvilException.Invalid("event must be one of APPROVE, REQUEST_CHANGES, COMMENT"),
    };

    private static void RequireVerdictAllowed(PullRequestDetails pr, User user, string state, string body, int comments)
    {
        if (state != ReviewStates.Approved && body.Trim().Length == 0 && comments == 0)
        {
            throw AnvilException.Invalid("a review that comments or requests changes needs a body");
        }
        if (state != ReviewStates.Commented && pr.Issue.AuthorId == user.Id)
        {
            throw AnvilException.Invalid("you cannot approve or request changes on your own pull request");
        }
    }

    private async Task<List<PullRequestReviewComment>> NewLineCommentsAsync(PullRequestDetails pr, User user, string commit, IReadOnlyList<NewReviewComment>? comments,
        CancellationToken ct)
    {
        var lineComments = new List<PullRequestReviewComment>();
        if (comments is { Count: > 0 })
        {
            var diff = await pulls.DiffAsync(pr, ct);
            foreach (var c in comments)
            {
                lineComments.Add(await NewLineCommentAsync(pr, diff, user, c with { CommitOid = commit }, ct));
            }
        }
        return lineComments;
    }

    private async Task AddWithCommentsAsync(PullRequestReview review, List<PullRequestReviewComment> comments, CancellationToken ct)
    {
        db.PullRequestReviews.Add(review);
        await db.SaveChangesAsync(ct);
        foreach (var c in comments)
        {
            c.ReviewId = review.Id;
            db.PullRequestReviewComments.Add(c);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Announces a submitted review and its line comments, the one way for a review submitted at once or a pending one submitted.</summary>
    private async Task PublishSubmittedAsync(PullRequestDetails pr, PullRequestReview review, List<PullRequestReviewComment> comments, User user, CancellationToken ct)
    {
        // Reviewing answers a request to review, as on GitHub.
        await db.ReviewRequests.Where(r => r.PullRequestId == pr.PullRequest.Id && r.UserId == user.Id).ExecuteDeleteAsync(ct);
        review.Author = user;
        await events.PublishAsync(new PullRequestReviewSubmitted(pr.Repository, pr.PullRequest, review, user), ct);
        foreach (var c in comments)
        {
            c.Author = user;
            await events.PublishAsync(new PullRequestReviewCommented(pr.Repository, pr.PullRequest, c, user), ct);
        }
    }

    /// <summary>
    /// A new comment on a line of the head's diff, or a reply to a comment the caller sees (same line, same thread). A reply to
    /// a comment of the caller's pending review carries that review's id.
    /// </summary>
    private async Task<PullRequestReviewComment> NewCommentAsync(PullRequestDetails pr, User user, NewReviewComment req, CancellationToken ct)
    {
        if (req.InReplyTo is not { } parentId)
        {
            var diff = await pulls.DiffAsync(pr, ct);
            return await NewLineCommentAsync(pr, diff, user, req with { CommitOid = ValidCommit(req.CommitOid, pr) }, ct);
        }
        var parent = await VisibleComments(pr).FirstOrDefaultAsync(c => c.Id == parentId, ct)
            ?? throw AnvilException.NotFound("the comment replied to does not exist");
        return new PullRequestReviewComment
        {
            PullRequestId = pr.PullRequest.Id,
            ReviewId = parent.ReviewId is { } pending && await db.PullRequestReviews.AnyAsync(r => r.Id == pending && r.State == ReviewStates.Pending, ct) ? pending : null,
            AuthorId = user.Id,
            Body = IssueRules.ValidBody(req.Body, required: true),
            Path = parent.Path,
            Line = parent.Line,
            Side = parent.Side,
            CommitOid = parent.CommitOid,
            DiffHunk = parent.DiffHunk,
            Position = parent.Position,
            InReplyToId = parent.InReplyToId ?? parent.Id,
            CreatedAt = Now,
            UpdatedAt = Now,
        };
    }

    /// <summary>The commit a review is about: the head unless another is named, which must be the head too (older heads are not kept).</summary>
    private static string ValidCommit(string? commitOid, PullRequestDetails pr)
    {
        if (string.IsNullOrEmpty(commitOid))
        {
            return pr.PullRequest.HeadOid;
        }
        var oid = commitOid.ToLowerInvariant();
        return oid == pr.PullRequest.HeadOid ? oid : throw AnvilException.Invalid("commit_id must be the pull request's head commit");
    }

    /// <summary>Validates that the line is in the diff on that side and captures its hunk.</summary>
    private Task<PullRequestReviewComment> NewLineCommentAsync(PullRequestDetails pr, PullRequestDiff diff, User user, NewReviewComment req, CancellationToken ct)
    {
        var body = IssueRules.ValidBody(req.Body, required: true);
        if (string.IsNullOrEmpty(req.Path))
        {
            throw AnvilException.BadRequest("path is required");
        }
        if (req.Line is null && req.Position is null)
        {
            throw AnvilException.BadRequest("line (or position) is required");
        }
        var file = diff.Diff.Files.FirstOrDefault(f => f.Path == req.Path)
            ?? throw AnvilException.Invalid($"path '{req.Path}' is not part of this pull request's diff");
        var (side, line) = req.Line is { } given
            ? ((req.Side ?? DiffPositions.Right).ToUpperInvariant() switch
            {
                DiffPositions.Right => DiffPositions.Right,
                DiffPositions.Left => DiffPositions.Left,
                _ => throw AnvilException.Invalid("side must be LEFT or RIGHT"),
            }, given)
            : DiffPositions.LineAt(file, req.Position!.Value)
                ?? throw AnvilException.Invalid("PullRequestReviewComment", "position", $"position {req.Position} is not a line of the diff of '{req.Path}'");
        foreach (var hunk in file.Hunks)
        {
            var index = hunk.Lines.ToList().FindIndex(l => (side == "RIGHT" ? l.NewLineNumber : l.OldLineNumber) == line
                && (side == "RIGHT" ? l.Type != DiffLineType.Deletion : l.Type != DiffLineType.Addition));
            if (index < 0)
            {
                continue;
            }
            var hunkText = hunk.Header + "\n" + string.Join("\n", hunk.Lines.Take(index + 1).Select(l =>
                (l.Type switch { DiffLineType.Addition => '+', DiffLineType.Deletion => '-', _ => ' ' }) + l.Content));
            return Task.FromResult(new PullRequestReviewComment
            {
                PullRequestId = pr.PullRequest.Id,
                AuthorId = user.Id,
                Body = body,
                Path = file.Path,
                Line = line,
                Side = side,
                CommitOid = req.CommitOid ?? pr.PullRequest.HeadOid,
                DiffHunk = hunkText,
                Position = DiffPositions.PositionOf(file, side, line),
                CreatedAt = Now,
                UpdatedAt = Now,
            });
        }
        throw AnvilException.Invalid($"line {line} of '{req.Path}' is not part of the diff on the {side} side");
    }

    /// <summary>A review comment of this repository by id, with its pull request (GitHub's <c>…/pulls/comments/{id}</c>).</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReviewComment Comment, string Association)> GetReviewCommentAsync(RepositoryGrant grant,
        long id, CancellationToken ct)
    {
        var repo = grant.Repository;
        var comment = await db.PullRequestReviewComments.Include(c => c.Author)
            .FirstOrDefaultAsync(c => c.Id == id && db.PullRequests.Any(p => p.Id == c.PullRequestId && p.RepositoryId == repo.Id), ct)
            ?? throw AnvilException.NotFound("review comment not found");
        var number = await db.PullRequests.Where(p => p.Id == comment.PullRequestId).Select(p => p.Issue.Number).FirstAsync(ct);
        return (await pulls.GetAsync(grant, number, ct), comment, await AssociationAsync(repo, comment.AuthorId, ct));
    }

    /// <summary>Edits a review comment: its author (not on a locked pull request) or a writer, as for issue comments.</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReviewComment Comment, string Association)> UpdateReviewCommentAsync(RepositoryGrant grant,
        long id, string? body, CancellationToken ct)
    {
        var found = await ModeratedAsync(grant, id, ct);
        var text = IssueRules.ValidBody(body, required: true);
        if (text != found.Comment.Body)
        {
            found.Comment.Body = text;
            found.Comment.UpdatedAt = Now;
            await db.SaveChangesAsync(ct);
        }
        return found;
    }

    public async Task DeleteReviewCommentAsync(RepositoryGrant grant, long id, CancellationToken ct)
    {
        var found = await ModeratedAsync(grant, id, ct);
        db.PullRequestReviewComments.Remove(found.Comment);
        await db.SaveChangesAsync(ct);
    }

    private async Task<(PullRequestDetails PullRequest, PullRequestReviewComment Comment, string Association)> ModeratedAsync(RepositoryGrant grant,
        long id, CancellationToken ct)
    {
        var user = caller.RequireUser();
        grant.RequireContribute();
        var found = await GetReviewCommentAsync(grant, id, ct);
        if (!IssueRules.MayModerate(grant, found.PullRequest.Issue, found.Comment.AuthorId, user))
        {
            throw AnvilException.Forbidden(found.Comment.AuthorId != user.Id
                ? "only the comment's author or a collaborator may change this comment"
                : "this pull request is locked");
        }
        return found;
    }

    /// <summary>One user's <c>author_association</c> with the repository (<see cref="IssueService.AssociationsAsync"/>).</summary>
    public async Task<string> AssociationAsync(Repository repo, long userId, CancellationToken ct) =>
        (await issues.AssociationsAsync(repo, [userId], ct))[userId];
}

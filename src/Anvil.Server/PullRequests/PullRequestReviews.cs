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
public sealed class PullRequestReviews(AnvilDbContext db, Caller caller, RepositoryAccess access, DomainEvents events, PullRequestService pulls,
    IssueService issues, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<(PullRequestDetails PullRequest, Page<PullRequestReview> Reviews, IReadOnlyDictionary<long, string> Associations)> ListReviewsAsync(string owner, string name, int number,
        int offset, int limit, CancellationToken ct)
    {
        var pr = await pulls.GetAsync(owner, name, number, ct);
        var page = await db.PullRequestReviews.Include(r => r.Author).Where(r => r.PullRequestId == pr.PullRequest.Id).OrderBy(r => r.Id)
            .ToPageAsync(offset, limit, ct);
        return (pr, page, await issues.AssociationsAsync(pr.Repository, page.Items.Select(r => r.AuthorId), ct));
    }


    /// <summary>Submits a review: approve, request changes or comment, with optional line comments.</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReview Review, string Association)> ReviewAsync(string owner, string name, int number, string? reviewEvent,
        string? body, string? commitOid, IReadOnlyList<NewReviewComment>? comments, CancellationToken ct)
    {
        var user = caller.RequireUser();
        caller.RequireScope(Scopes.RepoWrite);
        var pr = await pulls.GetAsync(owner, name, number, ct);
        RepositoryAccess.RequireNotArchived(pr.Repository);
        var state = reviewEvent?.ToUpperInvariant() switch
        {
            "APPROVE" or "APPROVED" => ReviewStates.Approved,
            "REQUEST_CHANGES" or "CHANGES_REQUESTED" => ReviewStates.ChangesRequested,
            "COMMENT" or "COMMENTED" => ReviewStates.Commented,
            null => throw AnvilException.BadRequest("event is required (APPROVE, REQUEST_CHANGES or COMMENT)"),
            _ => throw AnvilException.Invalid("event must be one of APPROVE, REQUEST_CHANGES, COMMENT"),
        };
        var text = IssueRules.ValidBody(body);
        if (state != ReviewStates.Approved && text.Trim().Length == 0 && (comments is null || comments.Count == 0))
        {
            throw AnvilException.Invalid("a review that comments or requests changes needs a body");
        }
        if (state != ReviewStates.Commented && pr.Issue.AuthorId == user.Id)
        {
            throw AnvilException.Invalid("you cannot approve or request changes on your own pull request");
        }
        if (pr.Issue.Locked && !(await access.PermissionAsync(pr.Repository, ct) >= RepositoryPermission.Write))
        {
            throw AnvilException.Forbidden("this pull request is locked; only collaborators may review");
        }
        var commit = ValidCommit(commitOid, pr);
        var lineComments = new List<PullRequestReviewComment>();
        if (comments is { Count: > 0 })
        {
            var diff = await pulls.DiffAsync(owner, name, number, ct);
            foreach (var c in comments)
            {
                lineComments.Add(await NewLineCommentAsync(pr, diff, user, c with { CommitOid = commit }, ct));
            }
        }
        var review = new PullRequestReview
        {
            PullRequestId = pr.PullRequest.Id,
            AuthorId = user.Id,
            State = state,
            Body = text,
            CommitOid = commit,
            SubmittedAt = Now,
        };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.PullRequestReviews.Add(review);
            await db.SaveChangesAsync(ct);
            // Reviewing answers a request to review, as on GitHub.
            await db.ReviewRequests.Where(r => r.PullRequestId == pr.PullRequest.Id && r.UserId == user.Id).ExecuteDeleteAsync(ct);
            foreach (var c in lineComments)
            {
                c.ReviewId = review.Id;
                db.PullRequestReviewComments.Add(c);
            }
            await db.SaveChangesAsync(ct);
            review.Author = user;
            await events.PublishAsync(new PullRequestReviewSubmitted(pr.Repository, pr.PullRequest, review, user), ct);
            foreach (var c in lineComments)
            {
                c.Author = user;
                await events.PublishAsync(new PullRequestReviewCommented(pr.Repository, pr.PullRequest, c, user), ct);
            }
            await events.CommitAsync(tx, ct);
        }
        return (pr, review, await AssociationAsync(pr.Repository, user.Id, ct));
    }

    public async Task<(PullRequestDetails PullRequest, Page<PullRequestReviewComment> Comments, IReadOnlyDictionary<long, string> Associations)> ListReviewCommentsAsync(string owner, string name,
        int number, int offset, int limit, CancellationToken ct)
    {
        var pr = await pulls.GetAsync(owner, name, number, ct);
        var page = await db.PullRequestReviewComments.Include(c => c.Author).Where(c => c.PullRequestId == pr.PullRequest.Id).OrderBy(c => c.Id)
            .ToPageAsync(offset, limit, ct);
        return (pr, page, await issues.AssociationsAsync(pr.Repository, page.Items.Select(c => c.AuthorId), ct));
    }

    /// <summary>A comment on one line of the diff (or a reply to one), outside any review.</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReviewComment Comment, string Association)> AddReviewCommentAsync(string owner, string name, int number,
        NewReviewComment req, CancellationToken ct)
    {
        var user = caller.RequireUser();
        caller.RequireScope(Scopes.RepoWrite);
        var pr = await pulls.GetAsync(owner, name, number, ct);
        RepositoryAccess.RequireNotArchived(pr.Repository);
        if (pr.Issue.Locked && !(await access.PermissionAsync(pr.Repository, ct) >= RepositoryPermission.Write))
        {
            throw AnvilException.Forbidden("this pull request is locked; only collaborators may comment");
        }
        PullRequestReviewComment comment;
        if (req.InReplyTo is { } parentId)
        {
            var parent = await db.PullRequestReviewComments.FirstOrDefaultAsync(c => c.Id == parentId && c.PullRequestId == pr.PullRequest.Id, ct)
                ?? throw AnvilException.NotFound("the comment replied to does not exist");
            comment = new PullRequestReviewComment
            {
                PullRequestId = pr.PullRequest.Id,
                AuthorId = user.Id,
                Body = IssueRules.ValidBody(req.Body, required: true),
                Path = parent.Path,
                Line = parent.Line,
                Side = parent.Side,
                CommitOid = parent.CommitOid,
                DiffHunk = parent.DiffHunk,
                InReplyToId = parent.InReplyToId ?? parent.Id,
                CreatedAt = Now,
                UpdatedAt = Now,
            };
        }
        else
        {
            var diff = await pulls.DiffAsync(owner, name, number, ct);
            comment = await NewLineCommentAsync(pr, diff, user, req with { CommitOid = ValidCommit(req.CommitOid, pr) }, ct);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.PullRequestReviewComments.Add(comment);
        await db.SaveChangesAsync(ct);
        comment.Author = user;
        await events.PublishAsync(new PullRequestReviewCommented(pr.Repository, pr.PullRequest, comment, user), ct);
        await events.CommitAsync(tx, ct);
        return (pr, comment, await AssociationAsync(pr.Repository, user.Id, ct));
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
        if (req.Line is not { } line)
        {
            throw AnvilException.BadRequest("line is required");
        }
        var side = (req.Side ?? "RIGHT").ToUpperInvariant() switch
        {
            "RIGHT" => "RIGHT",
            "LEFT" => "LEFT",
            _ => throw AnvilException.Invalid("side must be LEFT or RIGHT"),
        };
        var file = diff.Diff.Files.FirstOrDefault(f => f.Path == req.Path)
            ?? throw AnvilException.Invalid($"path '{req.Path}' is not part of this pull request's diff");
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
                CreatedAt = Now,
                UpdatedAt = Now,
            });
        }
        throw AnvilException.Invalid($"line {line} of '{req.Path}' is not part of the diff on the {side} side");
    }

    /// <summary>A review comment of this repository by id, with its pull request (GitHub's <c>…/pulls/comments/{id}</c>).</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReviewComment Comment, string Association)> GetReviewCommentAsync(string owner, string name,
        long id, CancellationToken ct)
    {
        var repo = (await access.ReadAsync(owner, name, ct)).Repository;
        var comment = await db.PullRequestReviewComments.Include(c => c.Author)
            .FirstOrDefaultAsync(c => c.Id == id && db.PullRequests.Any(p => p.Id == c.PullRequestId && p.RepositoryId == repo.Id), ct)
            ?? throw AnvilException.NotFound("review comment not found");
        var number = await db.PullRequests.Where(p => p.Id == comment.PullRequestId).Select(p => p.Issue.Number).FirstAsync(ct);
        return (await pulls.GetAsync(owner, name, number, ct), comment, await AssociationAsync(repo, comment.AuthorId, ct));
    }

    /// <summary>Edits a review comment: its author (not on a locked pull request) or a writer, as for issue comments.</summary>
    public async Task<(PullRequestDetails PullRequest, PullRequestReviewComment Comment, string Association)> UpdateReviewCommentAsync(string owner, string name,
        long id, string? body, CancellationToken ct)
    {
        var found = await ModeratedAsync(owner, name, id, ct);
        var text = IssueRules.ValidBody(body, required: true);
        if (text != found.Comment.Body)
        {
            found.Comment.Body = text;
            found.Comment.UpdatedAt = Now;
            await db.SaveChangesAsync(ct);
        }
        return found;
    }

    public async Task DeleteReviewCommentAsync(string owner, string name, long id, CancellationToken ct)
    {
        var found = await ModeratedAsync(owner, name, id, ct);
        db.PullRequestReviewComments.Remove(found.Comment);
        await db.SaveChangesAsync(ct);
    }

    private async Task<(PullRequestDetails PullRequest, PullRequestReviewComment Comment, string Association)> ModeratedAsync(string owner, string name,
        long id, CancellationToken ct)
    {
        var user = caller.RequireUser();
        caller.RequireScope(Scopes.RepoWrite);
        var grant = await access.ContributeAsync(owner, name, ct);
        var found = await GetReviewCommentAsync(owner, name, id, ct);
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

using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Issues;

/// <summary>Comments on issues and pull requests: listing, adding, editing and moderating them.</summary>
public sealed partial class IssueService
{
    public async Task<(IssueDetails Issue, Page<CommentDetails> Comments)> ListCommentsAsync(RepositoryGrant grant, int number, int offset, int limit, CancellationToken ct)
    {
        var issue = await GetAsync(grant, number, ct);
        var page = await db.IssueComments.Include(c => c.Author).Where(c => c.IssueId == issue.Issue.Id).OrderBy(c => c.Id).ToPageAsync(offset, limit, ct);
        var associations = await AssociationsAsync(issue.Repository, page.Items.Select(c => c.AuthorId), ct);
        return (issue, new Page<CommentDetails>(
            page.Items.Select(c => new CommentDetails(issue.Repository, issue.Issue, c, associations[c.AuthorId])).ToList(), page.HasMore, page.Total));
    }

    /// <summary>
    /// Every comment on the repository's issues and pull requests (GitHub's <c>GET …/issues/comments</c>): oldest first,
    /// or by <paramref name="sort"/> (created, updated) in the direction asked; <paramref name="since"/> keeps those updated at or after it.
    /// </summary>
    public async Task<Page<CommentDetails>> ListRepositoryCommentsAsync(RepositoryGrant grant, string? sort, bool? ascending, DateTimeOffset? since,
        int offset, int limit, CancellationToken ct)
    {
        var repo = grant.Repository;
        var query = db.IssueComments.AsNoTracking().Include(c => c.Author).Include(c => c.Issue).Where(c => c.Issue.RepositoryId == repo.Id);
        query = query.SinceAndSorted(sort, ascending, since);
        var page = await query.ToPageAsync(offset, limit, ct);
        var associations = await AssociationsAsync(repo, page.Items.Select(c => c.AuthorId), ct);
        return page.With(page.Items.Select(c => new CommentDetails(repo, c.Issue, c, associations[c.AuthorId])).ToList());
    }

    public async Task<CommentDetails> AddCommentAsync(RepositoryGrant grant, int number, string? body, CancellationToken ct)
    {
        var user = caller.RequireUser();
        grant.RequireContribute();
        var issue = await FindAsync(grant.Repository.Id, number, ct);
        if (issue.Locked && !grant.CanWrite)
        {
            throw AnvilException.Forbidden("this issue is locked; only collaborators may comment");
        }
        var now = Now; // one instant: a comment whose times differ was edited
        var comment = new IssueComment { IssueId = issue.Id, Issue = issue, AuthorId = user.Id, Body = IssueRules.ValidBody(body, required: true), CreatedAt = now, UpdatedAt = now };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.IssueComments.Add(comment);
        issue.UpdatedAt = Now;
        await db.SaveChangesAsync(ct);
        await Counts.AddAsync(db, issue, i => i.CommentCount, issue.Id, 1, ct);
        var added = await CommentAsync(grant.Repository, comment.Id, null, ct);
        await events.PublishAsync(new IssueCommented(grant.Repository, added.Issue, added.Comment, user), ct);
        await events.CommitAsync(tx, ct);
        return added;
    }

    /// <summary>A comment of this repository; <paramref name="number"/>, when given, must be its issue.</summary>
    public async Task<CommentDetails> GetCommentAsync(RepositoryGrant grant, long commentId, int? number, CancellationToken ct)
    {
        return await CommentAsync(grant.Repository, commentId, number, ct);
    }

    public async Task<CommentDetails> UpdateCommentAsync(RepositoryGrant grant, long commentId, int? number, string? body, CancellationToken ct)
    {
        var user = caller.RequireUser();
        grant.RequireContribute();
        var found = await CommentAsync(grant.Repository, commentId, number, ct);
        RequireCommentModeration(grant, found, user);
        var newBody = IssueRules.ValidBody(body, required: true);
        var comment = found.Comment;
        var previous = comment.Body;
        if (newBody != previous)
        {
            comment.Body = newBody;
            comment.UpdatedAt = Now;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            await events.PublishAsync(new IssueCommentEdited(grant.Repository, found.Issue, comment, user, previous), ct);
            await events.CommitAsync(tx, ct);
        }
        return found;
    }

    public async Task DeleteCommentAsync(RepositoryGrant grant, long commentId, int? number, CancellationToken ct)
    {
        var user = caller.RequireUser();
        grant.RequireContribute();
        var found = await CommentAsync(grant.Repository, commentId, number, ct);
        RequireCommentModeration(grant, found, user);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.IssueComments.Remove(found.Comment);
        await db.SaveChangesAsync(ct);
        await Counts.AddAsync(db, found.Issue, i => i.CommentCount, found.Issue.Id, -1, ct);
        await events.PublishAsync(new IssueCommentDeleted(grant.Repository, found.Issue, found.Comment, user), ct);
        await events.CommitAsync(tx, ct);
    }

    /// <summary>Authors edit and delete their own comments (not on a locked issue); writers moderate any, as on GitHub.</summary>
    private static void RequireCommentModeration(RepositoryGrant grant, CommentDetails found, User user)
    {
        if (!IssueRules.MayModerate(grant, found.Issue, found.Comment, user))
        {
            throw AnvilException.Forbidden(found.Comment.AuthorId != user.Id
                ? "only the comment's author or a collaborator may change this comment"
                : "this issue is locked");
        }
    }

    private async Task<CommentDetails> CommentAsync(Repository repo, long commentId, int? number, CancellationToken ct)
    {
        var comment = await db.IssueComments.Include(c => c.Author).Include(c => c.Issue)
            .FirstOrDefaultAsync(c => c.Id == commentId && c.Issue.RepositoryId == repo.Id && (number == null || c.Issue.Number == number), ct)
            ?? throw AnvilException.NotFound("comment not found");
        var associations = await AssociationsAsync(repo, [comment.AuthorId], ct);
        return new CommentDetails(repo, comment.Issue, comment, associations[comment.AuthorId]);
    }
}

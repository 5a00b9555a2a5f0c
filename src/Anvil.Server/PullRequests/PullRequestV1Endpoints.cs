using Microsoft.AspNetCore.Http.HttpResults;
using System.ComponentModel.DataAnnotations;
using Anvil.Server.Infrastructure.Caching;
using Anvil.Server.Auth;
using Anvil.Server.Browsing;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.PullRequests;

/// <summary>Pull requests in GitHub's paths and shapes (<c>/api/v1/repos/{o}/{r}/pulls…</c>).</summary>
public static class PullRequestV1Endpoints
{
    public sealed record CreateBody([property: Required] string? Title, string? Body, [property: Required] string? Head, string? HeadRepo, [property: Required] string? Base, bool? Draft);
    public sealed record UpdateBody(string? Title, string? Body, string? State, string? Base, bool? Draft);
    public sealed record MergeBody(string? MergeMethod, string? CommitTitle, string? CommitMessage, string? Sha);
    public sealed record ReviewCommentBody(string? Body, string? Path, int? Line, string? Side, int? Position);
    public sealed record ReviewBody(string? CommitId, string? Body, string? Event, List<ReviewCommentBody>? Comments);
    public sealed record CommentBody([property: Required] string? Body, string? CommitId, string? Path, int? Line, string? Side, long? InReplyTo, int? Position);
    public sealed record ReplyBody([property: Required] string? Body);
    public sealed record ReviewEventBody(string? Body, [property: Required] string? Event);
    public sealed record UpdateBranchBody(string? ExpectedHeadSha);
    /// <summary>GitHub's answer to an update of the head branch (202, though Anvil has already merged when it answers).</summary>
    public sealed record UpdateBranchAccepted(string Message, string Url);
    public sealed record DismissalBody([property: Required] string? Message, string? Event);
    public sealed record ReviewersBody(List<string?>? Reviewers, List<string?>? TeamReviewers);
    public sealed record CommentEditBody([property: Required] string? Body);
    /// <summary>GitHub's requested reviewers: users, and teams (which Anvil does not have).</summary>
    public sealed record RequestedReviewers(List<UserViews.V1SimpleUser> Users, List<object> Teams);

    private static PullStateFilter StateFrom(HttpRequest request) => request.Query["state"].ToString() switch
    {
        "" or "open" => PullStateFilter.Open,
        "closed" => PullStateFilter.Closed,
        "all" => PullStateFilter.All,
        _ => throw AnvilException.Invalid("state must be one of open, closed, all"),
    };

    private static void RequireNoTeams(ReviewersBody body)
    {
        if (body.TeamReviewers is { Count: > 0 })
        {
            throw AnvilException.Invalid("PullRequest", "team_reviewers", "Anvil has no teams; request users as reviewers");
        }
    }

    private static async Task<PullRequestViews.V1PullRequest> ViewAsync(HttpContext ctx, PullRequestDetails pr, RepositoryViews views, PullRequestReviews reviewing)
    {
        var repos = await PullRequestViews.ReposOf([pr], views, ctx.RequestAborted);
        var (_, comments, _) = await reviewing.ListReviewCommentsAsync(pr, 0, 1, ctx.RequestAborted);
        return pr.ToV1(ctx.PublicBaseUrl(), repos, comments.Total);
    }

    public static void MapPullRequestV1Endpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}/pulls").CacheAnonymousReads();

        repo.MapGet("", async (HttpContext ctx, RepositoryContext current, PullRequestService pulls, RepositoryViews views) =>
        {
            var page = PageRequest.From(ctx.Request);
            var q = ctx.Request.Query;
            var filter = new PullListFilter(StateFrom(ctx.Request), q["head"], q["base"], q["sort"].ToString() is { Length: > 0 } sort ? sort : null,
                ctx.Request.Ascending());
            var list = await pulls.ListAsync(current.Grant, filter, false, page.Offset, page.PerPage, ctx.RequestAborted);
            var repos = await PullRequestViews.ReposOf(list.Items, views, ctx.RequestAborted);
            return page.Answer(ctx, list.Items, list.HasMore, list.Total, p => p.ToV1(ctx.PublicBaseUrl(), repos, 0));
        });
        repo.MapPost("", async (HttpContext ctx, JsonBody<CreateBody> input, string owner, string name, RepositoryContext current, PullRequestService pulls, PullRequestReviews reviewing, RepositoryViews views) =>
        {
            var b = await input.ReadAsync();
            // GitHub's head is "branch" or "owner:branch" (a fork of the same name as the base repository, or head_repo).
            string? headOwner = null, headRepo = b.HeadRepo, headBranch = b.Head;
            if (b.Head?.IndexOf(':') is > 0 and var colon)
            {
                headOwner = b.Head[..colon];
                headBranch = b.Head[(colon + 1)..];
                headRepo ??= name;
            }
            if (headRepo?.IndexOf('/') is > 0 and var slash)
            {
                headOwner = headRepo[..slash];
                headRepo = headRepo[(slash + 1)..];
            }
            var pr = await pulls.CreateAsync(current.Grant, new NewPullRequest(b.Title, b.Body, headBranch, b.Base ?? throw AnvilException.Invalid("base is required"),
                headOwner, headRepo, b.Draft, null, null), ctx.RequestAborted);
            return ApiJson.Created(ctx, await ViewAsync(ctx, pr, views, reviewing));
        }).RequireUser(Scopes.RepoWrite);

        repo.MapGet("/comments", async (HttpContext ctx, RepositoryContext current, PullRequestReviews reviewing) =>
        {
            var page = PageRequest.From(ctx.Request);
            var (list, associations) = await reviewing.ListRepositoryReviewCommentsAsync(current.Grant, ctx.Request.Query["sort"].ToString(),
                ctx.Request.Ascending(), ctx.Request.Timestamp("since"), page.Offset, page.PerPage, ctx.RequestAborted);
            var baseUrl = ctx.PublicBaseUrl();
            return page.Answer(ctx, list, c => c.Comment.ToV1(current.Grant.Repository, c.Number, associations[c.Comment.AuthorId], baseUrl));
        });
        repo.MapGet("/comments/{id:long}", async (HttpContext ctx, RepositoryContext current, long id, PullRequestReviews reviewing) =>
        {
            var (pr, comment, association) = await reviewing.GetReviewCommentAsync(current.Grant, id, ctx.RequestAborted);
            return ApiJson.Json(ctx, comment.ToV1(pr, association, ctx.PublicBaseUrl()));
        });
        repo.MapPatch("/comments/{id:long}", async (HttpContext ctx, JsonBody<CommentEditBody> input, RepositoryContext current, long id, PullRequestReviews reviewing) =>
        {
            var body = await input.ReadAsync();
            var (pr, comment, association) = await reviewing.UpdateReviewCommentAsync(current.Grant, id, body.Body, ctx.RequestAborted);
            return ApiJson.Json(ctx, comment.ToV1(pr, association, ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        repo.MapDelete("/comments/{id:long}", async (HttpContext ctx, RepositoryContext current, long id, PullRequestReviews reviewing) =>
        {
            await reviewing.DeleteReviewCommentAsync(current.Grant, id, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);

        var one = repo.MapGroup("/{number:int}");
        one.MapGet("/requested_reviewers", async (HttpContext ctx, RepositoryContext current, int number, ReviewRequests requests) =>
        {
            var (_, users) = await requests.ListAsync(current.Grant, number, ctx.RequestAborted);
            return ApiJson.Json(ctx, new RequestedReviewers(users.Select(u => u.ToV1Simple(ctx.PublicBaseUrl())).ToList(), []));
        });
        one.MapPost("/requested_reviewers", async (HttpContext ctx, JsonBody<ReviewersBody> input, RepositoryContext current, int number, ReviewRequests requests,
            RepositoryViews views, PullRequestReviews reviewing) =>
        {
            var body = await input.ReadAsync();
            RequireNoTeams(body);
            var pr = await requests.RequestAsync(current.Grant, number, body.Reviewers ?? [], ctx.RequestAborted);
            return ApiJson.Created(ctx, await ViewAsync(ctx, pr, views, reviewing));
        }).RequireUser(Scopes.RepoWrite);
        one.MapDelete("/requested_reviewers", async (HttpContext ctx, JsonBody<ReviewersBody> input, RepositoryContext current, int number, ReviewRequests requests,
            RepositoryViews views, PullRequestReviews reviewing) =>
        {
            var body = await input.ReadAsync();
            RequireNoTeams(body);
            var pr = await requests.RemoveAsync(current.Grant, number, body.Reviewers ?? [], ctx.RequestAborted);
            return ApiJson.Json(ctx, await ViewAsync(ctx, pr, views, reviewing));
        }).RequireUser(Scopes.RepoWrite);
        one.MapGet("", async Task<Results<JsonOk<PullRequestViews.V1PullRequest>, FileContentHttpResult>> (HttpContext ctx, RepositoryContext current,
            int number, PullRequestService pulls, PullRequestReviews reviewing, RepositoryViews views) =>
        {
            if (ChangeMediaTypes.Requested(ctx.Request) is { } format)
            {
                return ChangeMediaTypes.Answer(await pulls.ChangeTextAsync(current.Grant, number, format, ctx.RequestAborted), format);
            }
            return ApiJson.Json(ctx, await ViewAsync(ctx, await pulls.GetAsync(current.Grant, number, ctx.RequestAborted), views, reviewing));
        });
        one.MapPatch("", async (HttpContext ctx, JsonBody<UpdateBody> input, RepositoryContext current, int number, PullRequestService pulls, PullRequestReviews reviewing, RepositoryViews views) =>
        {
            var b = await input.ReadAsync();
            var pr = await pulls.UpdateAsync(current.Grant, number, new PullRequestChanges(b.Title, b.Body, b.State, b.Base, b.Draft), ctx.RequestAborted);
            return ApiJson.Json(ctx, await ViewAsync(ctx, pr, views, reviewing));
        }).RequireUser(Scopes.RepoWrite);

        one.MapGet("/commits", async (HttpContext ctx, RepositoryContext current, int number, PullRequestService pulls) =>
        {
            var page = PageRequest.From(ctx.Request);
            var list = await pulls.CommitsAsync(current.Grant, number, page.Offset, page.PerPage, ctx.RequestAborted);
            var links = new BrowsingV1Views.Links(ctx.PublicBaseUrl(), list.PullRequest.Repository);
            return page.Answer(ctx, list.Commits, list.HasMore, list.Total, c => c.ToV1(list.Users, links));
        });
        one.MapGet("/files", async (HttpContext ctx, RepositoryContext current, int number, PullRequestService pulls) =>
        {
            var page = PageRequest.From(ctx.Request);
            var diff = await pulls.DiffAsync(current.Grant, number, ctx.RequestAborted);
            var links = new BrowsingV1Views.Links(ctx.PublicBaseUrl(), diff.PullRequest.Repository);
            return page.Answer(ctx, page.Of(diff.Diff.Files), f => f.ToV1(diff.PullRequest.PullRequest.HeadOid, links));
        });

        one.MapGet("/merge", async (HttpContext ctx, RepositoryContext current, int number, PullRequestService pulls) =>
            await pulls.IsMergedAsync(current.Grant, number, ctx.RequestAborted) ? TypedResults.NoContent() : throw AnvilException.NotFound("pull request is not merged"));
        one.MapPut("/merge", async (HttpContext ctx, OptionalJsonBody<MergeBody> input, RepositoryContext current, int number, PullRequestMerger merger) =>
        {
            var b = await input.ReadAsync(null) ?? new MergeBody(null, null, null, null);
            var outcome = await merger.MergeAsync(current.Grant, number, new MergeRequest(b.MergeMethod, b.CommitTitle, b.CommitMessage, b.Sha), ctx.RequestAborted);
            return ApiJson.Json(ctx, new PullRequestViews.V1MergeResult(outcome.MergeCommitOid, true, "Pull Request successfully merged"));
        }).RequireUser(Scopes.RepoWrite);

        one.MapPut("/update-branch", async (HttpContext ctx, OptionalJsonBody<UpdateBranchBody> input, RepositoryContext current, int number, PullRequestMerger merger) =>
        {
            var b = await input.ReadAsync(null) ?? new UpdateBranchBody(null);
            var (pr, _) = await merger.UpdateBranchAsync(current.Grant, number, b.ExpectedHeadSha, ctx.RequestAborted);
            var url = $"{ctx.PublicBaseUrl()}/api/v1/repos/{pr.Repository.Owner.Username}/{pr.Repository.Name}/pulls/{pr.Issue.Number}";
            return ApiJson.Accepted(ctx, new UpdateBranchAccepted("Updating pull request branch.", url));
        }).RequireUser(Scopes.RepoWrite);

        one.MapGet("/reviews", async (HttpContext ctx, RepositoryContext current, int number, PullRequestReviews reviewing) =>
        {
            var page = PageRequest.From(ctx.Request);
            var (pr, reviews, associations) = await reviewing.ListReviewsAsync(current.Grant, number, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, reviews, r => r.ToV1(pr, associations[r.AuthorId], ctx.PublicBaseUrl()));
        });
        // As GitHub: without an event the review is created PENDING, seen only by its author until submitted.
        one.MapPost("/reviews", async (HttpContext ctx, JsonBody<ReviewBody> input, RepositoryContext current, int number, PullRequestReviews reviewing) =>
        {
            var b = await input.ReadAsync();
            var comments = b.Comments?.Select(c => new NewReviewComment(c.Body, c.Path, c.Line, c.Side, null, null, c.Position)).ToList();
            var (pr, review, association) = string.IsNullOrEmpty(b.Event)
                ? await reviewing.StartReviewAsync(current.Grant, number, b.Body, b.CommitId, comments, ctx.RequestAborted)
                : await reviewing.ReviewAsync(current.Grant, number, b.Event, b.Body, b.CommitId, comments, ctx.RequestAborted);
            return ApiJson.Json(ctx, review.ToV1(pr, association, ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        one.MapGet("/reviews/{id:long}", async (HttpContext ctx, RepositoryContext current, int number, long id, PullRequestReviews reviewing) =>
        {
            var (pr, review, association) = await reviewing.GetReviewAsync(current.Grant, number, id, ctx.RequestAborted);
            return ApiJson.Json(ctx, review.ToV1(pr, association, ctx.PublicBaseUrl()));
        });
        one.MapDelete("/reviews/{id:long}", async (HttpContext ctx, RepositoryContext current, int number, long id, PullRequestReviews reviewing) =>
        {
            var (pr, review, association) = await reviewing.DeletePendingReviewAsync(current.Grant, number, id, ctx.RequestAborted);
            return ApiJson.Json(ctx, review.ToV1(pr, association, ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        one.MapPost("/reviews/{id:long}/events", async (HttpContext ctx, JsonBody<ReviewEventBody> input, RepositoryContext current, int number, long id,
            PullRequestReviews reviewing) =>
        {
            var b = await input.ReadAsync();
            var (pr, review, association) = await reviewing.SubmitReviewAsync(current.Grant, number, id, b.Event, b.Body, ctx.RequestAborted);
            return ApiJson.Json(ctx, review.ToV1(pr, association, ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        one.MapPut("/reviews/{id:long}/dismissals", async (HttpContext ctx, JsonBody<DismissalBody> input, RepositoryContext current, int number, long id,
            PullRequestReviews reviewing) =>
        {
            var b = await input.ReadAsync();
            var (pr, review, association) = await reviewing.DismissReviewAsync(current.Grant, number, id, b.Message, b.Event, ctx.RequestAborted);
            return ApiJson.Json(ctx, review.ToV1(pr, association, ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        one.MapGet("/reviews/{id:long}/comments", async (HttpContext ctx, RepositoryContext current, int number, long id, PullRequestReviews reviewing) =>
        {
            var page = PageRequest.From(ctx.Request);
            var (pr, comments, associations) = await reviewing.ListCommentsOfReviewAsync(current.Grant, number, id, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, comments, c => c.ToV1(pr, associations[c.AuthorId], ctx.PublicBaseUrl()));
        });

        one.MapGet("/comments", async (HttpContext ctx, RepositoryContext current, int number, PullRequestReviews reviewing) =>
        {
            var page = PageRequest.From(ctx.Request);
            var (pr, comments, associations) = await reviewing.ListReviewCommentsAsync(current.Grant, number, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, comments, c => c.ToV1(pr, associations[c.AuthorId], ctx.PublicBaseUrl()));
        });
        one.MapPost("/comments", async (HttpContext ctx, JsonBody<CommentBody> input, RepositoryContext current, int number, PullRequestReviews reviewing) =>
        {
            var b = await input.ReadAsync();
            var (pr, comment, association) = await reviewing.AddReviewCommentAsync(current.Grant, number,
                new NewReviewComment(b.Body, b.Path, b.Line, b.Side, b.CommitId, b.InReplyTo, b.Position), ctx.RequestAborted);
            return ApiJson.Created(ctx, comment.ToV1(pr, association, ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        // GitHub's reply route: the same as a comment with in_reply_to (a reply to a reply joins its thread's first comment).
        one.MapPost("/comments/{commentId:long}/replies", async (HttpContext ctx, JsonBody<ReplyBody> input, RepositoryContext current, int number,
            long commentId, PullRequestReviews reviewing) =>
        {
            var b = await input.ReadAsync();
            var (pr, comment, association) = await reviewing.AddReviewCommentAsync(current.Grant, number,
                new NewReviewComment(b.Body, null, null, null, null, commentId), ctx.RequestAborted);
            return ApiJson.Created(ctx, comment.ToV1(pr, association, ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
    }
}

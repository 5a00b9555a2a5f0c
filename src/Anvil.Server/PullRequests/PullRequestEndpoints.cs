using Anvil.Server.Repositories;
using System.ComponentModel.DataAnnotations;
using Anvil.Server.Infrastructure.Caching;
using Anvil.Server.Auth;
using Anvil.Server.Browsing;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Issues;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Anvil.Server.PullRequests;

/// <summary>Pull requests on the sigmagit surface (<c>/api/repositories/:owner/:name/pulls…</c>).</summary>
public static class PullRequestEndpoints
{
    public sealed record CreateBody([property: Required] string? Title, string? Body, [property: Required] string? HeadBranch, [property: Required] string? BaseBranch, string? HeadRepoOwner, string? HeadRepoName,
        bool? IsDraft, List<string>? Labels, List<string>? Assignees);
    public sealed record UpdateBody(string? Title, string? Body, string? State, string? BaseBranch, string? Base, bool? IsDraft);
    public sealed record CommentBody([property: Required] string? Body, string? Path, int? Line, string? Side, string? CommitOid, string? InReplyTo);
    public sealed record ReviewCommentBody(string? Body, string? Path, int? Line, string? Side);
    public sealed record ReviewBody(string? Event, string? State, string? Body, string? CommitOid, List<ReviewCommentBody>? Comments);
    public sealed record MergeBody(string? MergeStrategy, string? CommitMessage, string? CommitTitle, string? Sha);

    private static PullStateFilter StateFrom(HttpRequest request) => request.Query["state"].ToString() switch
    {
        "" or "open" => PullStateFilter.Open,
        "closed" => PullStateFilter.ClosedUnmerged,
        "merged" => PullStateFilter.Merged,
        "all" => PullStateFilter.All,
        _ => throw AnvilException.BadRequest("state must be one of open, closed, merged, all"),
    };

    public static bool Flag(HttpRequest request, string name) => request.Query[name].ToString() is "1" or "true";

    public static long? Id(string? id, string field) => id is null ? null
        : long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v
        : throw AnvilException.BadRequest($"{field} must be a comment id");

    public static void MapPullRequestEndpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/repositories/{owner}/{name}/pulls").CacheAnonymousReads();

        repo.MapGet("", async (HttpContext ctx, RepositoryContext current, PullRequestService pulls) =>
        {
            var page = OffsetPage.From(ctx.Request);
            var list = await pulls.ListAsync(current.Grant, new PullListFilter(StateFrom(ctx.Request)), Flag(ctx.Request, "ignoreUnknown"), page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new PullRequestViews.PullRequestList(list.Items.Select(p => p.ToSigmagit(ctx.PublicBaseUrl())), list.HasMore));
        });
        repo.MapPost("", async (HttpContext ctx, JsonBody<CreateBody> input, RepositoryContext current, PullRequestService pulls) =>
        {
            var b = await input.ReadAsync();
            var pr = await pulls.CreateAsync(current.Grant, new NewPullRequest(b.Title, b.Body, b.HeadBranch, b.BaseBranch, b.HeadRepoOwner, b.HeadRepoName,
                b.IsDraft, b.Labels, b.Assignees), ctx.RequestAborted);
            return ApiJson.Created(ctx, new PullRequestViews.PullRequestEnvelope(pr.ToSigmagit(ctx.PublicBaseUrl())));
        }).RequireUser(Scopes.RepoWrite);

        var one = repo.MapGroup("/{number:int}");
        one.MapGet("", async (HttpContext ctx, RepositoryContext current, int number, PullRequestService pulls) =>
            ApiJson.Json(ctx, new PullRequestViews.PullRequestEnvelope((await pulls.GetAsync(current.Grant, number, ctx.RequestAborted)).ToSigmagit(ctx.PublicBaseUrl()))));
        one.MapPatch("", async (HttpContext ctx, JsonBody<UpdateBody> input, RepositoryContext current, int number, PullRequestService pulls) =>
        {
            var b = await input.ReadAsync();
            var state = b.State == "merged" ? throw AnvilException.Invalid("merge a pull request with POST …/merge") : b.State;
            var pr = await pulls.UpdateAsync(current.Grant, number, new PullRequestChanges(b.Title, b.Body, state, b.BaseBranch ?? b.Base, b.IsDraft), ctx.RequestAborted);
            return ApiJson.Json(ctx, new PullRequestViews.PullRequestEnvelope(pr.ToSigmagit(ctx.PublicBaseUrl())));
        }).RequireUser(Scopes.RepoWrite);

        one.MapGet("/diff", async (HttpContext ctx, RepositoryContext current, int number, PullRequestService pulls) =>
            ApiJson.Json(ctx, (await pulls.DiffAsync(current.Grant, number, ctx.RequestAborted)).ToSigmagit()));
        one.MapGet("/commits", async (HttpContext ctx, RepositoryContext current, int number, PullRequestService pulls) =>
        {
            var page = OffsetPage.From(ctx.Request);
            var list = await pulls.CommitsAsync(current.Grant, number, page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new BrowsingViews.CommitList(list.Commits.Select(c => c.ToView(list.Users)), list.HasMore));
        });

        // General comments are the issue's; line comments are review comments.
        one.MapGet("/comments", async (HttpContext ctx, RepositoryContext current, int number, PullRequestService pulls, IssueService issues) =>
        {
            await pulls.GetAsync(current.Grant, number, ctx.RequestAborted); // 404 for an issue that is not a pull request
            var page = OffsetPage.From(ctx.Request);
            var (_, comments) = await issues.ListCommentsAsync(current.Grant, number, page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new IssueViews.CommentList(comments.Items.Select(c => c.ToSigmagit(ctx.PublicBaseUrl())), comments.HasMore));
        });
        one.MapGet("/review-comments", async (HttpContext ctx, RepositoryContext current, int number, PullRequestReviews reviewing) =>
        {
            var page = OffsetPage.From(ctx.Request);
            var (_, comments, _) = await reviewing.ListReviewCommentsAsync(current.Grant, number, page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new PullRequestViews.ReviewCommentList(comments.Items.Select(c => c.ToSigmagit(ctx.PublicBaseUrl())), comments.HasMore));
        });
        // A general comment is the issue's; one on a line (path or inReplyTo) is a review comment.
        one.MapPost("/comments", async Task<Results<JsonCreated<IssueViews.CommentEnvelope>, JsonCreated<PullRequestViews.ReviewCommentEnvelope>>> (
            HttpContext ctx, JsonBody<CommentBody> input, RepositoryContext current, int number, PullRequestService pulls, PullRequestReviews reviewing, IssueService issues) =>
        {
            var b = await input.ReadAsync();
            if (b.Path is null && b.InReplyTo is null)
            {
                await pulls.GetAsync(current.Grant, number, ctx.RequestAborted);
                var comment = await issues.AddCommentAsync(current.Grant, number, b.Body, ctx.RequestAborted);
                return ApiJson.Created(ctx, new IssueViews.CommentEnvelope(comment.ToSigmagit(ctx.PublicBaseUrl())));
            }
            var (_, inline, _) = await reviewing.AddReviewCommentAsync(current.Grant, number,
                new NewReviewComment(b.Body, b.Path, b.Line, b.Side, b.CommitOid, Id(b.InReplyTo, "inReplyTo")), ctx.RequestAborted);
            return ApiJson.Created(ctx, new PullRequestViews.ReviewCommentEnvelope(inline.ToSigmagit(ctx.PublicBaseUrl())));
        }).RequireUser(Scopes.RepoWrite);

        one.MapGet("/reviews", async (HttpContext ctx, RepositoryContext current, int number, PullRequestReviews reviewing) =>
        {
            var page = OffsetPage.From(ctx.Request);
            var (_, reviews, _) = await reviewing.ListReviewsAsync(current.Grant, number, page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new PullRequestViews.ReviewList(reviews.Items.Select(r => r.ToSigmagit(ctx.PublicBaseUrl())), reviews.HasMore));
        });
        one.MapPost("/reviews", async (HttpContext ctx, JsonBody<ReviewBody> input, RepositoryContext current, int number, PullRequestReviews reviewing) =>
        {
            var b = await input.ReadAsync();
            var (_, review, _) = await reviewing.ReviewAsync(current.Grant, number, b.Event ?? b.State, b.Body, b.CommitOid,
                b.Comments?.Select(c => new NewReviewComment(c.Body, c.Path, c.Line, c.Side, null, null)).ToList(), ctx.RequestAborted);
            return ApiJson.Created(ctx, new PullRequestViews.ReviewEnvelope(review.ToSigmagit(ctx.PublicBaseUrl())));
        }).RequireUser(Scopes.RepoWrite);

        one.MapPost("/merge", async (HttpContext ctx, OptionalJsonBody<MergeBody> input, RepositoryContext current, int number, PullRequestMerger merger) =>
        {
            var b = await input.ReadAsync(null) ?? new MergeBody(null, null, null, null);
            var outcome = await merger.MergeAsync(current.Grant, number, new MergeRequest(b.MergeStrategy, b.CommitTitle, b.CommitMessage, b.Sha), ctx.RequestAborted);
            return ApiJson.Json(ctx, new PullRequestViews.MergeOutcome(true, outcome.MergeCommitOid, outcome.PullRequest.ToSigmagit(ctx.PublicBaseUrl())));
        }).RequireUser(Scopes.RepoWrite);
    }
}

using Anvil.Server.Repositories;
using System.ComponentModel.DataAnnotations;
using Anvil.Server.Infrastructure.Caching;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;

namespace Anvil.Server.Issues;

/// <summary>Issues, comments and labels on the sigmagit surface (<c>/api/repositories/:owner/:name/…</c>).</summary>
public static class IssueEndpoints
{
    public sealed record CreateBody([property: Required] string? Title, string? Body, List<string>? Labels, List<string>? Assignees);
    public sealed record UpdateBody(string? Title, string? Body, string? State, List<string>? Labels, List<string>? Assignees, bool? Locked);
    public sealed record CommentBody([property: Required] string? Body);
    public sealed record LabelBody(string? Name, string? Color, string? Description);

    /// <summary>The list filters shared by both surfaces' query strings.</summary>
    public static IssueFilter FilterFrom(HttpRequest request)
    {
        int? before = null;
        if (request.Query["before"].ToString() is { Length: > 0 } raw)
        {
            before = int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var b) && b > 0
                ? b : throw AnvilException.BadRequest("before must be a positive issue number");
        }
        static string? Text(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
        return new IssueFilter(IssueFilter.ParseState(request.Query["state"]), IssueFilter.ParseLabels(request.Query["labels"]),
            Text(request.Query["assignee"]), Text(request.Query["creator"]), before,
            request.Timestamp("since"), Text(request.Query["mentioned"]), IssueOrder.Parse(Text(request.Query["sort"]), request.Ascending()));
    }

    public static void MapIssueEndpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/repositories/{owner}/{name}").CacheAnonymousReads();

        repo.MapGet("/issues", async (HttpContext ctx, RepositoryContext current, IssueService issues) =>
        {
            var page = OffsetPage.From(ctx.Request);
            var list = await issues.ListAsync(current.Grant, FilterFrom(ctx.Request), page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new IssueViews.IssueList(list.Items.Select(i => i.ToSigmagit(ctx.PublicBaseUrl())), list.HasMore,
                list.Tally.OpenIssues, list.Tally.ClosedIssues));
        });
        repo.MapPost("/issues", async (HttpContext ctx, JsonBody<CreateBody> input, RepositoryContext current, IssueService issues) =>
        {
            var body = await input.ReadAsync();
            var issue = await issues.CreateAsync(current.Grant, new NewIssue(body.Title, body.Body, body.Labels, body.Assignees), ctx.RequestAborted);
            return ApiJson.Created(ctx, new IssueViews.IssueEnvelope(issue.ToSigmagit(ctx.PublicBaseUrl())));
        }).RequireUser(Scopes.RepoWrite);

        var one = repo.MapGroup("/issues/{number:int}");
        one.MapGet("", async (HttpContext ctx, RepositoryContext current, int number, IssueService issues) =>
            ApiJson.Json(ctx, new IssueViews.IssueEnvelope((await issues.GetAsync(current.Grant, number, ctx.RequestAborted)).ToSigmagit(ctx.PublicBaseUrl()))));
        one.MapPatch("", async (HttpContext ctx, JsonBody<UpdateBody> input, RepositoryContext current, int number, IssueService issues) =>
        {
            var body = await input.ReadAsync();
            var issue = await issues.UpdateAsync(current.Grant, number,
                new IssueChanges(body.Title, body.Body, body.State, Labels: body.Labels, Assignees: body.Assignees, Locked: body.Locked), ctx.RequestAborted);
            return ApiJson.Json(ctx, new IssueViews.IssueEnvelope(issue.ToSigmagit(ctx.PublicBaseUrl())));
        }).RequireUser(Scopes.RepoWrite);
        one.MapDelete("", async (HttpContext ctx, RepositoryContext current, int number, IssueService issues) =>
        {
            await issues.DeleteAsync(current.Grant, number, ctx.RequestAborted);
            return ApiJson.Success(ctx);
        }).RequireUser(Scopes.RepoWrite);

        one.MapGet("/comments", async (HttpContext ctx, RepositoryContext current, int number, IssueService issues) =>
        {
            var page = OffsetPage.From(ctx.Request);
            var (_, comments) = await issues.ListCommentsAsync(current.Grant, number, page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new IssueViews.CommentList(comments.Items.Select(c => c.ToSigmagit(ctx.PublicBaseUrl())), comments.HasMore));
        });
        one.MapPost("/comments", async (HttpContext ctx, JsonBody<CommentBody> input, RepositoryContext current, int number, IssueService issues) =>
        {
            var body = await input.ReadAsync();
            var comment = await issues.AddCommentAsync(current.Grant, number, body.Body, ctx.RequestAborted);
            return ApiJson.Created(ctx, new IssueViews.CommentEnvelope(comment.ToSigmagit(ctx.PublicBaseUrl())));
        }).RequireUser(Scopes.RepoWrite);
        one.MapPatch("/comments/{id:long}", (HttpContext ctx, JsonBody<CommentBody> input, RepositoryContext current, int number, long id, IssueService issues) =>
            EditComment(ctx, input, current, number, id, issues)).RequireUser(Scopes.RepoWrite);
        one.MapDelete("/comments/{id:long}", (HttpContext ctx, RepositoryContext current, int number, long id, IssueService issues) =>
            DeleteComment(ctx, current, number, id, issues)).RequireUser(Scopes.RepoWrite);
        repo.MapPatch("/issues/comments/{id:long}", (HttpContext ctx, JsonBody<CommentBody> input, RepositoryContext current, long id, IssueService issues) =>
            EditComment(ctx, input, current, null, id, issues)).RequireUser(Scopes.RepoWrite);
        repo.MapDelete("/issues/comments/{id:long}", (HttpContext ctx, RepositoryContext current, long id, IssueService issues) =>
            DeleteComment(ctx, current, null, id, issues)).RequireUser(Scopes.RepoWrite);

        repo.MapGet("/labels", async (HttpContext ctx, RepositoryContext current, LabelService labels) =>
        {
            var page = OffsetPage.From(ctx.Request, defaultLimit: 100);
            var list = await labels.ListAsync(current.Grant, page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new IssueViews.LabelList(list.Items.Select(l => l.ToSummary()), list.HasMore));
        });
        repo.MapPost("/labels", async (HttpContext ctx, JsonBody<LabelBody> input, RepositoryContext current, LabelService labels) =>
        {
            var body = await input.ReadAsync();
            var label = await labels.CreateAsync(current.Grant, new LabelInput(body.Name, body.Color, body.Description), ctx.RequestAborted);
            return ApiJson.Created(ctx, new IssueViews.LabelEnvelope(label.ToSummary()));
        }).RequireUser(Scopes.RepoWrite);
        repo.MapPatch("/labels/{id}", async (HttpContext ctx, JsonBody<LabelBody> input, RepositoryContext current, string id, LabelService labels) =>
        {
            var body = await input.ReadAsync();
            var label = await labels.UpdateAsync(current.Grant, LabelKey.ById(id), new LabelInput(body.Name, body.Color, body.Description), ctx.RequestAborted);
            return ApiJson.Json(ctx, new IssueViews.LabelEnvelope(label.ToSummary()));
        }).RequireUser(Scopes.RepoWrite);
        repo.MapDelete("/labels/{id}", async (HttpContext ctx, string owner, string name, RepositoryContext current, string id, LabelService labels) =>
        {
            await labels.DeleteAsync(current.Grant, LabelKey.ById(id), ctx.RequestAborted);
            return ApiJson.Success(ctx);
        }).RequireUser(Scopes.RepoWrite);
    }

    private static async Task<JsonOk<IssueViews.CommentEnvelope>> EditComment(HttpContext ctx, JsonBody<CommentBody> input, RepositoryContext current, int? number, long id, IssueService issues)
    {
        var body = await input.ReadAsync();
        var comment = await issues.UpdateCommentAsync(current.Grant, id, number, body.Body, ctx.RequestAborted);
        return ApiJson.Json(ctx, new IssueViews.CommentEnvelope(comment.ToSigmagit(ctx.PublicBaseUrl())));
    }

    private static async Task<JsonOk<ApiJson.Done>> DeleteComment(HttpContext ctx, RepositoryContext current, int? number, long id, IssueService issues)
    {
        await issues.DeleteCommentAsync(current.Grant, id, number, ctx.RequestAborted);
        return ApiJson.Success(ctx);
    }
}

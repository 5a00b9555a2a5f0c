using Anvil.Server.Repositories;
using System.ComponentModel.DataAnnotations;
using Anvil.Server.Infrastructure.Caching;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Anvil.Server.Issues;

/// <summary>Issues, comments and labels in GitHub's shapes (<c>/api/v1/repos/{o}/{r}/…</c>).</summary>
public static class IssueV1Endpoints
{
    public sealed record CreateBody([property: Required] string? Title, string? Body, string? Assignee, List<string>? Assignees, JsonNode? Labels);
    public sealed record UpdateBody(string? Title, string? Body, string? State, string? StateReason, string? Assignee, List<string>? Assignees,
        JsonNode? Labels, bool? Locked);
    public sealed record CommentBody([property: Required] string? Body);
    public sealed record LabelBody(string? Name, string? NewName, string? Color, string? Description);
    public sealed record AssigneesBody(List<string>? Assignees);
    public sealed record LockBody(string? LockReason);

    /// <summary>GitHub takes labels as names or as <c>{name}</c> objects; issue-label routes also take <c>{labels: […]}</c>.</summary>
    public static List<string>? LabelNames(JsonNode? node)
    {
        if (node is JsonObject obj && obj.ContainsKey("labels"))
        {
            node = obj["labels"] ?? new JsonArray();
        }
        if (node is null)
        {
            return null;
        }
        if (node is not JsonArray array)
        {
            throw AnvilException.BadRequest("labels must be an array of label names");
        }
        return array.Select(item => item switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonObject o when o["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String => n.GetValue<string>(),
            _ => throw AnvilException.BadRequest("labels must be an array of label names"),
        }).ToList();
    }

    private static List<string>? AssigneeNames(string? assignee, List<string>? assignees) =>
        assignees ?? (assignee is null ? null : assignee.Length == 0 ? [] : [assignee]);

    public static void MapIssueV1Endpoints(this IEndpointRouteBuilder app)
    {
        // The signed-in user's issues across repositories; with no organizations, GitHub's two lists are one.
        foreach (var path in new[] { "/api/v1/issues", "/api/v1/user/issues" })
        {
            app.MapGet(path, async (HttpContext ctx, CallerIssues issues, Repositories.RepositoryViews views) =>
            {
                var page = PageRequest.From(ctx.Request);
                var q = ctx.Request.Query;
                var filter = new IssueFilter(IssueFilter.ParseState(q["state"]), IssueFilter.ParseLabels(q["labels"]), null, null, null,
                    ctx.Request.Timestamp("since"), Order: IssueOrder.Parse(q["sort"].ToString() is { Length: > 0 } s ? s : null, ctx.Request.Ascending()));
                var list = await issues.ListAsync(CallerIssues.ParseInvolvement(q["filter"]), filter, page.Offset, page.PerPage, ctx.RequestAborted);
                // Each repository of the page shaped once, however many of its issues the page holds.
                var repositories = list.Items.Select(i => i.Repository).DistinctBy(r => r.Id).ToList();
                var shaped = (await views.V1Async(repositories, ctx.RequestAborted)).ToDictionary(r => r.Id);
                return page.Answer(ctx, list, i => i.ToV1(ctx.PublicBaseUrl()) with { Repository = shaped[i.Repository.Id] });
            }).RequireUser(Scopes.RepoRead);
        }

        var repo = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}").CacheAnonymousReads();

        repo.MapGet("/assignees", async (HttpContext ctx, RepositoryContext current, IssueService issues) =>
        {
            var page = PageRequest.From(ctx.Request);
            var list = await issues.ListAssigneesAsync(current.Grant, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, list, u => u.ToV1Simple(ctx.PublicBaseUrl()));
        });
        repo.MapGet("/assignees/{username}", async (HttpContext ctx, RepositoryContext current, string username, IssueService issues) =>
        {
            if (!await issues.IsAssignableAsync(current.Grant, username, ctx.RequestAborted))
            {
                throw AnvilException.NotFound("user cannot be assigned in this repository");
            }
            return TypedResults.NoContent();
        });
        repo.MapGet("/issues/comments", async (HttpContext ctx, RepositoryContext current, IssueService issues) =>
        {
            var page = PageRequest.From(ctx.Request);
            var sort = ctx.Request.Query["sort"].ToString();
            var list = await issues.ListRepositoryCommentsAsync(current.Grant, sort, ctx.Request.Ascending(), ctx.Request.Timestamp("since"),
                page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, list, c => c.ToV1(ctx.PublicBaseUrl()));
        });

        repo.MapGet("/issues", async (HttpContext ctx, RepositoryContext current, IssueService issues) =>
        {
            var page = PageRequest.From(ctx.Request);
            var list = await issues.ListAsync(current.Grant, IssueEndpoints.FilterFrom(ctx.Request), page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, list.Items, list.HasMore, list.Total, i => i.ToV1(ctx.PublicBaseUrl()));
        });
        repo.MapPost("/issues", async (HttpContext ctx, JsonBody<CreateBody> input, RepositoryContext current, IssueService issues) =>
        {
            var body = await input.ReadAsync();
            var issue = await issues.CreateAsync(current.Grant,
                new NewIssue(body.Title, body.Body, LabelNames(body.Labels), AssigneeNames(body.Assignee, body.Assignees)), ctx.RequestAborted);
            return ApiJson.Created(ctx, issue.ToV1(ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);

        var one = repo.MapGroup("/issues/{number:int}");
        one.MapGet("", async (HttpContext ctx, RepositoryContext current, int number, IssueService issues) =>
            ApiJson.Json(ctx, (await issues.GetAsync(current.Grant, number, ctx.RequestAborted)).ToV1(ctx.PublicBaseUrl())));
        one.MapPatch("", async (HttpContext ctx, JsonBody<UpdateBody> input, RepositoryContext current, int number, IssueService issues) =>
        {
            var body = await input.ReadAsync();
            var issue = await issues.UpdateAsync(current.Grant, number, new IssueChanges(body.Title, body.Body, body.State, body.StateReason,
                Labels: LabelNames(body.Labels), Assignees: AssigneeNames(body.Assignee, body.Assignees), Locked: body.Locked), ctx.RequestAborted);
            return ApiJson.Json(ctx, issue.ToV1(ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        one.MapDelete("", async (HttpContext ctx, RepositoryContext current, int number, IssueService issues) =>
        {
            await issues.DeleteAsync(current.Grant, number, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);
        one.MapPost("/assignees", async (HttpContext ctx, JsonBody<AssigneesBody> input, RepositoryContext current, int number, IssueService issues) =>
        {
            var body = await input.ReadAsync();
            var issue = await issues.UpdateAsync(current.Grant, number, new IssueChanges(AddAssignees: body.Assignees ?? []), ctx.RequestAborted);
            return ApiJson.Created(ctx, issue.ToV1(ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        one.MapDelete("/assignees", async (HttpContext ctx, JsonBody<AssigneesBody> input, RepositoryContext current, int number, IssueService issues) =>
        {
            var body = await input.ReadAsync();
            var issue = await issues.UpdateAsync(current.Grant, number, new IssueChanges(RemoveAssignees: body.Assignees ?? []), ctx.RequestAborted);
            return ApiJson.Json(ctx, issue.ToV1(ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        one.MapPut("/lock", async (HttpContext ctx, OptionalJsonBody<LockBody> input, RepositoryContext current, int number, IssueService issues) =>
            await SetLock(ctx, current, number, true, (await input.ReadAsync(new LockBody(null))).LockReason, issues)).RequireUser(Scopes.RepoWrite);
        one.MapDelete("/lock", (HttpContext ctx, RepositoryContext current, int number, IssueService issues) =>
            SetLock(ctx, current, number, false, null, issues)).RequireUser(Scopes.RepoWrite);

        one.MapGet("/comments", async (HttpContext ctx, RepositoryContext current, int number, IssueService issues) =>
        {
            var page = PageRequest.From(ctx.Request);
            var (_, comments) = await issues.ListCommentsAsync(current.Grant, number, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, comments, c => c.ToV1(ctx.PublicBaseUrl()));
        });
        one.MapPost("/comments", async (HttpContext ctx, JsonBody<CommentBody> input, RepositoryContext current, int number, IssueService issues) =>
        {
            var body = await input.ReadAsync();
            var comment = await issues.AddCommentAsync(current.Grant, number, body.Body, ctx.RequestAborted);
            return ApiJson.Created(ctx, comment.ToV1(ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);

        one.MapGet("/events", async (HttpContext ctx, RepositoryContext current, int number, IssueService issues) =>
        {
            var page = PageRequest.From(ctx.Request);
            var (issue, events) = await issues.ListEventsAsync(current.Grant, number, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, events, e => e.ToV1(issue.Repository, ctx.PublicBaseUrl()));
        });
        one.MapGet("/timeline", async (HttpContext ctx, RepositoryContext current, int number, IssueService issues) =>
        {
            var page = PageRequest.From(ctx.Request);
            var (issue, items) = await issues.TimelineAsync(current.Grant, number, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, items, i => i.ToV1(issue.Repository, ctx.PublicBaseUrl()));
        });
        repo.MapGet("/issues/events", async (HttpContext ctx, RepositoryContext current, IssueService issues) =>
        {
            var page = PageRequest.From(ctx.Request);
            var events = await issues.ListRepositoryEventsAsync(current.Grant, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, events, e => e.ToV1(ctx.PublicBaseUrl()));
        });
        repo.MapGet("/issues/events/{id:long}", async (HttpContext ctx, RepositoryContext current, long id, IssueService issues) =>
            ApiJson.Json(ctx, (await issues.GetEventAsync(current.Grant, id, ctx.RequestAborted)).ToV1(ctx.PublicBaseUrl())));

        var comment = repo.MapGroup("/issues/comments/{id:long}");
        comment.MapGet("", async (HttpContext ctx, RepositoryContext current, long id, IssueService issues) =>
            ApiJson.Json(ctx, (await issues.GetCommentAsync(current.Grant, id, null, ctx.RequestAborted)).ToV1(ctx.PublicBaseUrl())));
        comment.MapPatch("", async (HttpContext ctx, JsonBody<CommentBody> input, RepositoryContext current, long id, IssueService issues) =>
        {
            var body = await input.ReadAsync();
            var updated = await issues.UpdateCommentAsync(current.Grant, id, null, body.Body, ctx.RequestAborted);
            return ApiJson.Json(ctx, updated.ToV1(ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        comment.MapDelete("", async (HttpContext ctx, string owner, string name, RepositoryContext current, long id, IssueService issues) =>
        {
            await issues.DeleteCommentAsync(current.Grant, id, null, ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);

        // Labels of the repository, named by name as on GitHub.
        repo.MapGet("/labels", async (HttpContext ctx, RepositoryContext current, LabelService labels) =>
        {
            var page = PageRequest.From(ctx.Request);
            var list = await labels.ListAsync(current.Grant, page.Offset, page.PerPage, ctx.RequestAborted);
            return page.Answer(ctx, list, l => l.ToV1(current.Grant.Repository, ctx.PublicBaseUrl()));
        });
        repo.MapPost("/labels", async (HttpContext ctx, JsonBody<LabelBody> input, RepositoryContext current, LabelService labels) =>
        {
            var body = await input.ReadAsync();
            var label = await labels.CreateAsync(current.Grant, new LabelInput(body.Name, body.Color, body.Description), ctx.RequestAborted);
            return ApiJson.Created(ctx, label.ToV1(current.Grant.Repository, ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        repo.MapGet("/labels/{label}", async (HttpContext ctx, RepositoryContext current, string label, LabelService labels) =>
        {
            var found = await labels.GetAsync(current.Grant, LabelKey.ByName(label), ctx.RequestAborted);
            return ApiJson.Json(ctx, found.ToV1(current.Grant.Repository, ctx.PublicBaseUrl()));
        });
        // Octokit sends label edits as POST; GitHub accepts both.
        repo.MapMethods("/labels/{label}", [HttpMethods.Patch, HttpMethods.Post], async (HttpContext ctx, JsonBody<LabelBody> input, RepositoryContext current, string label, LabelService labels) =>
        {
            var body = await input.ReadAsync();
            var updated = await labels.UpdateAsync(current.Grant, LabelKey.ByName(label),
                new LabelInput(body.NewName ?? body.Name, body.Color, body.Description), ctx.RequestAborted);
            return ApiJson.Json(ctx, updated.ToV1(current.Grant.Repository, ctx.PublicBaseUrl()));
        }).RequireUser(Scopes.RepoWrite);
        repo.MapDelete("/labels/{label}", async (HttpContext ctx, RepositoryContext current, string label, LabelService labels) =>
        {
            await labels.DeleteAsync(current.Grant, LabelKey.ByName(label), ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);

        // Labels on one issue.
        one.MapGet("/labels", async (HttpContext ctx, RepositoryContext current, int number, IssueService issues) =>
            IssueLabels(ctx, await issues.GetAsync(current.Grant, number, ctx.RequestAborted)));
        one.MapPost("/labels", async (HttpContext ctx, JsonBody<JsonNode> input, RepositoryContext current, int number, IssueService issues) =>
        {
            var names = LabelNames(await input.ReadAsync()) ?? [];
            return IssueLabels(ctx, await issues.UpdateAsync(current.Grant, number, new IssueChanges(AddLabels: names), ctx.RequestAborted));
        }).RequireUser(Scopes.RepoWrite);
        one.MapPut("/labels", async (HttpContext ctx, OptionalJsonBody<JsonNode> input, RepositoryContext current, int number, IssueService issues) =>
        {
            var names = LabelNames(await input.ReadAsync(new JsonArray())) ?? [];
            return IssueLabels(ctx, await issues.UpdateAsync(current.Grant, number, new IssueChanges(Labels: names), ctx.RequestAborted));
        }).RequireUser(Scopes.RepoWrite);
        one.MapDelete("/labels", async (HttpContext ctx, RepositoryContext current, int number, IssueService issues) =>
        {
            await issues.UpdateAsync(current.Grant, number, new IssueChanges(Labels: []), ctx.RequestAborted);
            return TypedResults.NoContent();
        }).RequireUser(Scopes.RepoWrite);
        one.MapDelete("/labels/{label}", async (HttpContext ctx, RepositoryContext current, int number, string label, IssueService issues) =>
            IssueLabels(ctx, await issues.UpdateAsync(current.Grant, number, new IssueChanges(RemoveLabels: [label]), ctx.RequestAborted)))
            .RequireUser(Scopes.RepoWrite);
    }

    private static JsonOk<IEnumerable<IssueViews.V1Label>> IssueLabels(HttpContext ctx, IssueDetails issue) =>
        ApiJson.Json(ctx, issue.Labels.Select(l => l.ToV1(issue.Repository, ctx.PublicBaseUrl())));

    private static async Task<NoContent> SetLock(HttpContext ctx, RepositoryContext current, int number, bool locked, string? reason, IssueService issues)
    {
        await issues.UpdateAsync(current.Grant, number, new IssueChanges(Locked: locked, LockReason: reason), ctx.RequestAborted);
        return TypedResults.NoContent();
    }
}

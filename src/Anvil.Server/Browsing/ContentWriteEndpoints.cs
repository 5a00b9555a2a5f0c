using Anvil.Server.Repositories;
using Anvil.Server.Auth;
using Anvil.Server.GitData;
using Anvil.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Anvil.Server.Browsing;

/// <summary>GitHub's contents writes (<c>PUT</c>/<c>DELETE /api/v1/repos/{owner}/{name}/contents/{path}</c>), answering <c>{content, commit}</c>.</summary>
public static class ContentWriteEndpoints
{
    public sealed record PutBody(string? Message, string? Content, string? Sha, string? Branch, PersonInput? Author, PersonInput? Committer);

    public sealed record DeleteBody(string? Message, string? Sha, string? Branch, PersonInput? Author, PersonInput? Committer);

    public sealed record ChangeView(BrowsingV1Views.ContentView? Content, GitDataViews.Commit Commit);

    public static void MapContentWriteEndpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}");

        repo.MapPut("/contents/{*path}", async Task<Results<JsonCreated<ChangeView>, JsonOk<ChangeView>>> (HttpContext ctx, JsonBody<PutBody> input,
            RepositoryContext current, string path, ContentWriteService contents) =>
        {
            var b = await input.ReadAsync();
            var result = await contents.WriteAsync(current.Grant, BrowsingEndpoints.CatchAll(path),
                new FileChange(b.Message, b.Content, b.Sha, b.Branch, b.Author, b.Committer), delete: false, ctx.RequestAborted);
            var view = View(ctx, result);
            return result.Created ? ApiJson.Created(ctx, view) : ApiJson.Json(ctx, view);
        }).RequireUser(Scopes.RepoWrite);

        repo.MapDelete("/contents/{*path}", async (HttpContext ctx, JsonBody<DeleteBody> input, RepositoryContext current, string path,
            ContentWriteService contents) =>
        {
            var b = await input.ReadAsync();
            var result = await contents.WriteAsync(current.Grant, BrowsingEndpoints.CatchAll(path),
                new FileChange(b.Message, null, b.Sha, b.Branch, b.Author, b.Committer), delete: true, ctx.RequestAborted);
            return ApiJson.Json(ctx, View(ctx, result));
        }).RequireUser(Scopes.RepoWrite);
    }

    private static ChangeView View(HttpContext ctx, FileChangeResult result)
    {
        var baseUrl = ctx.PublicBaseUrl();
        var content = result.File?.ToV1(result.Branch, new BrowsingV1Views.Links(baseUrl, result.Repository));
        return new ChangeView(content, result.Commit.ToView(new GitDataViews.Links(baseUrl, result.Repository)));
    }
}

using Anvil.Server.Repositories;
using System.ComponentModel.DataAnnotations;
using Anvil.Server.Infrastructure.Caching;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Anvil.Server.Browsing;

/// <summary>Code browsing on the sigmagit surface: branches, commits, diffs, trees and files under <c>/api/repositories/{owner}/{name}</c>.</summary>
public static class BrowsingEndpoints
{
    public sealed record CreateBranchBody([property: Required] string? Branch, string? FromRef);

    /// <summary>The ref a request names: <c>branch</c> as the seed documents it, <c>ref</c> as an alias; null for the default branch.</summary>
    private static string? RefOf(HttpRequest request) =>
        request.Query["branch"].ToString() is { Length: > 0 } b ? b : request.Query["ref"].ToString() is { Length: > 0 } r ? r : null;

    /// <summary>
    /// A catch-all route value (a branch or path with slashes) keeps "%2F" encoded; clients that escape whole paths
    /// mean a separator by it, and validation must see the value as git would.
    /// </summary>
    internal static string CatchAll(string value) => value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    private static bool Flag(HttpRequest request, string name) => request.Query[name].ToString() is "1" or "true";

    public static void MapBrowsingEndpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/repositories/{owner}/{name}").CacheAnonymousReads();

        repo.MapGet("/branches", async (HttpContext ctx, RepositoryContext current, BrowsingService browsing) =>
        {
            var list = await browsing.ListBranchesAsync(current.Grant, ctx.RequestAborted);
            return ApiJson.Json(ctx, new BrowsingViews.BranchList(list.Branches.Select(b => b.ToView())));
        });
        repo.MapPost("/branches", async (HttpContext ctx, JsonBody<CreateBranchBody> input, RepositoryContext current, BrowsingService browsing) =>
        {
            var body = await input.ReadAsync();
            var branch = await browsing.CreateBranchAsync(current.Grant, body.Branch, body.FromRef, ctx.RequestAborted);
            return ApiJson.Created(ctx, new BrowsingViews.BranchEnvelope(branch.ToView()));
        }).RequireUser(Scopes.RepoWrite);
        repo.MapDelete("/branches/{*branch}", async (HttpContext ctx, RepositoryContext current, string branch, BrowsingService browsing) =>
        {
            await browsing.DeleteBranchAsync(current.Grant, CatchAll(branch), ctx.RequestAborted);
            return ApiJson.Success(ctx);
        }).RequireUser(Scopes.RepoWrite);

        repo.MapGet("/commits", async (HttpContext ctx, RepositoryContext current, BrowsingService browsing) =>
        {
            var page = OffsetPage.From(ctx.Request, offsetName: "skip");
            var list = await browsing.ListCommitsAsync(current.Grant, RefOf(ctx.Request), ctx.Request.Query["path"], page.Offset, page.Limit, ctx.RequestAborted);
            return ApiJson.Json(ctx, new BrowsingViews.CommitList(list.Commits.Select(c => c.ToView(list.Users)), list.HasMore));
        });
        repo.MapGet("/commits/{oid}/diff", async (HttpContext ctx, RepositoryContext current, string oid, BrowsingService browsing) =>
            ApiJson.Json(ctx, (await browsing.GetCommitAsync(current.Grant, oid, ctx.RequestAborted)).ToView()));

        repo.MapGet("/tree", async (HttpContext ctx, RepositoryContext current, BrowsingService browsing) =>
        {
            var tree = await browsing.GetTreeAsync(current.Grant, RefOf(ctx.Request), ctx.Request.Query["path"], Flag(ctx.Request, "lastCommit"), ctx.RequestAborted);
            return ApiJson.Json(ctx, tree.ToView());
        });
        // return=1 answers the raw bytes (written directly) instead of the JSON file view.
        repo.MapGet("/file", async Task<Results<JsonOk<BrowsingViews.File>, EmptyHttpResult>> (HttpContext ctx, RepositoryContext current, BrowsingService browsing) =>
        {
            if (Flag(ctx.Request, "return"))
            {
                var (_, path, content) = await browsing.OpenFileAsync(current.Grant, RefOf(ctx.Request), ctx.Request.Query["path"], ctx.RequestAborted);
                await RawContent.WriteAsync(ctx, path, content);
                return TypedResults.Empty;
            }
            var file = await browsing.GetFileAsync(current.Grant, RefOf(ctx.Request), ctx.Request.Query["path"], ctx.RequestAborted);
            return ApiJson.Json(ctx, file.ToView());
        });
    }
}

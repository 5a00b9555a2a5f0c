using Anvil.Server.Infrastructure.Caching;
using Anvil.Server.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Anvil.Server.Repositories;

namespace Anvil.Server.Browsing;

/// <summary>Branches, commits and contents in GitHub's paths and shapes under <c>/api/v1/repos/{owner}/{name}</c>.</summary>
public static class BrowsingV1Endpoints
{
    private static BrowsingV1Views.Links LinksFor(HttpContext ctx, Repository repo) => new(ctx.PublicBaseUrl(), repo);

    public static void MapBrowsingV1Endpoints(this IEndpointRouteBuilder app)
    {
        var repo = app.MapRepositoryGroup("/api/v1/repos/{owner}/{name}").CacheAnonymousReads();

        repo.MapGet("/branches", async (HttpContext ctx, RepositoryContext current, BrowsingService browsing) =>
        {
            var page = PageRequest.From(ctx.Request);
            var list = await browsing.ListBranchesAsync(current.Grant, ctx.RequestAborted);
            var links = LinksFor(ctx, list.Repository);
            return page.Answer(ctx, page.Of(list.Branches), b => b.ToV1(links));
        });
        repo.MapGet("/branches/{*branch}", async (HttpContext ctx, RepositoryContext current, string branch, BrowsingService browsing) =>
        {
            var (repository, info, tip, users) = await browsing.GetBranchWithCommitAsync(current.Grant, BrowsingEndpoints.CatchAll(branch), ctx.RequestAborted);
            return ApiJson.Json(ctx, info.ToV1(tip, users, LinksFor(ctx, repository)));
        });

        repo.MapGet("/commits", async (HttpContext ctx, RepositoryContext current, BrowsingService browsing, BrowsingCache cache) =>
        {
            var page = PageRequest.From(ctx.Request);
            var q = ctx.Request.Query;
            var query = new CommitQuery(q["path"], ctx.Request.Timestamp("since"), ctx.Request.Timestamp("until"), q["author"]);
            // Counted, for "last": PyGithub's totalCount reads it.
            var list = await browsing.ListCommitsAsync(current.Grant, q["sha"], query, page.Offset, page.PerPage, count: true, ctx.RequestAborted);
            var links = LinksFor(ctx, list.Target.Repository);
            return page.AnswerSerialized(ctx, list.Commits, list.HasMore, list.Total, c => cache.V1Commit(c, list.Users, links));
        });
        repo.MapGet("/commits/{sha}", async Task<Results<JsonOk<BrowsingV1Views.CommitView>, FileContentHttpResult>> (HttpContext ctx,
            RepositoryContext current, string sha, BrowsingService browsing) =>
        {
            if (ChangeMediaTypes.Requested(ctx.Request) is { } format)
            {
                return ChangeMediaTypes.Answer(await browsing.GetCommitChangeTextAsync(current.Grant, sha, format, ctx.RequestAborted), format);
            }
            var detail = await browsing.GetCommitAsync(current.Grant, sha, ctx.RequestAborted);
            return ApiJson.Json(ctx, detail.Commit.ToV1(detail.Users, LinksFor(ctx, detail.Target.Repository), detail.Diff));
        });

        repo.MapGet("/contents", (HttpContext ctx, RepositoryContext current, BrowsingService browsing) => ContentsAsync(ctx, current, "", browsing));
        repo.MapGet("/contents/{*path}", (HttpContext ctx, RepositoryContext current, string path, BrowsingService browsing) =>
            ContentsAsync(ctx, current, BrowsingEndpoints.CatchAll(path), browsing));
    }

    /// <summary>A directory's entries, a file, or (with GitHub's raw media type) the file's bytes, written directly.</summary>
    private static async Task<Results<JsonOk<IEnumerable<BrowsingV1Views.ContentView>>, JsonOk<BrowsingV1Views.ContentView>, EmptyHttpResult>> ContentsAsync(HttpContext ctx, RepositoryContext current, string path, BrowsingService browsing)
    {
        var gitRef = ctx.Request.Query["ref"].ToString() is { Length: > 0 } r ? r : null;
        // GitHub's raw media type asks for the bytes themselves instead of JSON.
        var rawType = new[] { "application/vnd.github.raw", "application/vnd.github.v3.raw" }
            .FirstOrDefault(t => ctx.Request.Headers.Accept.ToString().Contains(t, StringComparison.OrdinalIgnoreCase));
        if (rawType is not null)
        {
            var (_, filePath, content) = await browsing.OpenFileAsync(current.Grant, gitRef, path, ctx.RequestAborted);
            await RawContent.WriteAsync(ctx, filePath, content, rawType);
            return TypedResults.Empty;
        }
        var contents = await browsing.GetContentsAsync(current.Grant, gitRef, path, ctx.RequestAborted);
        var links = LinksFor(ctx, contents.Target.Repository);
        if (contents.Children is { } children)
        {
            return ApiJson.Json(ctx, children.Select(e => e.ToV1(contents.Target.Ref, links)));
        }
        return ApiJson.Json(ctx, contents.File!.ToV1(contents.Target.Ref, links));
    }
}

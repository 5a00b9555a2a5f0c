using System.Text.Json;
using System.Text.Json.Nodes;
using Anvil.Server.Infrastructure.Caching;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Server.Users;

namespace Anvil.Server.Search;

public static class SearchEndpoints
{
    /// <summary>sigmagit's search answer; what <see cref="Results"/> holds depends on the <c>type</c> asked for (repositories, users, issues or pulls).</summary>
    public sealed record SigmagitResults(IEnumerable<object> Results, bool HasMore, string Query);

    /// <summary>GitHub's search answer.</summary>
    public sealed record V1Results(int TotalCount, bool IncompleteResults, IEnumerable<object> Items);

    public static void MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/search", async (HttpContext ctx, SearchService search, RepositoryViews repoViews) =>
        {
            var page = OffsetPage.From(ctx.Request, defaultLimit: 20);
            var raw = ctx.Request.Query["q"].ToString();
            var kind = SearchService.KindOf(ctx.Request.Query["type"]);
            var found = await search.SearchAsync(kind, SearchQuery.Parse(raw), page.Offset, page.Limit, ctx.RequestAborted);
            IEnumerable<object> results = kind switch
            {
                SearchKinds.Repository => await repoViews.SigmagitAsync(await search.RepositoriesAsync(found.Items, ctx.RequestAborted), ctx.RequestAborted),
                SearchKinds.User => (await search.UsersAsync(found.Items, ctx.RequestAborted)).Select(u => u.ToProfile(ctx.PublicBaseUrl())).ToList(),
                _ => await IssueResultsAsync(ctx, found.Items, v1: false),
            };
            return ApiJson.Json(ctx, new SigmagitResults(results, found.HasMore, raw));
        }).CacheAnonymousReads();

        foreach (var (path, kind) in new[] { ("repositories", SearchKinds.Repository), ("users", SearchKinds.User), ("issues", SearchKinds.Issue) })
        {
            app.MapGet("/api/v1/search/" + path, async (HttpContext ctx, SearchService search, RepositoryViews repoViews) =>
            {
                var page = PageRequest.From(ctx.Request);
                var raw = ctx.Request.Query["q"].ToString();
                if (string.IsNullOrWhiteSpace(raw))
                {
                    throw AnvilException.Invalid("q is required");
                }
                var query = SearchQuery.Parse(raw);
                // GitHub's user search sorts by followers and repositories, which Anvil does not keep: it stays best match.
                var sort = kind == SearchKinds.User ? null : SearchSort.Parse(kind, ctx.Request.Query["sort"], ctx.Request.Query["order"]);
                // GitHub's issue search spans pull requests too, told apart by is:pr / is:issue.
                var found = kind == SearchKinds.Issue
                    ? await search.SearchIssuesAndPullsAsync(query, page.Offset, page.PerPage, ctx.RequestAborted, sort)
                    : await search.SearchAsync(kind, query, page.Offset, page.PerPage, ctx.RequestAborted, sort);
                IEnumerable<object> items = kind switch
                {
                    SearchKinds.Repository => await repoViews.V1Async(await search.RepositoriesAsync(found.Items, ctx.RequestAborted), ctx.RequestAborted),
                    SearchKinds.User => (await search.UsersAsync(found.Items, ctx.RequestAborted)).Select(u => u.ToV1Simple(ctx.PublicBaseUrl())).ToList(),
                    _ => await IssueResultsAsync(ctx, found.Items, v1: true),
                };
                return page.AnswerWrapped(ctx, new Page<SearchDocument>(found.Items, found.HasMore, found.Total),
                    list => new V1Results(list.Total, found.Incomplete, items.Select(Scored).ToList()));
            }).CacheAnonymousReads();
        }
    }

    /// <summary>
    /// A search item with GitHub's <c>score</c>. Items come in relevance order already and Anvil does not expose its
    /// ranks (bm25 and ts_rank do not compare), so every item scores 1.0, as GitHub scores hits of a query without text.
    /// </summary>
    private static JsonObject Scored(object item)
    {
        var node = JsonSerializer.SerializeToNode(item, item.GetType(), Surfaces.V1Json)!.AsObject();
        node["score"] = 1.0;
        return node;
    }

    /// <summary>Issue and pull request hits, in the issues feature's shapes.</summary>
    private static async Task<IEnumerable<object>> IssueResultsAsync(HttpContext ctx, List<SearchDocument> docs, bool v1)
    {
        var presenter = ctx.RequestServices.GetService<ISearchResultPresenter>();
        return presenter is null ? [] : await presenter.PresentAsync(docs, v1, ctx.RequestAborted);
    }
}

/// <summary>Turns issue/pull documents into the issues feature's views (implemented there).</summary>
public interface ISearchResultPresenter
{
    Task<IEnumerable<object>> PresentAsync(IReadOnlyList<SearchDocument> docs, bool v1, CancellationToken ct);
}

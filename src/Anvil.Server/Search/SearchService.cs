using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Search;

/// <summary>A full-text hit: the document and its relevance (lower ranks first).</summary>
public sealed record RankedHit(long Id, double Rank);

/// <summary>
/// Ranked full-text search over repositories, users, issues and pull requests, on SQLite FTS5 or
/// PostgreSQL tsvector. Results are filtered by the same visibility rule as every other route.
/// </summary>
public sealed class SearchService(AnvilDbContext db, RepositoryAccess access)
{
    public Task<Page<SearchDocument>> SearchAsync(string kind, SearchQuery query, int offset, int limit, CancellationToken ct) =>
        SearchAsync([kind], query, offset, limit, ct);

    /// <summary>
    /// GitHub's issue search: issues and pull requests together, unless <c>is:issue</c> or <c>is:pr</c> picks one.
    /// </summary>
    public Task<Page<SearchDocument>> SearchIssuesAndPullsAsync(SearchQuery query, int offset, int limit, CancellationToken ct) =>
        SearchAsync(query.IsPullRequest switch
        {
            true => [SearchKinds.PullRequest],
            false => [SearchKinds.Issue],
            null => [SearchKinds.Issue, SearchKinds.PullRequest],
        }, query, offset, limit, ct);

    /// <param name="kinds">One kind, or two searched together.</param>
    private async Task<Page<SearchDocument>> SearchAsync(IReadOnlyList<string> kinds, SearchQuery query, int offset, int limit, CancellationToken ct)
    {
        var (first, second) = (kinds[0], kinds[^1]);
        IQueryable<SearchDocument> docs = db.Set<SearchDocument>().Where(d => d.Kind == first || d.Kind == second);
        var issueKinds = kinds.All(k => k is SearchKinds.Issue or SearchKinds.PullRequest);
        if (kinds.Any(k => k is SearchKinds.Repository or SearchKinds.Issue or SearchKinds.PullRequest))
        {
            var visible = access.Visible();
            if (query.RepoOwner is not null)
            {
                var owner = NameRules.Normalize(query.RepoOwner);
                var name = RepositoryNames.Normalize(query.RepoName!);
                visible = visible.Where(r => r.Owner.NormalizedUsername == owner && r.NormalizedName == name);
            }
            if (query.User is not null)
            {
                var user = NameRules.Normalize(query.User);
                visible = visible.Where(r => r.Owner.NormalizedUsername == user);
            }
            docs = docs.Where(d => visible.Any(r => r.Id == d.RepositoryId));
        }
        if (query.State is not null && issueKinds)
        {
            docs = docs.Where(d => d.State == query.State);
        }
        if (query.Author is not null && issueKinds)
        {
            // An issue's document carries its author in UserId.
            var author = NameRules.Normalize(query.Author);
            docs = docs.Where(d => d.User!.NormalizedUsername == author);
        }

        var hits = Hits(query);
        if (hits is null)
        {
            return await docs.OrderByDescending(d => d.UpdatedAt).ThenByDescending(d => d.Id).ToPageAsync(offset, limit, ct);
        }
        var ranked = from d in docs
                     join h in hits on d.Id equals h.Id
                     orderby h.Rank, d.UpdatedAt descending, d.Id descending
                     select d;
        return await ranked.ToPageAsync(offset, limit, ct);
    }

    /// <summary>The full-text matches with their rank, or null when the query has no free text.</summary>
    private IQueryable<RankedHit>? Hits(SearchQuery query)
    {
        if (db.Database.IsNpgsql())
        {
            var tsquery = query.ToTsQuery();
            return tsquery.Length == 0 ? null : db.Database.SqlQuery<RankedHit>(
                $"""SELECT d."Id" AS "Id", -ts_rank(d.search_vector, to_tsquery('simple', {tsquery}))::float8 AS "Rank" FROM "SearchDocuments" d WHERE d.search_vector @@ to_tsquery('simple', {tsquery})""");
        }
        var fts = query.ToFts5();
        // bm25 is lower-is-better already; titles weigh ten times the body.
        return fts.Length == 0 ? null : db.Database.SqlQuery<RankedHit>(
            $"SELECT rowid AS Id, bm25(search_fts, 10.0, 1.0) AS Rank FROM search_fts WHERE search_fts MATCH {fts}");
    }

    /// <summary>Loads the entities behind a page of documents, in the page's order.</summary>
    public async Task<List<Repository>> RepositoriesAsync(IEnumerable<SearchDocument> docs, CancellationToken ct)
    {
        var ids = docs.Select(d => d.RepositoryId!.Value).ToList();
        var repos = await db.Repositories.Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(f => f!.Owner)
            .Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        return ids.Where(repos.ContainsKey).Select(id => repos[id]).ToList();
    }

    public async Task<List<User>> UsersAsync(IEnumerable<SearchDocument> docs, CancellationToken ct)
    {
        var ids = docs.Select(d => d.UserId!.Value).ToList();
        var users = await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        return ids.Where(users.ContainsKey).Select(id => users[id]).ToList();
    }

    public static string KindOf(string? type) => type switch
    {
        null or "" or "repositories" => SearchKinds.Repository,
        "users" => SearchKinds.User,
        "issues" => SearchKinds.Issue,
        "pulls" => SearchKinds.PullRequest,
        _ => throw AnvilException.BadRequest("type must be one of repositories, issues, pulls, users"),
    };
}

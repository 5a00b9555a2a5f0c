using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Anvil.Server.Search;

/// <summary>A full-text hit: the document and its relevance (lower ranks first).</summary>
public sealed record RankedHit(long Id, double Rank);

/// <summary>
/// One page of search results. <see cref="Total"/> counts at most <see cref="SearchService.MostRanked"/> matches;
/// <see cref="Incomplete"/> says there were more (GitHub's <c>incomplete_results</c>).
/// </summary>
public sealed record SearchPage(List<SearchDocument> Items, bool HasMore, int Total, bool Incomplete)
{
    public static readonly SearchPage Empty = new([], false, 0, false);
}

/// <summary>
/// Ranked full-text search over repositories, users, issues (with their comments) and pull requests, on SQLite FTS5 or
/// PostgreSQL tsvector. Results are filtered by the same visibility rule as every other route. Words match their
/// forms (<c>flamingos</c> finds <c>flamingo</c>): FTS5's porter stemmer; on PostgreSQL the <c>english</c>
/// configuration beside <c>simple</c>, which keeps the words English drops (a repository called "the").
/// </summary>
public sealed class SearchService(AnvilDbContext db, RepositoryAccess access, Auth.Caller caller, Infrastructure.Caching.RecentReads recent)
{
    /// <param name="sort">GitHub's sort (null: best match), applied to the matches ranked.</param>
    public Task<SearchPage> SearchAsync(string kind, SearchQuery query, int offset, int limit, CancellationToken ct, SearchSort? sort = null) =>
        SearchAsync([kind], query, offset, limit, sort, ct);

    /// <summary>
    /// GitHub's issue search: issues and pull requests together, unless <c>is:issue</c> or <c>is:pr</c> picks one.
    /// </summary>
    public Task<SearchPage> SearchIssuesAndPullsAsync(SearchQuery query, int offset, int limit, CancellationToken ct, SearchSort? sort = null) =>
        // Merged or not is a pull request's state: is:merged and is:unmerged find only pull requests, as on GitHub.
        SearchAsync((query.IsMerged is null ? query.IsPullRequest : true) switch
        {
            true => [SearchKinds.PullRequest],
            false => [SearchKinds.Issue],
            null => [SearchKinds.Issue, SearchKinds.PullRequest],
        }, query, offset, limit, sort, ct);

    /// <summary>
    /// Most matches a search ranks or counts. Past it, the answer says so (<see cref="SearchPage.Incomplete"/>, a total
    /// of this many) and lists the newest matches first, unranked: a word in every issue of a big repository must not
    /// cost a rank, and a sort, of each. GitHub likewise serves no result past the thousandth.
    /// </summary>
    public const int MostRanked = 1000;

    /// <summary>Up to how many places (issues and comments) a word may be said for its issues to be listed outright.</summary>
    private const int FewSaid = 5000;

    /// <summary>What one search asks, as a value: the same search by a caller who sees the same repositories.</summary>
    private sealed record SearchOf(string Kinds, SearchQuery Query, string Topics, int Offset, int Limit, SearchSort? Sort,
        long? Reader, bool ReaderIsAdmin, bool TokenReads);

    /// <param name="kinds">One kind, or two searched together.</param>
    /// <remarks>
    /// A page is kept while nothing changed (<see cref="Infrastructure.Caching.RecentReads"/>), for callers who see the same
    /// repositories: the same user with a credential that reads as much (an <c>@me</c> names that user too).
    /// </remarks>
    private Task<SearchPage> SearchAsync(IReadOnlyList<string> kinds, SearchQuery query, int offset, int limit, SearchSort? sort, CancellationToken ct) =>
        recent.GetAsync(db, new SearchOf(string.Join(' ', kinds), query with { Topics = null }, string.Join('\n', query.Topics ?? []), offset, limit, sort,
                caller.UserId, caller.User?.IsAdmin == true, access.TokenCap >= RepositoryPermission.Read),
            c => ComputeAsync(kinds, query, offset, limit, sort, c), page => page with { Items = page.Items.Select(d => d.Copy()).ToList() }, ct);

    private async Task<SearchPage> ComputeAsync(IReadOnlyList<string> kinds, SearchQuery query, int offset, int limit, SearchSort? sort, CancellationToken ct)
    {
        var (first, second) = (kinds[0], kinds[^1]);
        var matching = Matching(query);
        var issueKinds = kinds.All(k => k is SearchKinds.Issue or SearchKinds.PullRequest);
        // Where the words may be said: issues are found by their comments too.
        var said = issueKinds ? matching?.Where(m => m.Kind == first || m.Kind == second || m.Kind == SearchKinds.IssueComment) : null;
        long? repoId = null;
        IQueryable<Repository>? visible = null;
        if (kinds.Any(k => k is SearchKinds.Repository or SearchKinds.Issue or SearchKinds.PullRequest))
        {
            visible = access.Visible();
            if (query.User is not null)
            {
                var user = NameRules.Normalize(query.User);
                visible = visible.Where(r => r.Owner.NormalizedUsername == user);
            }
            if (query.RepoOwner is not null)
            {
                // One repository named: settle which (and whether the caller may see it) first, so the search runs
                // within its documents only.
                var owner = NameRules.Normalize(query.RepoOwner);
                var name = RepositoryNames.Normalize(query.RepoName!);
                repoId = await visible.Where(r => r.Owner.NormalizedUsername == owner && r.NormalizedName == name)
                    .Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
                if (repoId is null)
                {
                    return SearchPage.Empty;
                }
                said = said?.Where(m => m.RepositoryId == repoId);
            }
            else
            {
                said = said?.Where(m => visible.Any(r => r.Id == m.RepositoryId));
            }
        }

        // Every condition but the free text, on the documents of a source (all of them, or those saying the words).
        IQueryable<SearchDocument> Candidates(IQueryable<SearchDocument> source)
        {
            // A comment is never a kind asked for; saying so lets the query use the recency index, which leaves comments out.
            var docs = source.AsNoTracking().Where(d => d.Kind != SearchKinds.IssueComment && (d.Kind == first || d.Kind == second));
            if (repoId is not null)
            {
                docs = docs.Where(d => d.RepositoryId == repoId);
            }
            else if (visible is not null)
            {
                docs = docs.Where(d => visible.Any(r => r.Id == d.RepositoryId));
            }
            if (kinds.Contains(SearchKinds.Repository))
            {
                foreach (var topic in query.Topics ?? [])
                {
                    docs = docs.Where(d => db.RepositoryTopics.Any(t => t.RepositoryId == d.RepositoryId && t.Name == topic));
                }
            }
            if (query.State is not null && issueKinds)
            {
                docs = docs.Where(d => d.State == query.State);
            }
            if (query.Author is not null && issueKinds)
            {
                // An issue's document carries its author in UserId.
                var author = NameRules.Normalize(Named(query.Author));
                docs = docs.Where(d => d.User!.NormalizedUsername == author);
            }
            if (query.Assignee is not null && issueKinds)
            {
                var assignee = NameRules.Normalize(Named(query.Assignee));
                docs = docs.Where(d => db.IssueAssignees.Any(a => a.IssueId == d.IssueId && a.User.NormalizedUsername == assignee));
            }
            if (query.IsMerged is { } merged && issueKinds)
            {
                docs = docs.Where(d => db.PullRequests.Any(p => p.IssueId == d.IssueId && (p.MergedAt != null) == merged));
            }
            return docs;
        }

        var docs = Candidates(issueKinds ? db.Set<SearchDocument>() : matching ?? db.Set<SearchDocument>());
        List<long>? newest = null;
        if (said is not null)
        {
            // Within one repository, a word said by most of its newest candidates themselves (PostgreSQL): the newest
            // matches are among those, found by testing each (its recency index walks them; across repositories no index
            // does, so there the list of places below is cheaper). Otherwise, words said in few places: settle those
            // issues first and look among them only. Otherwise the newest matches are found by walking the documents
            // newest-first until enough match, which reads all of a big repository when few do (seconds at a million issues).
            var postgres = db.Database.IsNpgsql();
            await using var tx = postgres ? await PlannedForTheirValuesAsync(ct) : null;
            if (repoId is not null && postgres)
            {
                newest = await SaidByMostOfTheNewestAsync(Candidates, query.ToTsQuery(), ct);
            }
            if (newest is null)
            {
                var sample = await said.Select(m => m.IssueId).Take(FewSaid + 1).ToListAsync(ct);
                if (sample.Count <= FewSaid)
                {
                    var few = sample.Distinct().ToList();
                    docs = docs.Where(d => few.Contains(d.IssueId));
                }
                else
                {
                    var issueIds = said.Select(m => m.IssueId);
                    docs = docs.Where(d => issueIds.Contains(d.IssueId));
                }
                newest = await NewestIdsAsync(docs, ct);
            }
        }

        // The newest matches, one more than ranked: both the count (up to the cap) and, past it, the order.
        newest ??= await NewestIdsAsync(docs, ct);
        var incomplete = newest.Count > MostRanked;
        if (incomplete)
        {
            newest.RemoveAt(MostRanked);
        }
        var ordered = matching is null || incomplete ? newest : await RankAsync(query, newest, ct);
        // A sort orders what was ranked: past the cap, like the ranking, only the newest matches.
        if (sort is not null)
        {
            ordered = await sort.ApplyAsync(db, ordered, ct);
        }
        var pageIds = ordered.Skip(offset).Take(limit + 1).ToList();
        var hasMore = pageIds.Count > limit;
        if (hasMore)
        {
            pageIds.RemoveAt(limit);
        }
        var rows = pageIds.Count == 0 ? [] : await db.Set<SearchDocument>().AsNoTracking().Where(d => pageIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
        return new SearchPage(pageIds.Where(rows.ContainsKey).Select(id => rows[id]).ToList(), hasMore, newest.Count, incomplete);
    }

    /// <summary>A username of a qualifier, <see cref="SearchQuery.Me"/> being the signed-in caller (GitHub's 422 for nobody signed in).</summary>
    private string Named(string username) =>
        !string.Equals(username, SearchQuery.Me, StringComparison.OrdinalIgnoreCase) ? username
        : caller.User?.Username ?? throw AnvilException.Invalid("@me names the signed-in user; sign in to use it");

    /// <summary>
    /// The documents matching the query's free text, or null when it has none. A query to filter further: the database
    /// then weighs the text match with every other condition on the same rows (the repository's documents by recency,
    /// or the text index when few match). On PostgreSQL the words stand in the condition itself, not as
    /// <see cref="TsQueryOnce"/>: a plan for the text index needs to see them to judge how many documents say them.
    /// </summary>
    private IQueryable<SearchDocument>? Matching(SearchQuery query)
    {
        if (db.Database.IsNpgsql())
        {
            var tsquery = query.ToTsQuery();
            return tsquery.Length == 0 ? null : db.Set<SearchDocument>().FromSql(
                $"""SELECT * FROM "SearchDocuments" WHERE search_vector @@ (to_tsquery('english', {tsquery}) || to_tsquery('simple', {tsquery}))""");
        }
        var fts = query.ToFts5();
        return fts.Length == 0 ? null : db.Set<SearchDocument>().FromSql(
            $"SELECT * FROM SearchDocuments WHERE Id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {fts})");
    }

    /// <summary>
    /// PostgreSQL: the words of the search (parameter <c>{0}</c>) as a tsquery, for a statement that tests them row by
    /// row. A scalar subquery, so each statement builds it once: written as the bare expression, a prepared statement's
    /// generic plan (Npgsql prepares, PostgreSQL turns generic after five runs) calls both <c>to_tsquery</c> for every
    /// row it tests, ~3 µs a row, which was two thirds of testing the newest thousand issues of a big repository.
    /// </summary>
    private const string TsQueryOnce = "(SELECT to_tsquery('english', {0}) || to_tsquery('simple', {0}))";

    /// <summary>How many of the newest candidates a word said nearly everywhere is looked for in, row by row.</summary>
    private const int NewestLooked = 2 * (MostRanked + 1);

    /// <summary>
    /// PostgreSQL: a transaction (unless one is open) whose statements are planned for their values each time and run
    /// without parallel workers.
    /// <list type="bullet">
    /// <item>How many documents say the words, and how many a range of recent documents holds, is what decides a
    /// plan: a prepared statement's generic plan, which cannot know them, judged one title unselective and read all of a
    /// repository's documents beside the text index (~30 ms at a million issues), and a range's bound passed as a
    /// parameter widened to the whole repository. Planning each time costs up to a millisecond at a million issues; a
    /// bound written into the statement's text instead made the first search after each write compile new statements
    /// (~4 ms more, and the compiled-query cache filled with statements used once).</item>
    /// <item>The planner judges how many rows a range holds from the whole table's statistics, where newer documents of
    /// other kinds and repositories (comments, above all) count too: it took a couple of thousand rows for two hundred
    /// thousand and started workers for them (~12 ms of start-up for ~2 ms of work). No search statement is worth a
    /// worker.</item>
    /// </list>
    /// SET LOCAL ends with the transaction, so the pooled connection keeps no such state (see DatabaseSetup's No Reset On
    /// Close); the transaction only reads, and is rolled back when disposed.
    /// </summary>
    private async Task<IDbContextTransaction?> PlannedForTheirValuesAsync(CancellationToken ct)
    {
        var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await db.Database.ExecuteSqlRawAsync("SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL plan_cache_mode = force_custom_plan", ct);
        return tx;
    }

    private static Task<List<long>> NewestIdsAsync(IQueryable<SearchDocument> docs, CancellationToken ct) =>
        docs.OrderByDescending(d => d.UpdatedAt).ThenByDescending(d => d.Id).Select(d => d.Id).Take(MostRanked + 1).ToListAsync(ct);

    /// <summary>
    /// PostgreSQL: when more than half of the newest <see cref="NewestLooked"/> candidates (or of all, when fewer) say the
    /// words themselves (a word in nearly every issue), the newest matches are all among those: the ids of the newest
    /// there (<see cref="MostRanked"/> and one) that say the words or one of whose comments does. Null otherwise.
    /// </summary>
    /// <remarks>
    /// Listing where such a word is said costs the text index every place in the database (a GIN index answers only with
    /// the whole set: ~17 ms for a word in 100k issues, over 400 ms in 1.1M, even for a small repository's search); testing
    /// the newest rows one by one costs a couple of thousand tests. Each step reads the repository's documents within the
    /// bound of the newest candidates, and tests the text on the row (an expression the text index cannot serve, so no
    /// plan picks it).
    /// </remarks>
    private async Task<List<long>?> SaidByMostOfTheNewestAsync(Func<IQueryable<SearchDocument>, IQueryable<SearchDocument>> candidates,
        string tsquery, CancellationToken ct)
    {
        IQueryable<SearchDocument> Newest(IQueryable<SearchDocument> source) =>
            candidates(source).OrderByDescending(d => d.UpdatedAt).ThenByDescending(d => d.Id);
        var newestFirst = Newest(db.Set<SearchDocument>());
        var cut = await newestFirst.Select(d => new { d.UpdatedAt, d.Id }).Skip(NewestLooked - 1).FirstOrDefaultAsync(ct);
        var looked = cut is null ? await newestFirst.Take(NewestLooked).CountAsync(ct) : NewestLooked;
        var most = looked / 2 + 1;
        // The bound on the timestamp alone is what an index scan can start from (the exact bound, an OR, only filters: a
        // generic plan walked all of a million issues with it, half a second for a rare word). The block plans each
        // statement for its values (see PlannedForTheirValuesAsync), so the range's width is known to the planner.
        var range = cut is null ? "TRUE" : """("UpdatedAt" >= {1} AND ("UpdatedAt" > {1} OR "Id" >= {2}))""";
        object[] values = cut is null ? [tsquery] : [tsquery, cut.UpdatedAt, cut.Id];
        var own = "search_vector @@ " + TsQueryOnce;
        var sayingThemselves = await Newest(db.Set<SearchDocument>().FromSqlRaw(
                $"""SELECT * FROM "SearchDocuments" WHERE {range} AND ({own}) IS TRUE""", values))
            .Take(most).CountAsync(ct);
        if (sayingThemselves < most)
        {
            return null;
        }
        // OFFSET 0 keeps the comments' test a subquery run for the rows that get to it (those not saying the words
        // themselves), rather than a hashed list of every comment saying them.
        var ownOrAComment = $"""d.{own} OR EXISTS (SELECT 1 FROM "SearchDocuments" c WHERE c."IssueId" = d."IssueId" AND c."Kind" = '{SearchKinds.IssueComment}' AND c.{own} OFFSET 0)""";
        return await NewestIdsAsync(candidates(db.Set<SearchDocument>().FromSqlRaw(
            $"""SELECT * FROM "SearchDocuments" d WHERE {range} AND ({ownOrAComment})""", values)), ct);
    }

    /// <summary>
    /// <paramref name="newestFirst"/> (at most <see cref="MostRanked"/> matches, already filtered) by relevance, best first;
    /// ties newest first. Only these are ranked, never every match of the whole index.
    /// </summary>
    private async Task<List<long>> RankAsync(SearchQuery query, List<long> newestFirst, CancellationToken ct)
    {
        if (newestFirst.Count <= 1)
        {
            return newestFirst;
        }
        List<RankedHit> ranks;
        if (db.Database.IsNpgsql())
        {
            var ids = newestFirst.ToArray();
            var tsquery = query.ToTsQuery();
            ranks = await db.Database.SqlQueryRaw<RankedHit>(
                $$"""SELECT d."Id" AS "Id", -ts_rank(d.search_vector, {{TsQueryOnce}})::float8 AS "Rank" FROM "SearchDocuments" d WHERE d."Id" = ANY({1})""",
                tsquery, ids).ToListAsync(ct);
        }
        else
        {
            // bm25 is lower-is-better already; titles weigh ten times the body. FTS5 answers a rowid range in one pass
            // over the match (a rowid IN list would run the match once per id); matches between them that are not
            // among these are dropped below.
            var (low, high) = (newestFirst.Min(), newestFirst.Max());
            ranks = await db.Database.SqlQuery<RankedHit>(
                $"SELECT rowid AS Id, bm25(search_fts, 10.0, 1.0) AS Rank FROM search_fts WHERE search_fts MATCH {query.ToFts5()} AND rowid BETWEEN {low} AND {high}")
                .ToListAsync(ct);
        }
        var rankOf = ranks.ToDictionary(r => r.Id, r => r.Rank);
        var age = newestFirst.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        return newestFirst.OrderBy(id => rankOf.GetValueOrDefault(id)).ThenBy(id => age[id]).ToList();
    }

    /// <summary>Loads the entities behind a page of documents, in the page's order.</summary>
    public async Task<List<Repository>> RepositoriesAsync(IEnumerable<SearchDocument> docs, CancellationToken ct)
    {
        var ids = docs.Select(d => d.RepositoryId!.Value).ToList();
        // A kept search page names the same repositories again: they are kept with it, while nothing changed.
        var repos = await recent.GetAsync(db, new RepositoriesById(string.Join(',', ids)), async c => await db.Repositories.AsNoTracking()
                .Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(f => f!.Owner)
                .Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, c),
            kept => kept.ToDictionary(kv => kv.Key, kv => kv.Value.Copy()), ct);
        return ids.Where(repos.ContainsKey).Select(id => repos[id]).ToList();
    }

    private sealed record RepositoriesById(string Ids);

    public async Task<List<User>> UsersAsync(IEnumerable<SearchDocument> docs, CancellationToken ct)
    {
        var ids = docs.Select(d => d.UserId!.Value).ToList();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
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

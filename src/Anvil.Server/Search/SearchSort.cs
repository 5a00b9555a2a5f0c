using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Issues;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Search;

/// <summary>
/// GitHub's <c>sort</c> and <c>order</c> on a search (no sort: best match). Repositories sort by <c>stars</c>, <c>forks</c>,
/// <c>help-wanted-issues</c> (open issues labelled "help wanted") or <c>updated</c>; issues and pull requests by
/// <c>comments</c>, <c>created</c>, <c>updated</c>, <c>interactions</c> (comments and reactions) or <c>reactions</c> and
/// its <c>reactions-*</c> kinds — Anvil has no reactions, so every item has none and those order by creation.
/// </summary>
/// <param name="OfRepositories">Whether repositories are sorted (else issues and pull requests): <c>updated</c> is either's.</param>
public sealed record SearchSort(string Field, bool Ascending, bool OfRepositories)
{
    private static readonly string[] RepositoryFields = ["stars", "forks", "help-wanted-issues", "updated"];

    private static readonly string[] IssueFields =
    [
        "comments", "reactions", "reactions-+1", "reactions--1", "reactions-smile", "reactions-thinking_face", "reactions-heart",
        "reactions-tada", "interactions", "created", "updated",
    ];

    /// <summary>The sort asked of a search of <paramref name="kind"/>; null for best match. An unknown one is GitHub's 422.</summary>
    public static SearchSort? Parse(string kind, string? sort, string? order)
    {
        var ascending = (order ?? "").ToLowerInvariant() switch
        {
            "" or "desc" => false,
            "asc" => true,
            _ => throw AnvilException.Invalid("Search", "order", "order must be asc or desc"),
        };
        if (string.IsNullOrEmpty(sort))
        {
            return null;
        }
        var ofRepositories = kind == SearchKinds.Repository;
        var known = ofRepositories ? RepositoryFields : IssueFields;
        return known.Contains(sort, StringComparer.Ordinal)
            ? new SearchSort(sort, ascending, ofRepositories)
            : throw AnvilException.Invalid("Search", "sort", $"sort must be one of {string.Join(", ", known)}");
    }

    private const string HelpWanted = "help wanted";

    /// <summary>What each of the documents <paramref name="ids"/> sorts by: a count, then a time (ties among equal counts).</summary>
    private sealed record Key(long Id, long Count, DateTime At);

    /// <summary>
    /// <paramref name="bestFirst"/> (the matches, at most <see cref="SearchService.MostRanked"/>) in this order; matches that
    /// tie keep their best-match order, so every page of the same search cuts the same list.
    /// </summary>
    public async Task<List<long>> ApplyAsync(AnvilDbContext db, List<long> bestFirst, CancellationToken ct)
    {
        if (bestFirst.Count <= 1)
        {
            return bestFirst;
        }
        var docs = db.Set<SearchDocument>().AsNoTracking().Where(d => bestFirst.Contains(d.Id));
        var issues = db.Issues.AsNoTracking();
        var keys = Field switch
        {
            "stars" => docs.Select(d => new Key(d.Id, d.Repository!.StarCount, default)),
            "forks" => docs.Select(d => new Key(d.Id, d.Repository!.ForkCount, default)),
            "help-wanted-issues" => docs.Select(d => new Key(d.Id, issues.Count(i => i.RepositoryId == d.RepositoryId && !i.IsPullRequest
                && i.State == IssueState.Open && db.IssueLabels.Any(l => l.IssueId == i.Id && l.Label.NormalizedName == HelpWanted)), default)),
            "updated" when OfRepositories => docs.Select(d => new Key(d.Id, 0, d.Repository!.UpdatedAt)),
            "updated" => docs.Select(d => new Key(d.Id, 0, issues.Where(i => i.Id == d.IssueId).Select(i => i.UpdatedAt).FirstOrDefault())),
            "comments" or "interactions" => docs.Select(d => new Key(d.Id, issues.Where(i => i.Id == d.IssueId).Select(i => i.CommentCount).FirstOrDefault(),
                issues.Where(i => i.Id == d.IssueId).Select(i => i.CreatedAt).FirstOrDefault())),
            // created, and the reactions Anvil does not have (none each: by creation).
            _ => docs.Select(d => new Key(d.Id, 0, issues.Where(i => i.Id == d.IssueId).Select(i => i.CreatedAt).FirstOrDefault())),
        };
        var keyOf = await keys.ToDictionaryAsync(k => k.Id, ct);
        var missing = new Key(0, 0, default);
        var sorted = Ascending
            ? bestFirst.OrderBy(id => keyOf.GetValueOrDefault(id, missing).Count).ThenBy(id => keyOf.GetValueOrDefault(id, missing).At)
            : bestFirst.OrderByDescending(id => keyOf.GetValueOrDefault(id, missing).Count).ThenByDescending(id => keyOf.GetValueOrDefault(id, missing).At);
        return sorted.ToList();
    }
}

using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Search;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Issues;

/// <summary>
/// Issue and pull-request search hits in the issue views of each surface (pull requests too, as on GitHub's issue
/// search, where a pull request is an issue with <c>pull_request</c> links). Search has already filtered by visibility.
/// </summary>
public sealed class IssueSearchResults(AnvilDbContext db, IssueService issues, PublicAddress address) : ISearchResultPresenter
{
    public async Task<IEnumerable<object>> PresentAsync(IReadOnlyList<SearchDocument> docs, bool v1, CancellationToken ct)
    {
        var ranked = await DetailsAsync(docs, ct);
        var baseUrl = address.BaseUrl;
        return v1 ? ranked.Select(d => d.ToV1(baseUrl)).ToList() : ranked.Select(d => d.ToSigmagit(baseUrl) with { Repository = new(d.Repository.Name, d.Repository.Owner.Username) }).ToList();
    }

    /// <summary>The issues of <paramref name="docs"/>, in their order (those deleted since they were indexed left out).</summary>
    public Task<List<IssueDetails>> DetailsAsync(IReadOnlyList<SearchDocument> docs, CancellationToken ct) =>
        DetailsAsync(docs.Where(d => d.IssueId is not null).Select(d => d.IssueId!.Value).ToList(), ct);

    /// <summary>Issues by id, across repositories, in the order of <paramref name="ids"/>; the caller has checked who may read them.</summary>
    public async Task<List<IssueDetails>> DetailsAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        var rows = await db.Issues.AsNoTracking().Include(i => i.Author).Include(i => i.ClosedBy).Where(i => ids.Contains(i.Id)).ToListAsync(ct);
        var repoIds = rows.Select(i => i.RepositoryId).Distinct().ToList();
        var repos = await db.Repositories.AsNoTracking().Include(r => r.Owner).Where(r => repoIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var details = new Dictionary<long, IssueDetails>();
        foreach (var group in rows.GroupBy(i => i.RepositoryId))
        {
            foreach (var d in await issues.DetailsAsync(repos[group.Key], group.ToList(), ct))
            {
                details[d.Issue.Id] = d;
            }
        }
        return ids.Where(details.ContainsKey).Select(id => details[id]).ToList();
    }
}

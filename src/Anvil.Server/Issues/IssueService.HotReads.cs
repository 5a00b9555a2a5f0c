using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Issues;

/// <summary>
/// The statements every issue list and issue view runs, compiled once per database (<see cref="CompiledPerDatabase{TQuery}"/>)
/// rather than translated from LINQ on each request, and read untracked: nothing they return is changed and saved.
/// </summary>
public sealed partial class IssueService
{
    private sealed record LabelLink(long IssueId, Label Label);

    private sealed record AssigneeLink(long IssueId, User User);

    private static readonly CompiledPerDatabase<Func<AnvilDbContext, List<long>, IAsyncEnumerable<LabelLink>>> LabelsOfIssues = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, List<long> ids) =>
            db.IssueLabels.AsNoTracking().Where(l => ids.Contains(l.IssueId)).Select(l => new LabelLink(l.IssueId, l.Label))));

    private static readonly CompiledPerDatabase<Func<AnvilDbContext, List<long>, IAsyncEnumerable<AssigneeLink>>> AssigneesOfIssues = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, List<long> ids) =>
            db.IssueAssignees.AsNoTracking().Where(a => ids.Contains(a.IssueId)).Select(a => new AssigneeLink(a.IssueId, a.User))));

    /// <summary>The first <c>count</c> issues (or pull requests) in one state, newest first: the list everybody opens.</summary>
    private static readonly CompiledPerDatabase<Func<AnvilDbContext, long, bool, IssueState, int, IAsyncEnumerable<Issue>>> NewestInState = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, long repositoryId, bool isPullRequest, IssueState state, int count) =>
            db.Issues.AsNoTracking().Include(i => i.Author).Include(i => i.ClosedBy)
                .Where(i => i.RepositoryId == repositoryId && i.IsPullRequest == isPullRequest && i.State == state)
                .OrderByDescending(i => i.Number).Take(count)));

    /// <summary>As <see cref="NewestInState"/>, whatever the state.</summary>
    private static readonly CompiledPerDatabase<Func<AnvilDbContext, long, bool, int, IAsyncEnumerable<Issue>>> NewestOfAll = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, long repositoryId, bool isPullRequest, int count) =>
            db.Issues.AsNoTracking().Include(i => i.Author).Include(i => i.ClosedBy)
                .Where(i => i.RepositoryId == repositoryId && i.IsPullRequest == isPullRequest)
                .OrderByDescending(i => i.Number).Take(count)));

    private sealed record FirstPageOf(long RepositoryId, bool IsPullRequest, IssueStateFilter State, int Limit);

    private sealed record FirstPage(List<IssueDetails> Items, bool HasMore)
    {
        /// <summary>Each request's own rows, with its own repository (a page is held with the one of the request that read it).</summary>
        public FirstPage CopyFor(Repository repo) => new(Items.Select(d => d with
        {
            Repository = repo,
            Issue = d.Issue.Copy(),
            Labels = d.Labels.Select(l => l.Copy()).ToList(),
            Assignees = d.Assignees.Select(u => u.Copy()).ToList(),
        }).ToList(), HasMore);
    }

    /// <summary>
    /// The first page of a plain list (no filter but the state, newest first), with its labels, assignees and authors'
    /// associations: the list everybody opens, from memory while nothing changed (<see cref="Infrastructure.Caching.RecentReads"/>);
    /// null for any other list. Its rows come in one statement: a first page reads no deeper than its own rows, so the
    /// numbers-first plan of deep pages would only add one.
    /// </summary>
    private async Task<FirstPage?> PlainFirstPageAsync(Repository repo, bool isPullRequest, IssueFilter filter, int offset, int limit, CancellationToken ct)
    {
        if (offset != 0 || !filter.IsPlain || (filter.Order ?? IssueOrder.Newest) != IssueOrder.Newest)
        {
            return null;
        }
        return await recent.GetAsync(db, new FirstPageOf(repo.Id, isPullRequest, filter.State, limit), async c =>
        {
            var count = limit + 1;
            var rows = await CollectAsync(filter.State switch
            {
                IssueStateFilter.Open => NewestInState.For(db)(db, repo.Id, isPullRequest, IssueState.Open, count),
                IssueStateFilter.Closed => NewestInState.For(db)(db, repo.Id, isPullRequest, IssueState.Closed, count),
                _ => NewestOfAll.For(db)(db, repo.Id, isPullRequest, count),
            }, c);
            var hasMore = rows.Count > limit;
            return new FirstPage(await DetailsAsync(repo, hasMore ? rows.GetRange(0, limit) : rows, c), hasMore);
        }, p => p.CopyFor(repo), ct);
    }

    private static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> rows, CancellationToken ct)
    {
        var list = new List<T>();
        await foreach (var row in rows.WithCancellation(ct))
        {
            list.Add(row);
        }
        return list;
    }
}

using Anvil.Server.Infrastructure.Data;
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

    /// <summary>
    /// The first page of a plain list (no filter but the state, newest first) in one statement; null for any other list.
    /// A first page reads no deeper than its own rows, so the numbers-first plan of deep pages would only add a statement.
    /// </summary>
    private async Task<List<Issue>?> PlainFirstPageAsync(long repositoryId, bool isPullRequest, IssueFilter filter, int offset, int count, CancellationToken ct)
    {
        if (offset != 0 || !filter.IsPlain || (filter.Order ?? IssueOrder.Newest) != IssueOrder.Newest)
        {
            return null;
        }
        return await CollectAsync(filter.State switch
        {
            IssueStateFilter.Open => NewestInState.For(db)(db, repositoryId, isPullRequest, IssueState.Open, count),
            IssueStateFilter.Closed => NewestInState.For(db)(db, repositoryId, isPullRequest, IssueState.Closed, count),
            _ => NewestOfAll.For(db)(db, repositoryId, isPullRequest, count),
        }, ct);
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

using System.Linq.Expressions;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;

namespace Anvil.Server.Issues;

/// <summary>GitHub's issue-list order: <c>sort</c> = created, updated or comments, <c>direction</c> = asc or desc (default desc).</summary>
public sealed record IssueOrder(string Sort, bool Ascending)
{
    public static readonly IssueOrder Newest = new("created", false);

    public static IssueOrder? Parse(string? sort, bool? ascending) =>
        string.IsNullOrEmpty(sort) && ascending is null ? null
        : sort is null or "" or "created" or "updated" or "comments" ? new IssueOrder(string.IsNullOrEmpty(sort) ? "created" : sort, ascending ?? false)
        : throw AnvilException.Invalid("sort must be one of created, updated, comments");

    /// <summary>Within one repository, where the number is the order of creation.</summary>
    public IQueryable<Issue> Apply(IQueryable<Issue> query, AnvilDbContext db) => Apply(query, db, i => i.Number);

    /// <summary>Across repositories, where numbers repeat: the row id is the order of creation.</summary>
    public IQueryable<Issue> ApplyAcrossRepositories(IQueryable<Issue> query, AnvilDbContext db) => Apply(query, db, i => i.Id);

    private IQueryable<Issue> Apply<TKey>(IQueryable<Issue> query, AnvilDbContext db, Expression<Func<Issue, TKey>> created) => (Sort, Ascending) switch
    {
        ("updated", true) => query.OrderBy(i => i.UpdatedAt).ThenBy(created),
        ("updated", false) => query.OrderByDescending(i => i.UpdatedAt).ThenByDescending(created),
        ("comments", true) => query.OrderBy(i => db.IssueComments.Count(c => c.IssueId == i.Id)).ThenBy(created),
        ("comments", false) => query.OrderByDescending(i => db.IssueComments.Count(c => c.IssueId == i.Id)).ThenByDescending(created),
        (_, true) => query.OrderBy(created),
        _ => query.OrderByDescending(created),
    };
}

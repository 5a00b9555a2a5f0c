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

    public IQueryable<Issue> Apply(IQueryable<Issue> query, AnvilDbContext db) => (Sort, Ascending) switch
    {
        ("updated", true) => query.OrderBy(i => i.UpdatedAt).ThenBy(i => i.Number),
        ("updated", false) => query.OrderByDescending(i => i.UpdatedAt).ThenByDescending(i => i.Number),
        ("comments", true) => query.OrderBy(i => db.IssueComments.Count(c => c.IssueId == i.Id)).ThenBy(i => i.Number),
        ("comments", false) => query.OrderByDescending(i => db.IssueComments.Count(c => c.IssueId == i.Id)).ThenByDescending(i => i.Number),
        (_, true) => query.OrderBy(i => i.Number),
        _ => query.OrderByDescending(i => i.Number),
    };
}

using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Issues;

namespace Anvil.Server.PullRequests;

/// <summary>
/// Which pull requests a list shows and in what order, as GitHub's list takes them: <c>head</c> (<c>user:branch</c>, or a
/// branch), <c>base</c>, <c>sort</c> (created, updated, popularity, long-running) and <c>direction</c>.
/// </summary>
public sealed record PullListFilter(PullStateFilter State, string? Head = null, string? Base = null, string? Sort = null, bool? Ascending = null)
{
    public IQueryable<PullRequest> Apply(IQueryable<PullRequest> query, AnvilDbContext db)
    {
        if (Head is { Length: > 0 } head)
        {
            var colon = head.IndexOf(':');
            var branch = colon >= 0 ? head[(colon + 1)..] : head;
            query = query.Where(p => p.HeadBranch == branch);
            if (colon >= 0)
            {
                var owner = Users.NameRules.Normalize(head[..colon]);
                query = query.Where(p => p.HeadRepository != null && p.HeadRepository.Owner.NormalizedUsername == owner);
            }
        }
        if (Base is { Length: > 0 } baseBranch)
        {
            query = query.Where(p => p.BaseBranch == baseBranch);
        }
        // GitHub: newest first unless asked; long-running is by age, the oldest first.
        var ascending = Ascending ?? Sort == "long-running";
        return (Sort ?? "created") switch
        {
            "created" => ascending ? query.OrderBy(p => p.Issue.Number) : query.OrderByDescending(p => p.Issue.Number),
            "long-running" => ascending ? query.OrderBy(p => p.Issue.Number) : query.OrderByDescending(p => p.Issue.Number),
            "updated" => ascending ? query.OrderBy(p => p.Issue.UpdatedAt).ThenBy(p => p.Issue.Number)
                : query.OrderByDescending(p => p.Issue.UpdatedAt).ThenByDescending(p => p.Issue.Number),
            "popularity" => ascending
                ? query.OrderBy(p => db.IssueComments.Count(c => c.IssueId == p.IssueId)).ThenBy(p => p.Issue.Number)
                : query.OrderByDescending(p => db.IssueComments.Count(c => c.IssueId == p.IssueId)).ThenByDescending(p => p.Issue.Number),
            _ => throw AnvilException.Invalid("sort must be one of created, updated, popularity, long-running"),
        };
    }
}

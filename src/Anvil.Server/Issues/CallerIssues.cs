using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Notifications;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Issues;

/// <summary>GitHub's <c>filter</c> on the signed-in user's issue lists (<c>GET /issues</c>, <c>/user/issues</c>).</summary>
public enum IssueInvolvement
{
    Assigned,
    Created,
    Mentioned,
    Subscribed,
    Repos,
    All,
}

/// <summary>
/// The signed-in user's issues and pull requests across repositories, as GitHub's <c>GET /issues</c> lists them: those
/// they are involved in (assigned, created, mentioned, subscribed) in any repository they may read, or with
/// <c>repos</c>/<c>all</c> every one in the repositories they own or collaborate on. Readability is
/// <see cref="RepositoryAccess.Visible"/>, the one rule, so a private repository the caller lost access to drops out.
/// </summary>
public sealed class CallerIssues(AnvilDbContext db, Caller caller, RepositoryAccess access, IssueSearchResults details)
{
    public static IssueInvolvement ParseInvolvement(string? filter) => filter switch
    {
        null or "" or "assigned" => IssueInvolvement.Assigned,
        "created" => IssueInvolvement.Created,
        "mentioned" => IssueInvolvement.Mentioned,
        "subscribed" => IssueInvolvement.Subscribed,
        "repos" => IssueInvolvement.Repos,
        "all" => IssueInvolvement.All,
        _ => throw AnvilException.Invalid("filter must be one of assigned, created, mentioned, subscribed, repos, all"),
    };

    public async Task<Page<IssueDetails>> ListAsync(IssueInvolvement involvement, IssueFilter filter, int offset, int limit, CancellationToken ct)
    {
        var me = caller.RequireUser().Id;
        var readable = access.Visible();
        if (involvement is IssueInvolvement.Repos or IssueInvolvement.All)
        {
            readable = readable.Where(r => r.OwnerId == me || db.Collaborators.Any(c => c.RepositoryId == r.Id && c.UserId == me));
        }
        var readableIds = readable.Select(r => r.Id);
        var query = filter.ApplyStateAndSince(db.Issues.Where(i => readableIds.Contains(i.RepositoryId)));
        query = involvement switch
        {
            IssueInvolvement.Assigned => query.Where(i => db.IssueAssignees.Any(a => a.IssueId == i.Id && a.UserId == me)),
            IssueInvolvement.Created => query.Where(i => i.AuthorId == me),
            IssueInvolvement.Mentioned => query.Where(i => db.Notifications.Any(n => n.UserId == me && n.RepositoryId == i.RepositoryId
                && n.SubjectNumber == i.Number && n.Reason == NotificationReasons.Mention)),
            // Anvil subscribes no one by hand: a user follows what they opened, were assigned, commented on or were told about.
            IssueInvolvement.Subscribed => query.Where(i => i.AuthorId == me
                || db.IssueAssignees.Any(a => a.IssueId == i.Id && a.UserId == me)
                || db.IssueComments.Any(c => c.IssueId == i.Id && c.AuthorId == me)
                || db.Notifications.Any(n => n.UserId == me && n.RepositoryId == i.RepositoryId && n.SubjectNumber == i.Number)),
            _ => query,
        };
        foreach (var label in filter.Labels.Select(LabelRules.Normalize).Distinct())
        {
            query = query.Where(i => db.IssueLabels.Any(l => l.IssueId == i.Id && l.Label.NormalizedName == label));
        }
        var ids = await (filter.Order ?? IssueOrder.Newest).ApplyAcrossRepositories(query, db).Select(i => i.Id).ToPageAsync(offset, limit, ct);
        return ids.With(await details.DetailsAsync(ids.Items, ct));
    }
}

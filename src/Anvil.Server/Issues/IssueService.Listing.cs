using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Issues;

/// <summary>Filtered, paged lists of a repository's issues or pull requests.</summary>
public sealed partial class IssueService
{
    public async Task<IssuePage> ListAsync(RepositoryGrant grant, IssueFilter filter, int offset, int limit, CancellationToken ct)
    {
        return await ListRowsAsync(grant, isPullRequest: false, filter, offset, limit, ct);
    }

    /// <summary>Issues or pull requests of a repository, newest first. Public for the pull-request list.</summary>
    public async Task<IssuePage> ListRowsAsync(RepositoryGrant grant, bool isPullRequest, IssueFilter filter, int offset, int limit, CancellationToken ct)
    {
        var repo = grant.Repository;
        var tally = (await TallyAsync([repo.Id], ct))[repo.Id];
        var query = filter.ApplyStateAndSince(db.Issues.Where(i => i.RepositoryId == repo.Id && i.IsPullRequest == isPullRequest));
        if (filter.Before is { } before)
        {
            query = query.Where(i => i.Number < before);
        }
        var matchesNothing = false;
        if (filter.Labels.Count > 0)
        {
            var normalized = filter.Labels.Select(LabelRules.Normalize).Distinct().ToList();
            var labelIds = await db.Labels.Where(l => l.RepositoryId == repo.Id && normalized.Contains(l.NormalizedName)).Select(l => l.Id).ToListAsync(ct);
            matchesNothing |= labelIds.Count < normalized.Count;
            foreach (var labelId in labelIds)
            {
                query = query.Where(i => db.IssueLabels.Any(l => l.IssueId == i.Id && l.LabelId == labelId));
            }
        }
        if (filter.Assignee is { } assignee)
        {
            if (assignee == "none")
            {
                query = query.Where(i => !db.IssueAssignees.Any(a => a.IssueId == i.Id));
            }
            else if (assignee == "*")
            {
                query = query.Where(i => db.IssueAssignees.Any(a => a.IssueId == i.Id));
            }
            else if (await UserIdAsync(assignee, ct) is { } assigneeId)
            {
                query = query.Where(i => db.IssueAssignees.Any(a => a.IssueId == i.Id && a.UserId == assigneeId));
            }
            else
            {
                matchesNothing = true;
            }
        }
        if (filter.Creator is { } creator)
        {
            if (await UserIdAsync(creator, ct) is { } creatorId)
            {
                query = query.Where(i => i.AuthorId == creatorId);
            }
            else
            {
                matchesNothing = true;
            }
        }
        if (filter.Mentioned is { } mentioned)
        {
            // Mentions are what the notification rules found (whole @names, readers only), not a text search.
            if (await UserIdAsync(mentioned, ct) is { } mentionedId)
            {
                query = query.Where(i => db.Notifications.Any(n => n.UserId == mentionedId && n.RepositoryId == i.RepositoryId
                    && n.SubjectNumber == i.Number && n.Reason == Notifications.NotificationReasons.Mention));
            }
            else
            {
                matchesNothing = true;
            }
        }
        if (matchesNothing)
        {
            return new IssuePage(grant, [], false, 0, tally);
        }

        int? TotalOf(bool hasMore, int count) => filter.IsPlain
            ? (isPullRequest, filter.State) switch
            {
                (false, IssueStateFilter.Open) => tally.OpenIssues,
                (false, IssueStateFilter.Closed) => tally.ClosedIssues,
                (false, _) => tally.OpenIssues + tally.ClosedIssues,
                (true, IssueStateFilter.Open) => tally.OpenPullRequests,
                (true, IssueStateFilter.Closed) => tally.ClosedPullRequests,
                (true, _) => tally.OpenPullRequests + tally.ClosedPullRequests,
            }
            : hasMore || offset > 0 ? null : count;

        if (await PlainFirstPageAsync(repo, isPullRequest, filter, offset, limit, ct) is { } first)
        {
            return new IssuePage(grant, first.Items, first.HasMore, TotalOf(first.HasMore, first.Items.Count), tally);
        }
        // Numbers first, from the (repository, kind, state, number) index alone, then only the rows of the page:
        // deep offsets skip index entries, not table rows.
        var numbers = await (filter.Order ?? IssueOrder.Newest).Apply(query, db).Select(i => i.Number).Skip(offset).Take(limit + 1).ToListAsync(ct);
        var hasMore = numbers.Count > limit;
        if (hasMore)
        {
            numbers.RemoveAt(limit);
        }
        var rows = numbers.Count == 0 ? [] : await IssueRows(repo.Id).AsNoTracking().Where(i => numbers.Contains(i.Number)).ToListAsync(ct);
        rows = rows.OrderBy(i => numbers.IndexOf(i.Number)).ToList();
        return new IssuePage(grant, await DetailsAsync(repo, rows, ct), hasMore, TotalOf(hasMore, rows.Count), tally);
    }
}

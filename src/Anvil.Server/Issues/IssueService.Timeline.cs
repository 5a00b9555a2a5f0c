using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Issues;

/// <summary>One entry of an issue's timeline: a comment, or an event (with the issue that mentions it, for a cross-reference).</summary>
public sealed record TimelineItem(DateTime At, CommentDetails? Comment, TimelineEvent? Event, IssueDetails? Source);

/// <summary>An issue event with the issue it happened to (the repository-wide events list shows both).</summary>
public sealed record IssueEventDetails(TimelineEvent Event, IssueDetails Issue);

/// <summary>What happened to issues besides comments (<see cref="TimelineEvent"/>), and the timeline that interleaves both.</summary>
public sealed partial class IssueService
{
    /// <summary>An issue's events, oldest first; cross-references are the timeline's only (as GitHub's events list).</summary>
    public async Task<(IssueDetails Issue, Page<TimelineEvent> Events)> ListEventsAsync(RepositoryGrant grant, int number, int offset, int limit, CancellationToken ct)
    {
        var issue = await GetAsync(grant, number, ct);
        var page = await EventRows().Where(t => t.IssueId == issue.Issue.Id && t.Kind != TimelineKinds.CrossReferenced)
            .OrderBy(t => t.Id).ToPageAsync(offset, limit, ct);
        return (issue, page);
    }

    /// <summary>Every issue event of a repository, newest first, each with its issue.</summary>
    public async Task<Page<IssueEventDetails>> ListRepositoryEventsAsync(RepositoryGrant grant, int offset, int limit, CancellationToken ct)
    {
        var page = await EventRows().Include(t => t.Issue).ThenInclude(i => i.Author)
            .Where(t => t.RepositoryId == grant.Repository.Id && t.Kind != TimelineKinds.CrossReferenced)
            .OrderByDescending(t => t.Id).ToPageAsync(offset, limit, ct);
        return page.With(await WithIssuesAsync(grant.Repository, page.Items, ct));
    }

    public async Task<IssueEventDetails> GetEventAsync(RepositoryGrant grant, long id, CancellationToken ct)
    {
        var found = await EventRows().Include(t => t.Issue).ThenInclude(i => i.Author)
            .FirstOrDefaultAsync(t => t.Id == id && t.RepositoryId == grant.Repository.Id && t.Kind != TimelineKinds.CrossReferenced, ct)
            ?? throw AnvilException.NotFound("issue event not found");
        return (await WithIssuesAsync(grant.Repository, [found], ct))[0];
    }

    /// <summary>
    /// Comments and events in the order they happened. Both are read up to the page's end and merged, so a page costs
    /// what the entries before it do (an issue's history is hundreds of entries, not millions).
    /// </summary>
    public async Task<(IssueDetails Issue, Page<TimelineItem> Items)> TimelineAsync(RepositoryGrant grant, int number, int offset, int limit, CancellationToken ct)
    {
        var issue = await GetAsync(grant, number, ct);
        return (issue, await TimelineAsync(issue, offset, limit, ct));
    }

    /// <summary>The timeline of an issue the caller has read with <see cref="GetAsync"/> (which checked access) in this request.</summary>
    public async Task<Page<TimelineItem>> TimelineAsync(IssueDetails issue, int offset, int limit, CancellationToken ct)
    {
        var upTo = offset + limit + 1;
        var comments = await db.IssueComments.AsNoTracking().Include(c => c.Author).Where(c => c.IssueId == issue.Issue.Id)
            .OrderBy(c => c.Id).Take(upTo).ToListAsync(ct);
        var happened = await EventRows().Include(t => t.SourceIssue).ThenInclude(s => s!.Author).Where(t => t.IssueId == issue.Issue.Id)
            .OrderBy(t => t.Id).Take(upTo).ToListAsync(ct);
        var associations = await AssociationsAsync(issue.Repository, comments.Select(c => c.AuthorId), ct);
        var sources = (await DetailsAsync(issue.Repository, happened.Select(t => t.SourceIssue).OfType<Issue>().DistinctBy(i => i.Id).ToList(), ct))
            .ToDictionary(d => d.Issue.Id);
        var merged = comments.Select(c => new TimelineItem(c.CreatedAt, new CommentDetails(issue.Repository, issue.Issue, c, associations[c.AuthorId]), null, null))
            .Concat(happened.Select(t => new TimelineItem(t.CreatedAt, null, t, t.SourceIssueId is { } s ? sources.GetValueOrDefault(s) : null)))
            .OrderBy(i => i.At).ThenBy(i => i.Comment is null ? 1 : 0).Skip(offset).ToList();
        var hasMore = merged.Count > limit;
        var total = hasMore || offset > 0
            ? await db.IssueComments.CountAsync(c => c.IssueId == issue.Issue.Id, ct) + await db.TimelineEvents.CountAsync(t => t.IssueId == issue.Issue.Id, ct)
            : merged.Count;
        return new Page<TimelineItem>(hasMore ? merged[..limit] : merged, hasMore, total);
    }

    private IQueryable<TimelineEvent> EventRows() => db.TimelineEvents.AsNoTracking().Include(t => t.Actor).Include(t => t.SubjectUser);

    private async Task<List<IssueEventDetails>> WithIssuesAsync(Repository repo, IReadOnlyList<TimelineEvent> rows, CancellationToken ct)
    {
        var details = (await DetailsAsync(repo, rows.Select(t => t.Issue).DistinctBy(i => i.Id).ToList(), ct)).ToDictionary(d => d.Issue.Id);
        return rows.Select(t => new IssueEventDetails(t, details[t.IssueId])).ToList();
    }
}

using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Issues;
using Anvil.Server.PullRequests;
using Anvil.Server.Repositories;
using Anvil.Web.Ports;
using Anvil.Web.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Web;

/// <summary>
/// The signed-in home page. Everything on it comes from repositories the viewer reads (their own and those they
/// collaborate on, through <see cref="RepositoryService.ListMineAsync"/>, and <see cref="RepositoryAccess.Visible"/>
/// for assigned work).
/// </summary>
public sealed class WebDashboard(RepositoryService repositories, RepositoryAccess access, IssueSearchResults issueDetails, AnvilDbContext db,
    RepositoryStore store, GitReader reader, Caller caller, TimeProvider clock, RepoSummaries summaries) : IWebDashboard
{
    private const int RepoCount = 20;
    private const int ListCount = 10;
    private const int ActivityCount = 25;
    private const int PushedRepos = 5;
    private static readonly TimeSpan ActivityWindow = TimeSpan.FromDays(30);

    public async Task<DashboardView> LoadAsync(CancellationToken ct)
    {
        var me = WebAccounts.SessionUserOf(caller).Id;
        var mine = await repositories.ListMineAsync(0, 100, ct);
        var repos = mine.Items;
        var repoIds = repos.Select(r => r.Id).ToList();
        var listed = await summaries.ListAsync(repos.Take(RepoCount).ToList(), ct);

        var readable = access.Visible().Select(r => r.Id);
        var assigned = await db.Issues.AsNoTracking()
            .Where(i => i.State == IssueState.Open && readable.Contains(i.RepositoryId) && db.IssueAssignees.Any(a => a.IssueId == i.Id && a.UserId == me))
            .OrderByDescending(i => i.UpdatedAt).ThenByDescending(i => i.Id).Select(i => i.Id).Take(ListCount).ToListAsync(ct);

        var writable = repos.Where(r => r.OwnerId == me).Select(r => r.Id).ToList();
        writable.AddRange(await db.Collaborators.AsNoTracking()
            .Where(c => c.UserId == me && c.Permission >= RepositoryPermission.Write && repoIds.Contains(c.RepositoryId)).Select(c => c.RepositoryId).ToListAsync(ct));
        var awaiting = await db.PullRequests.AsNoTracking()
            .Where(p => writable.Contains(p.RepositoryId) && p.Issue.State == IssueState.Open && !p.IsDraft && p.Issue.AuthorId != me
                && !db.PullRequestReviews.Any(r => r.PullRequestId == p.Id && r.AuthorId == me && r.CommitOid == p.HeadOid && r.State != ReviewStates.Pending))
            .OrderByDescending(p => p.Issue.UpdatedAt).ThenByDescending(p => p.Id).Select(p => p.IssueId).Take(ListCount).ToListAsync(ct);

        return new DashboardView(listed, repos.Count > RepoCount, await HitsAsync(assigned, ct), await HitsAsync(awaiting, ct),
            await ActivityAsync(repos, ct));
    }

    private async Task<IReadOnlyList<IssueHit>> HitsAsync(List<long> issueIds, CancellationToken ct)
    {
        if (issueIds.Count == 0)
        {
            return [];
        }
        var details = await issueDetails.DetailsAsync(issueIds, ct);
        return await WebIssues.HitsAsync(db, details, ct);
    }

    /// <summary>Issues and pull requests opened and closed, comments, and pushes in the viewer's repositories, newest first.</summary>
    private async Task<IReadOnlyList<ActivityItem>> ActivityAsync(IReadOnlyList<Repository> repos, CancellationToken ct)
    {
        var byId = repos.ToDictionary(r => r.Id);
        var ids = byId.Keys.ToList();
        var since = clock.GetUtcNow().UtcDateTime - ActivityWindow;
        var items = new List<ActivityItem>();

        var opened = await db.Issues.AsNoTracking().Where(i => ids.Contains(i.RepositoryId) && i.CreatedAt >= since)
            .OrderByDescending(i => i.CreatedAt).Take(ActivityCount)
            .Select(i => new { i.RepositoryId, i.Number, i.Title, i.IsPullRequest, i.CreatedAt, Author = i.Author.Username }).ToListAsync(ct);
        items.AddRange(opened.Select(i => Item(byId[i.RepositoryId], i.CreatedAt, i.IsPullRequest ? ActivityKind.OpenedPull : ActivityKind.OpenedIssue,
            i.Author, i.Number, i.IsPullRequest, i.Title, null)));

        var closed = await db.Issues.AsNoTracking().Where(i => ids.Contains(i.RepositoryId) && i.ClosedAt >= since && i.ClosedById != null)
            .OrderByDescending(i => i.ClosedAt).Take(ActivityCount)
            .Select(i => new
            {
                i.RepositoryId, i.Number, i.Title, i.IsPullRequest, ClosedAt = i.ClosedAt!.Value, Closer = i.ClosedBy!.Username,
                Merged = db.PullRequests.Any(p => p.IssueId == i.Id && p.MergedAt != null),
            }).ToListAsync(ct);
        items.AddRange(closed.Select(i => Item(byId[i.RepositoryId], i.ClosedAt,
            i.Merged ? ActivityKind.MergedPull : i.IsPullRequest ? ActivityKind.ClosedPull : ActivityKind.ClosedIssue, i.Closer, i.Number, i.IsPullRequest, i.Title, null)));

        var comments = await db.IssueComments.AsNoTracking().Where(c => ids.Contains(c.Issue.RepositoryId) && c.CreatedAt >= since)
            .OrderByDescending(c => c.CreatedAt).Take(ActivityCount)
            .Select(c => new { c.Id, c.Issue.RepositoryId, c.Issue.Number, c.Issue.Title, c.Issue.IsPullRequest, c.CreatedAt, Author = c.Author.Username, c.Body })
            .ToListAsync(ct);
        items.AddRange(comments.Select(c => Item(byId[c.RepositoryId], c.CreatedAt, ActivityKind.Commented, c.Author, c.Number, c.IsPullRequest, c.Title,
            Excerpt(c.Body)) with { Url = IssueUrl(byId[c.RepositoryId], c.Number, c.IsPullRequest) + "#issuecomment-" + c.Id }));

        // Anvil keeps no log of pushes: a recently pushed repository's most recently committed branch stands for it.
        foreach (var repo in repos.Where(r => r.PushedAt >= since).OrderByDescending(r => r.PushedAt).Take(PushedRepos))
        {
            var gitDir = store.Open(repo).GitDir;
            if (await reader.LatestBranchAsync(gitDir, ct) is { } branch && await reader.GetCommitAsync(gitDir, branch.CommitOid, ct) is { } commit)
            {
                items.Add(new ActivityItem(repo.PushedAt!.Value, ActivityKind.Pushed, commit.Author.Name, false, repo.Owner.Username, repo.Name, commit.Summary,
                    Links.Commit(repo.Owner.Username, repo.Name, commit.Oid), branch.Name));
            }
        }
        return items.OrderByDescending(i => i.At).Take(ActivityCount).ToList();
    }

    private static ActivityItem Item(Repository repo, DateTime at, ActivityKind kind, string actor, int number, bool isPull, string title, string? detail) =>
        new(at, kind, actor, true, repo.Owner.Username, repo.Name, title, IssueUrl(repo, number, isPull), detail);

    private static string IssueUrl(Repository repo, int number, bool isPull) =>
        isPull ? Links.Pull(repo.Owner.Username, repo.Name, number) : Links.Issue(repo.Owner.Username, repo.Name, number);

    private static string Excerpt(string body)
    {
        var text = string.Join(' ', body.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return text.Length <= 140 ? text : text[..139] + "…";
    }
}

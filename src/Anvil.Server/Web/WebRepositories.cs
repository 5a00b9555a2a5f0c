using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Repositories;
using Anvil.Server.Users;
using Anvil.Web.Ports;
using Anvil.Web.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Web;

public sealed class WebRepositories(RepositoryService repositories, RepositoryAccess access, UserService users, Search.SearchService search,
    Issues.IssueSearchResults issueHits, RepoSummaries summaries, AnvilDbContext db) : IWebRepositories
{
    // A document names a handful of people and issues; a page of mentions is no reason to run an unbounded IN list.
    private const int MaxReferences = 100;

    public async Task<Markdown.References> ReferencesAsync(string? owner, string? repo, IReadOnlySet<string> usernames, IReadOnlySet<int> numbers,
        CancellationToken ct)
    {
        var wanted = usernames.Where(u => u.Length <= NameRules.MaxUsernameLength).Take(MaxReferences).Select(NameRules.Normalize).ToList();
        var people = wanted.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => wanted.Contains(u.NormalizedUsername))
            .Select(u => u.Username).ToListAsync(ct);
        var issues = new Dictionary<int, string>();
        if (owner is not null && repo is not null && numbers.Count > 0)
        {
            var grant = await access.ReadAsync(owner, repo, ct);
            var asked = numbers.Take(MaxReferences).ToList();
            foreach (var issue in await db.Issues.AsNoTracking().Where(i => i.RepositoryId == grant.Repository.Id && asked.Contains(i.Number))
                         .Select(i => new { i.Number, i.IsPullRequest }).ToListAsync(ct))
            {
                issues[issue.Number] = issue.IsPullRequest ? Links.Pull(owner, repo, issue.Number) : Links.Issue(owner, repo, issue.Number);
            }
        }
        return new Markdown.References(new HashSet<string>(people, StringComparer.OrdinalIgnoreCase), issues);
    }

    public async Task<IReadOnlyList<RepoSummary>> ExploreAsync(int limit, CancellationToken ct)
    {
        var repos = await access.Visible().Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(f => f!.Owner)
            .OrderByDescending(r => r.UpdatedAt).ThenByDescending(r => r.Id).Take(limit).ToListAsync(ct);
        return await summaries.ListAsync(repos, ct);
    }

    public async Task<IReadOnlyList<RepoSummary>> MineAsync(int limit, CancellationToken ct) =>
        await summaries.ListAsync((await repositories.ListMineAsync(0, limit, ct)).Items, ct);

    public async Task<ProfileView> ProfileAsync(string username, CancellationToken ct)
    {
        var user = await users.GetByUsernameAsync(username, ct);
        var repos = await repositories.ListOwnedAsync(user, 0, 100, ct);
        var starred = await repositories.StarredByAsync(user, 0, 30, ct);
        return new ProfileView(Profile(user), await summaries.ListAsync(repos.Items, ct), await summaries.ListAsync(starred.Items, ct));
    }

    public async Task<CreatedRepo> CreateAsync(string? name, string? description, bool isPrivate, bool withReadme, CancellationToken ct)
    {
        try
        {
            var repo = await repositories.CreateAsync(new CreateRepository(name ?? "", description, isPrivate, null, withReadme), ct);
            return new CreatedRepo(Summary(repo, null), null);
        }
        catch (AnvilException e) when (e.IsInputRefusal())
        {
            return new CreatedRepo(null, WebAccounts.Sentence(e.Message));
        }
    }

    public async Task<SearchHits> SearchAsync(string query, SearchKind kind, int offset, int limit, CancellationToken ct)
    {
        var searched = kind switch
        {
            SearchKind.Users => Search.SearchKinds.User,
            SearchKind.Issues => Search.SearchKinds.Issue,
            SearchKind.PullRequests => Search.SearchKinds.PullRequest,
            _ => Search.SearchKinds.Repository,
        };
        var found = await search.SearchAsync(searched, Search.SearchQuery.Parse(query), offset, limit, ct);
        switch (kind)
        {
            case SearchKind.Users:
                return new SearchHits([], (await search.UsersAsync(found.Items, ct)).Select(Profile).ToList(), [], found.HasMore);
            case SearchKind.Issues or SearchKind.PullRequests:
                var details = await issueHits.DetailsAsync(found.Items, ct);
                return new SearchHits([], [], await WebIssues.HitsAsync(db, details, ct), found.HasMore);
            default:
                return new SearchHits(await summaries.ListAsync(await search.RepositoriesAsync(found.Items, ct), ct), [], [], found.HasMore);
        }
    }

    internal static UserProfile Profile(User u) => new(u.Username, u.Name, u.Bio, UserViews.AvatarUrl(u, ""), u.Location, u.Website, u.CreatedAt);

    internal static RepoSummary Summary(Repository r, RepositoryStats? stats) =>
        new(r.Owner.Username, r.Name, r.Description, r.IsPrivate, r.DefaultBranch, r.UpdatedAt, stats?.Stars ?? 0, stats?.Forks ?? 0,
            r.ForkedFrom is { } f ? f.Owner.Username + "/" + f.Name : null);
}

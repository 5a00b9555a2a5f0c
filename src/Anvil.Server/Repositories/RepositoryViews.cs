using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Repositories;

/// <summary>The JSON shapes of a repository on each surface, with counts and the viewer's relation filled in.</summary>
public sealed class RepositoryViews(RepositoryService repositories, RepositoryAccess access, Issues.IssueService issues, Auth.Caller caller, PublicAddress address,
    RepositoryLanguages languages)
{
    public sealed record ForkParent(string Id, string Name, string FullName, UserViews.Summary Owner);

    public sealed record Sigmagit(string Id, string Name, string FullName, string Description, string Visibility, string DefaultBranch,
        DateTime CreatedAt, DateTime UpdatedAt, DateTime? PushedAt, UserViews.Summary Owner, int StarCount, bool Starred, int ForkCount,
        bool IsOwner, ForkParent? ForkedFrom, string CloneUrl, int OpenIssueCount);

    public sealed record RepoEnvelope(Sigmagit Repo);

    public sealed record ForkList(IEnumerable<Sigmagit> Forks, bool HasMore);

    public sealed record RepositoryList(IEnumerable<Sigmagit> Repositories, bool HasMore);

    public sealed record StargazerList(IEnumerable<UserViews.Summary> Stargazers, bool HasMore);

    public sealed record StarState(bool Starred, int StarCount);

    public sealed record V1Permissions(bool Admin, bool Maintain, bool Push, bool Triage, bool Pull);

    public sealed record V1(long Id, string NodeId, string Name, string FullName, bool Private, UserViews.V1SimpleUser Owner,
        string HtmlUrl, string? Description, bool Fork, string Url, string CloneUrl, string GitUrl, string? Homepage, string? Language,
        string DefaultBranch, string Visibility, DateTime CreatedAt, DateTime UpdatedAt, DateTime? PushedAt, int Size,
        int StargazersCount, int WatchersCount, int ForksCount, int Forks, int Watchers, int OpenIssuesCount, int OpenIssues,
        bool HasIssues, bool HasProjects, bool HasWiki, bool HasDownloads, bool Archived, bool Disabled, List<string> Topics,
        V1Permissions? Permissions, V1? Parent, V1? Source, int NetworkCount)
    {
        // GitHub's hypermedia: every related collection's URL, templates ({/number}) as GitHub writes them.
        public string ForksUrl => $"{Url}/forks";
        public string KeysUrl => $"{Url}/keys{{/key_id}}";
        public string CollaboratorsUrl => $"{Url}/collaborators{{/collaborator}}";
        public string TeamsUrl => $"{Url}/teams";
        public string HooksUrl => $"{Url}/hooks";
        public string IssueEventsUrl => $"{Url}/issues/events{{/number}}";
        public string EventsUrl => $"{Url}/events";
        public string AssigneesUrl => $"{Url}/assignees{{/user}}";
        public string BranchesUrl => $"{Url}/branches{{/branch}}";
        public string TagsUrl => $"{Url}/tags";
        public string BlobsUrl => $"{Url}/git/blobs{{/sha}}";
        public string GitTagsUrl => $"{Url}/git/tags{{/sha}}";
        public string GitRefsUrl => $"{Url}/git/refs{{/sha}}";
        public string TreesUrl => $"{Url}/git/trees{{/sha}}";
        public string StatusesUrl => $"{Url}/statuses/{{sha}}";
        public string LanguagesUrl => $"{Url}/languages";
        public string StargazersUrl => $"{Url}/stargazers";
        public string ContributorsUrl => $"{Url}/contributors";
        public string SubscribersUrl => $"{Url}/subscribers";
        public string SubscriptionUrl => $"{Url}/subscription";
        public string CommitsUrl => $"{Url}/commits{{/sha}}";
        public string GitCommitsUrl => $"{Url}/git/commits{{/sha}}";
        public string CommentsUrl => $"{Url}/comments{{/number}}";
        public string IssueCommentUrl => $"{Url}/issues/comments{{/number}}";
        public string ContentsUrl => $"{Url}/contents/{{+path}}";
        public string CompareUrl => $"{Url}/compare/{{base}}...{{head}}";
        public string MergesUrl => $"{Url}/merges";
        public string ArchiveUrl => $"{Url}/{{archive_format}}{{/ref}}";
        public string DownloadsUrl => $"{Url}/downloads";
        public string IssuesUrl => $"{Url}/issues{{/number}}";
        public string PullsUrl => $"{Url}/pulls{{/number}}";
        public string MilestonesUrl => $"{Url}/milestones{{/number}}";
        public string NotificationsUrl => $"{Url}/notifications{{?since,all,participating}}";
        public string LabelsUrl => $"{Url}/labels{{/name}}";
        public string ReleasesUrl => $"{Url}/releases{{/id}}";
        public string DeploymentsUrl => $"{Url}/deployments";
        /// <summary>Null: Anvil serves git over HTTP only (yet).</summary>
        public string? SshUrl => null;
        public string SvnUrl => HtmlUrl;
        public string? MirrorUrl => null;
        /// <summary>Nobody watches a repository on Anvil (there is no watching; participants are notified).</summary>
        public int SubscribersCount => 0;
    }

    /// <summary>
    /// The parents (of the forks among <paramref name="repos"/>) the viewer may see: a fork names its
    /// parent only then, so a public fork of a private repository does not reveal it.
    /// </summary>
    private async Task<HashSet<long>> VisibleParentsAsync(IReadOnlyList<Repository> repos, CancellationToken ct)
    {
        var ids = repos.Where(r => r.ForkedFromId is not null).Select(r => r.ForkedFromId!.Value).Distinct().ToList();
        return ids.Count == 0 ? [] : (await access.Visible().Where(r => ids.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct)).ToHashSet();
    }

    private string BaseUrl => address.BaseUrl;

    private string CloneUrl(Repository r) => $"{BaseUrl}/{r.Owner.Username}/{r.Name}.git";

    public async Task<Sigmagit> SigmagitAsync(Repository repo, CancellationToken ct) => (await SigmagitAsync([repo], ct))[0];

    public async Task<List<Sigmagit>> SigmagitAsync(IReadOnlyList<Repository> repos, CancellationToken ct)
    {
        var stats = await repositories.StatsAsync(repos, ct);
        var tallies = await issues.TallyAsync(repos.Select(r => r.Id).ToList(), ct);
        var viewer = caller.UserId;
        var parents = await VisibleParentsAsync(repos, ct);
        return repos.Select(r => new Sigmagit(r.Id.ToString(), r.Name, $"{r.Owner.Username}/{r.Name}", r.Description, r.Visibility,
            r.DefaultBranch, r.CreatedAt, r.UpdatedAt, r.PushedAt, r.Owner.ToSummary(BaseUrl), stats[r.Id].Stars, stats[r.Id].StarredByViewer,
            stats[r.Id].Forks, viewer == r.OwnerId,
            r.ForkedFrom is { } p && parents.Contains(p.Id) ? new ForkParent(p.Id.ToString(), p.Name, $"{p.Owner.Username}/{p.Name}", p.Owner.ToSummary(BaseUrl)) : null,
            CloneUrl(r), tallies[r.Id].OpenIssues)).ToList();
    }

    public async Task<V1> V1Async(Repository repo, CancellationToken ct) => (await V1Async([repo], ct, withParent: true))[0];

    public async Task<List<V1>> V1Async(IReadOnlyList<Repository> repos, CancellationToken ct, bool withParent = false)
    {
        var stats = await repositories.StatsAsync(repos, ct);
        var tallies = await issues.TallyAsync(repos.Select(r => r.Id).ToList(), ct);
        var topics = await repositories.TopicsOfAsync(repos.Select(r => r.Id).ToList(), ct);
        var signedIn = caller.IsAuthenticated;
        var parents = withParent ? await VisibleParentsAsync(repos, ct) : [];
        var result = new List<V1>(repos.Count);
        foreach (var r in repos)
        {
            V1Permissions? permissions = null;
            if (signedIn)
            {
                var p = await access.PermissionAsync(r, ct);
                permissions = new V1Permissions(p >= RepositoryPermission.Admin, p >= RepositoryPermission.Admin, p >= RepositoryPermission.Write,
                    p >= RepositoryPermission.Write, p >= RepositoryPermission.Read);
            }
            V1? parent = null;
            if (r.ForkedFrom is { } f && parents.Contains(f.Id))
            {
                parent = (await V1Async([f], ct))[0];
            }
            var s = stats[r.Id];
            var url = $"{BaseUrl}/api/v1/repos/{r.Owner.Username}/{r.Name}";
            result.Add(new V1(r.Id, UserViews.NodeId("R", r.Id), r.Name, $"{r.Owner.Username}/{r.Name}", r.IsPrivate, r.Owner.ToV1Simple(BaseUrl),
                $"{BaseUrl}/{r.Owner.Username}/{r.Name}", r.Description.Length == 0 ? null : r.Description, r.ForkedFromId is not null, url,
                CloneUrl(r), CloneUrl(r), null, (await languages.PrimaryAsync(r, ct))?.Name, r.DefaultBranch, r.Visibility, r.CreatedAt, r.UpdatedAt, r.PushedAt, 0,
                s.Stars, s.Stars, s.Forks, s.Forks, s.Stars, tallies[r.Id].OpenIssuesCount, tallies[r.Id].OpenIssuesCount, true, false, false, false, r.IsArchived, false, topics[r.Id],
                permissions, parent, parent, s.Forks));
        }
        return result;
    }
}

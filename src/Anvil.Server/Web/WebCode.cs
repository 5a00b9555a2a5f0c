using Anvil.Git;
using Anvil.Git.Reading;
using Anvil.Server.Browsing;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Repositories;
using Anvil.Web.Ports;

namespace Anvil.Server.Web;

/// <summary>Code browsing for the pages, through <see cref="BrowsingService"/> and so through the same access checks as the API.</summary>
public sealed class WebCode(BrowsingService browsing, RepositoryAccess access, RepositoryService repositories, RepositoryStore store,
    GitReader reader, PublicAddress address, Auth.Caller caller, Issues.IssueService issues, RepoSummaries summaries) : IWebCode
{
    // One per request: a page that reads a tree and then its README opens the repository once.
    private (string Owner, string Repo, RepoContext Context)? _opened;

    public async Task<RepoContext> OpenAsync(string owner, string repo, CancellationToken ct)
    {
        if (_opened is { } o && o.Owner == owner && o.Repo == repo)
        {
            return o.Context;
        }
        var context = await LoadAsync(owner, repo, ct);
        _opened = (owner, repo, context);
        return context;
    }

    private async Task<RepoContext> LoadAsync(string owner, string repo, CancellationToken ct)
    {
        var grant = await access.ReadAsync(owner, repo, ct);
        var r = grant.Repository;
        var refs = await reader.ListBranchesAndTagsAsync(store.Open(r).GitDir, ct);
        var branches = refs.Branches.Select(b => b.Name)
            .OrderByDescending(n => n == r.DefaultBranch).ThenBy(n => n, StringComparer.Ordinal).ToList();
        var tags = refs.Tags.Select(t => t.Name).OrderDescending(StringComparer.Ordinal).ToList();
        var stats = (await repositories.StatsAsync([r], ct))[r.Id];
        var clone = $"{address.BaseUrl}/{Uri.EscapeDataString(r.Owner.Username)}/{Uri.EscapeDataString(r.Name)}.git";
        var tally = (await issues.TallyAsync([r.Id], ct)).GetValueOrDefault(r.Id) ?? Issues.IssueTally.Empty;
        return new RepoContext(WebRepositories.Summary(r, stats), grant.CanWrite, branches, tags, clone, branches.Count == 0, stats.StarredByViewer,
            tally.OpenIssues, tally.OpenPullRequests, grant.IsAdmin);
    }

    public async Task SetStarAsync(string owner, string repo, bool starred, CancellationToken ct)
    {
        await repositories.SetStarAsync(await access.ReadAsync(owner, repo, ct), starred, ct);
        _opened = null;
    }

    public async Task<ForkResult> ForkAsync(string owner, string repo, CancellationToken ct)
    {
        var parent = (await access.ReadAsync(owner, repo, ct)).Repository;
        try
        {
            var fork = await repositories.ForkAsync(await access.ReadAsync(owner, repo, ct), null, null, ct);
            return new ForkResult(WebRepositories.Summary(fork, null), null);
        }
        catch (AnvilException e) when (e.IsInputRefusal())
        {
            // GitHub's Fork button on a repository you already forked takes you to your fork.
            // (The name is taken in the viewer's own account, so that repository is theirs to read.)
            if (e.Kind is FailureKind.Conflict or FailureKind.AlreadyExists && caller.User is { } viewer
                && (await access.ReadAsync(viewer.Username, parent.Name, ct)).Repository is { } mine && mine.ForkedFromId == parent.Id)
            {
                return new ForkResult(WebRepositories.Summary(mine, null), null);
            }
            return new ForkResult(null, WebAccounts.Sentence(e.Message));
        }
    }

    public async Task<ForksView> ForksAsync(string owner, string repo, int skip, int limit, CancellationToken ct)
    {
        var context = await OpenAsync(owner, repo, ct);
        var page = await repositories.ListForksAsync(await access.ReadAsync(owner, repo, ct), skip, limit, ct);
        return new ForksView(context, await summaries.ListAsync(page.Items, ct), page.HasMore);
    }

    public async Task<StargazersView> StargazersAsync(string owner, string repo, int skip, int limit, CancellationToken ct)
    {
        var context = await OpenAsync(owner, repo, ct);
        var page = await repositories.StargazersAsync(await access.ReadAsync(owner, repo, ct), skip, limit, ct);
        return new StargazersView(context, page.Items.Select(WebRepositories.Profile).ToList(), page.HasMore);
    }

    public async Task<TreeView> TreeAsync(string owner, string repo, string? rest, CancellationToken ct)
    {
        var context = await OpenAsync(owner, repo, ct);
        var (gitRef, path) = Split(context, rest);
        TreeListing tree;
        try
        {
            tree = await browsing.GetTreeAsync(await access.ReadAsync(owner, repo, ct), gitRef, path, withLastCommits: true, ct);
        }
        catch (AnvilException e) when (e.Kind == FailureKind.NotFound && path.Length > 0 && !context.IsEmpty)
        {
            // Not a directory: a file's path opens its blob, as on GitHub; anything else stays not found.
            var contents = await browsing.GetContentsAsync(await access.ReadAsync(owner, repo, ct), gitRef, path, ct);
            if (contents.File is null)
            {
                throw;
            }
            return new TreeView(context, gitRef, contents.Entry.Path, [], new Dictionary<string, GitCommit>(), null, NamesFile: true);
        }
        GitCommit? head = null;
        if (!context.IsEmpty)
        {
            head = (await browsing.ListCommitsAsync(await access.ReadAsync(owner, repo, ct), gitRef, path, 0, 1, ct)).Commits.FirstOrDefault();
        }
        return new TreeView(context, gitRef, tree.Path, tree.Entries, tree.LastCommits ?? new Dictionary<string, GitCommit>(), head);
    }

    public async Task<FileView> FileAsync(string owner, string repo, string rest, CancellationToken ct)
    {
        var context = await OpenAsync(owner, repo, ct);
        var (gitRef, path) = Split(context, rest);
        var contents = await browsing.GetContentsAsync(await access.ReadAsync(owner, repo, ct), gitRef, path, ct);
        return new FileView(context, gitRef, contents.Entry.Path, contents.File);
    }

    public async Task<BlameView> BlameAsync(string owner, string repo, string rest, CancellationToken ct)
    {
        var context = await OpenAsync(owner, repo, ct);
        var (gitRef, path) = Split(context, rest);
        var file = await browsing.GetFileAsync(await access.ReadAsync(owner, repo, ct), gitRef, path, ct); // the access check, and "not a file" is not found
        if (file.File.IsBinary || file.File.IsTooLarge)
        {
            return new BlameView(context, gitRef, file.File.Entry.Path, null);
        }
        var blame = await reader.GetBlameAsync(file.Target.GitDir, file.Target.CommitOid!, file.File.Entry.Path, ct);
        return new BlameView(context, gitRef, file.File.Entry.Path, blame);
    }

    public async Task<CommitsView> CommitsAsync(string owner, string repo, string? rest, int skip, int limit, CancellationToken ct)
    {
        var context = await OpenAsync(owner, repo, ct);
        var (gitRef, path) = Split(context, rest);
        var list = await browsing.ListCommitsAsync(await access.ReadAsync(owner, repo, ct), gitRef, path, skip, limit, ct);
        var authors = list.Commits.Select(c => (c.Oid, User: list.Users.For(c.Author))).Where(a => a.User is not null)
            .ToDictionary(a => a.Oid, a => a.User!.Username);
        return new CommitsView(context, gitRef, path.Length > 0 ? path : null, list.Commits, list.HasMore, authors);
    }

    public async Task<CommitDiffView> CommitAsync(string owner, string repo, string sha, CancellationToken ct)
    {
        var context = await OpenAsync(owner, repo, ct);
        var detail = await browsing.GetCommitAsync(await access.ReadAsync(owner, repo, ct), sha, ct);
        return new CommitDiffView(context, detail.Commit, detail.Diff, detail.Users.For(detail.Commit.Author)?.Username);
    }

    public async Task WriteRawAsync(HttpContext http, string owner, string repo, string rest)
    {
        var context = await OpenAsync(owner, repo, http.RequestAborted);
        var (gitRef, path) = Split(context, rest);
        var (_, file, content) = await browsing.OpenFileAsync(await access.ReadAsync(owner, repo, http.RequestAborted), gitRef, path, http.RequestAborted);
        await RawContent.WriteAsync(http, file, content);
    }

    /// <summary>
    /// "{ref}/{path}" as GitHub reads it: the longest branch or tag the tail starts with, else its first segment (a
    /// commit id); no tail means the default branch at the root.
    /// </summary>
    private static (string Ref, string Path) Split(RepoContext context, string? rest)
    {
        rest = BrowsingEndpoints.CatchAll(rest ?? "").Trim('/');
        if (rest.Length == 0)
        {
            return (context.Repo.DefaultBranch, "");
        }
        var named = context.Branches.Concat(context.Tags)
            .Where(n => rest == n || rest.StartsWith(n + "/", StringComparison.Ordinal))
            .MaxBy(n => n.Length);
        var gitRef = named ?? rest.Split('/')[0];
        return (gitRef, rest.Length > gitRef.Length ? rest[(gitRef.Length + 1)..] : "");
    }
}

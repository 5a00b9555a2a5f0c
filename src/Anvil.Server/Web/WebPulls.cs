using Anvil.Git;
using Anvil.Server.Auth;
using Anvil.Server.Browsing;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Issues;
using Anvil.Server.PullRequests;
using Anvil.Server.Repositories;
using Anvil.Web.Ports;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Web;

/// <summary>The compare page and opening pull requests, over <see cref="BrowsingService"/> and <see cref="PullRequestService"/>.</summary>
public sealed class WebPulls(BrowsingService browsing, PullRequestService pulls, RepositoryAccess access, RepositoryStore store, Caller caller,
    IWebCode code, AnvilDbContext db) : IWebPulls
{
    public async Task<CompareView> CompareAsync(string owner, string repo, string @base, string head, CancellationToken ct)
    {
        var context = await code.OpenAsync(owner, repo, ct);
        var target = (await access.ReadAsync(owner, repo, ct)).Repository;
        var choices = await HeadChoicesAsync(context, target, ct);
        var (headOwner, headBranch) = SplitHead(head);
        var none = new CompareView(context, @base, head, choices, [], new Dictionary<string, string>(), null, null, context.Repo.FullName, 0, 0, null, null, false);
        var headRepo = headOwner is null || string.Equals(headOwner, owner, StringComparison.OrdinalIgnoreCase) ? target : await ForkOfAsync(target, headOwner, ct);
        if (headRepo is null)
        {
            return none with { Problem = $"{headOwner} has no fork of this repository." };
        }
        if (headRepo.Id == target.Id && @base == headBranch)
        {
            return none with { Problem = "Choose two different branches to see what changed." };
        }
        try
        {
            // A fork's commits are only in the fork; it holds the base's history up to when it was made (or last synced),
            // so the comparison runs there against the base branch's commit when the fork has it, else against its own copy.
            var baseRef = @base;
            if (headRepo.Id != target.Id)
            {
                var baseOid = await store.Open(target).ResolveRefAsync(RefNames.Branch(@base), ct);
                var forkHasIt = baseOid is not null && await store.Open(headRepo).HasCommitAsync(baseOid, ct);
                baseRef = forkHasIt ? baseOid! : @base;
            }
            var compared = await browsing.CompareAsync(await access.ReadAsync(headRepo.Owner.Username, headRepo.Name, ct), baseRef, RefNames.Branch(headBranch), ct);
            var authors = compared.Commits.Select(c => (c.Oid, User: compared.Users.For(c.Author)?.Username)).Where(a => a.User is not null)
                .ToDictionary(a => a.Oid, a => a.User!);
            var open = await db.PullRequests.AsNoTracking().Where(p => p.RepositoryId == target.Id && p.HeadRepositoryId == headRepo.Id
                    && p.HeadBranch == headBranch && p.BaseBranch == @base && p.Issue.State == IssueState.Open)
                .Select(p => (int?)p.Issue.Number).FirstOrDefaultAsync(ct);
            return none with
            {
                Commits = compared.Commits, Authors = authors, Diff = compared.AheadBy == 0 ? null : compared.Diff, DiffAt = compared.HeadOid,
                DiffRepository = headRepo.Owner.Username + "/" + headRepo.Name, AheadBy = compared.AheadBy, BehindBy = compared.BehindBy, OpenPull = open,
                CanOpen = caller.User is not null && compared.AheadBy > 0,
                Problem = compared.AheadBy == 0 ? $"{@base} is up to date with all commits from {head}. There isn't anything to compare." : null,
            };
        }
        catch (AnvilException e) when (e.Kind == FailureKind.NotFound)
        {
            return none with { Problem = e.Message.StartsWith("No common ancestor", StringComparison.Ordinal)
                ? $"{@base} and {head} are entirely different commit histories."
                : $"There is no branch {head} or {@base} to compare." };
        }
    }

    public async Task<IReadOnlyList<string>> HeadChoicesAsync(string owner, string repo, CancellationToken ct) =>
        await HeadChoicesAsync(await code.OpenAsync(owner, repo, ct), (await access.ReadAsync(owner, repo, ct)).Repository, ct);

    private async Task<IReadOnlyList<string>> HeadChoicesAsync(RepoContext context, Repository target, CancellationToken ct)
    {
        var choices = new List<string>(context.Branches);
        if (caller.User is { } me && await ForkOfAsync(target, me.Username, ct) is { } mine)
        {
            choices.AddRange((await code.OpenAsync(mine.Owner.Username, mine.Name, ct)).Branches.Select(b => me.Username + ":" + b));
        }
        return choices;
    }

    public async Task<OpenedIssue> OpenAsync(string owner, string repo, string @base, string head, string? title, string? body, bool draft, CancellationToken ct)
    {
        var (headOwner, headBranch) = SplitHead(head);
        string? headRepoName = null;
        if (headOwner is not null)
        {
            var target = (await access.ReadAsync(owner, repo, ct)).Repository;
            headRepoName = (await ForkOfAsync(target, headOwner, ct))?.Name;
            if (headRepoName is null)
            {
                return new OpenedIssue(null, $"{headOwner} has no fork of this repository.");
            }
        }
        try
        {
            var opened = await pulls.CreateAsync(await access.ReadAsync(owner, repo, ct), new NewPullRequest(title, body, headBranch, @base, headOwner, headRepoName, draft, null, null), ct);
            return new OpenedIssue(opened.PullRequest.Issue.Number, null);
        }
        catch (AnvilException e) when (e.IsInputRefusal() || e.Kind == FailureKind.Forbidden)
        {
            return new OpenedIssue(null, WebAccounts.Sentence(e.Message));
        }
    }

    /// <summary>"owner:branch" names a fork's branch; a plain name is this repository's.</summary>
    private static (string? Owner, string Branch) SplitHead(string head) =>
        head.IndexOf(':') is var colon and > 0 ? (head[..colon], head[(colon + 1)..]) : (null, head);

    /// <summary>
    /// <paramref name="username"/>'s repository in the network of <paramref name="repo"/> (its fork, its parent, or a sibling
    /// fork), if the viewer may read it.
    /// </summary>
    private async Task<Repository?> ForkOfAsync(Repository repo, string username, CancellationToken ct)
    {
        var normalized = Users.NameRules.Normalize(username);
        var network = repo.ForkedFromId ?? repo.Id;
        return await access.Visible().AsNoTracking().Include(r => r.Owner)
            .Where(r => r.Owner.NormalizedUsername == normalized && r.Id != repo.Id && (r.Id == network || r.ForkedFromId == network || r.ForkedFromId == repo.Id))
            .OrderBy(r => r.Id).FirstOrDefaultAsync(ct);
    }
}

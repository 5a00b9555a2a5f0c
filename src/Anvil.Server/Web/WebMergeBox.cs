using Anvil.Git;
using Anvil.Server.Auth;
using Anvil.Server.Browsing;
using Anvil.Server.Infrastructure;
using Anvil.Server.Issues;
using Anvil.Server.PullRequests;
using Anvil.Server.Repositories;
using Anvil.Web.Ports;

namespace Anvil.Server.Web;

/// <summary>A pull request's merge box over <see cref="PullRequestService"/>, <see cref="PullRequestMerger"/> and branch deletion.</summary>
public sealed class WebMergeBox(PullRequestService pulls, WebPullRequestLoads loads, PullRequestMerger merger, BrowsingService browsing, RepositoryAccess access,
    RepositoryStore store, Caller caller) : IWebMergeBox
{
    public async Task<MergeBoxView> LoadAsync(string owner, string repo, int number, CancellationToken ct)
    {
        var details = await loads.GetAsync(owner, repo, number, ct);
        var (pr, issue) = (details.PullRequest, details.Details.Issue);
        var grant = await access.ReadAsync(owner, repo, ct);
        var viewer = caller.User;
        var state = pr.IsMerged ? "merged" : issue.State == IssueState.Closed ? "closed" : PullRequestViews.MergeableState(details);
        var headRepo = details.HeadRepository;
        var headLabel = headRepo is null ? pr.HeadBranch
            : headRepo.Id == grant.Repository.Id ? pr.HeadBranch : headRepo.Owner.Username + ":" + pr.HeadBranch;
        var canDeleteHead = false;
        if (viewer is not null && state is "merged" or "closed" && headRepo is not null && pr.HeadBranch != headRepo.DefaultBranch
            && await access.PermissionAsync(headRepo, ct) >= RepositoryPermission.Write)
        {
            canDeleteHead = await store.Open(headRepo).ResolveRefAsync(RefNames.Branch(pr.HeadBranch), ct) is not null;
        }
        return new MergeBoxView(state,
            state == "dirty" ? pr.ConflictingPaths.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [],
            details.Checks.Total, details.Checks.Pending, details.Checks.Failed,
            viewer is not null && grant.CanWrite, viewer is not null && (grant.CanWrite || issue.AuthorId == viewer.Id),
            pr.HeadOid, headLabel, canDeleteHead);
    }

    public Task<FormResult> MergeAsync(string owner, string repo, int number, string? strategy, string? title, string? message, string? sha, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () => await merger.MergeAsync(await access.ReadAsync(owner, repo, ct), number,
            new MergeRequest(strategy, string.IsNullOrWhiteSpace(title) ? null : title, string.IsNullOrWhiteSpace(message) ? null : message, sha), ct));

    public Task<FormResult> SetDraftAsync(string owner, string repo, int number, bool draft, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () => await pulls.UpdateAsync(await access.ReadAsync(owner, repo, ct), number, new PullRequestChanges(IsDraft: draft), ct));

    public Task<FormResult> DeleteHeadBranchAsync(string owner, string repo, int number, CancellationToken ct) =>
        FormRefusals.AttemptAsync(async () =>
        {
            var details = await pulls.GetAsync(await access.ReadAsync(owner, repo, ct), number, ct);
            if (details.HeadRepository is not { } head)
            {
                throw AnvilException.Invalid("the head repository is gone");
            }
            await browsing.DeleteBranchAsync(await access.ReadAsync(head.Owner.Username, head.Name, ct), details.PullRequest.HeadBranch, ct);
        });

}

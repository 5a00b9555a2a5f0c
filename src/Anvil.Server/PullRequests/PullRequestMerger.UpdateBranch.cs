using Anvil.Git;
using Anvil.Server.Infrastructure;
using Anvil.Server.Issues;
using Anvil.Server.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.PullRequests;

/// <summary>Bringing a pull request's head branch up to date with its base (GitHub's "Update branch").</summary>
public sealed partial class PullRequestMerger
{
    /// <summary>
    /// Merges the base branch's tip into the head branch, as a merge commit by the caller written with the merge engine
    /// (no work tree), and moves the head branch compare-and-swap like a push, so the push and the pull request's
    /// <c>synchronize</c> are announced as for any push. The caller needs write access to the head's repository (a fork's, too).
    /// </summary>
    /// <param name="expectedHeadSha">When given, the head branch must still be at this commit.</param>
    /// <returns>The pull request and the head branch's new commit.</returns>
    public async Task<(PullRequestDetails PullRequest, string HeadOid)> UpdateBranchAsync(RepositoryGrant grant, int number, string? expectedHeadSha,
        CancellationToken ct)
    {
        var user = caller.RequireUser();
        var pr = await pulls.GetAsync(grant, number, ct);
        var row = pr.PullRequest;
        if (row.HeadRepositoryId is null)
        {
            throw AnvilException.Invalid("the head repository was deleted");
        }
        var headRepo = pr.HeadRepository ?? throw AnvilException.Forbidden("you do not have write access to the head repository");
        await access.RequireAsync(headRepo, RepositoryPermission.Write, ct);
        RepositoryAccess.RequireNotArchived(headRepo);
        if (row.IsMerged || pr.Issue.State != IssueState.Open)
        {
            throw AnvilException.Invalid("only an open pull request's branch can be updated");
        }
        if (row.HeadBranchDeleted)
        {
            throw AnvilException.Invalid("the head branch was deleted");
        }
        var expected = expectedHeadSha?.ToLowerInvariant();
        if (expected is not null && !RepositoryStore.IsValidOid(expected))
        {
            throw AnvilException.Invalid("PullRequest", "expected_head_sha", "expected_head_sha must be a full commit id");
        }

        var baseGit = store.Open(pr.Repository);
        var headGit = store.Open(headRepo);
        var headRef = RefNames.Branch(row.HeadBranch);
        var headTip = await headGit.ResolveRefAsync(headRef, ct)
            ?? throw AnvilException.Invalid("the head branch was deleted");
        if (expected is not null && expected != headTip)
        {
            throw AnvilException.Invalid("expected head sha didn’t match current head ref.");
        }
        var fork = headRepo.Id != pr.Repository.Id;
        // A fork lacks the base's new commits: they are fetched into it under a ref of their own, dropped once merged.
        var staged = fork ? $"refs/anvil/staged-updates/{Guid.NewGuid():N}" : null;
        try
        {
            var baseTip = staged is null
                ? await baseGit.ResolveRefAsync(RefNames.Branch(row.BaseBranch), ct)
                : await headGit.FetchRefAsync(baseGit, RefNames.Branch(row.BaseBranch), staged, ct);
            if (baseTip is null)
            {
                throw AnvilException.Invalid($"base branch '{row.BaseBranch}' does not exist");
            }
            var from = fork ? $"'{row.BaseBranch}' of {pr.Repository.Owner.Username}/{pr.Repository.Name}" : $"'{row.BaseBranch}'";
            var signature = Signature(user);
            string merged;
            try
            {
                // The head is the first parent: the base is merged into it.
                merged = await Merger.CreateMergeCommitAsync(headGit.GitDir, headTip, baseTip, $"Merge branch {from} into {row.HeadBranch}\n", signature, signature, ct);
            }
            catch (MergeNotPossibleException e)
            {
                throw AnvilException.Invalid(e.Analysis.Status switch
                {
                    MergeStatus.UpToDate => "There are no new commits on the base branch.",
                    MergeStatus.Conflicts => $"merge conflict between base and head in {string.Join(", ", e.Analysis.ConflictingPaths)}; resolve it on the command line",
                    _ => "the head and base branches share no history",
                });
            }
            var tracked = await db.Repositories.Include(r => r.Owner).FirstAsync(r => r.Id == headRepo.Id, ct);
            if (!await repositories.MoveRefAsync(tracked, user, headRef, headTip, merged, ct))
            {
                throw AnvilException.Invalid("expected head sha didn’t match current head ref.");
            }
            return (pr, merged);
        }
        finally
        {
            if (staged is not null)
            {
                await headGit.RemoveRefAsync(staged, CancellationToken.None);
            }
        }
    }
}

using Anvil.Git;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Repositories;

/// <summary>What every ref move (a push, a merge, a branch created or deleted through the API) records and announces.</summary>
public sealed partial class RepositoryService
{
    /// <summary>Records what a push did and tells subscribers (webhooks, Actions, pull requests).</summary>
    public async Task OnPushedAsync(Repository repo, User pusher, IReadOnlyList<RefChange> changes, CancellationToken ct)
    {
        if (changes.Count == 0)
        {
            return;
        }
        // Every way refs move (push, merge, branch API) comes through here: trees and histories cached before are stale.
        changeClock.Tick();
        // The first branch pushed to an empty repository becomes its default, as on GitHub; git's part before the transaction.
        var git = store.Open(repo);
        var hasDefault = await git.HasRefAsync(RefNames.Branch(repo.DefaultBranch), ct);
        var newDefault = hasDefault ? null : changes.Where(c => !c.IsDelete).Select(c => RefNames.BranchOf(c.RefName)).OfType<string>().FirstOrDefault();
        if (newDefault is not null)
        {
            await git.SetDefaultBranchAsync(newDefault, ct);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var tracked = await db.Repositories.FirstAsync(r => r.Id == repo.Id, ct);
        tracked.PushedAt = Now;
        tracked.UpdatedAt = Now;
        tracked.DefaultBranch = newDefault ?? tracked.DefaultBranch;
        await db.SaveChangesAsync(ct);
        log.LogInformation("refs of repository {Repository} ({Id}) moved by {User}: {Refs}", repo.Owner?.Username + "/" + repo.Name,
            repo.Id, pusher.Username, string.Join(", ", changes.Select(c => $"{c.RefName} {Short(c.OldOid)}..{Short(c.NewOid)}")));
        // The refs moved already (git did that); the event commits with the push's record, so its webhooks, runs and
        // pull request updates survive a crash from here on.
        await events.PublishAsync(new RepositoryPushed(tracked, pusher, changes), ct);
        await events.CommitAsync(tx, ct);
    }

    /// <summary>
    /// Moves one ref compare-and-swap — from <paramref name="expectedOldOid"/> (<see cref="RepositoryStore.ZeroOid"/>: it must not
    /// exist) to <paramref name="newOid"/> (<see cref="RepositoryStore.ZeroOid"/>: delete it) — and records and announces it like a
    /// push. False, with nothing recorded, when the ref held something else: another writer won.
    /// </summary>
    public async Task<bool> MoveRefAsync(Repository repo, User pusher, string refName, string expectedOldOid, string newOid, CancellationToken ct)
    {
        var git = store.Open(repo);
        var moved = await CompareAndSwapAsync(() => newOid == RepositoryStore.ZeroOid
            ? git.DeleteRefAsync(refName, expectedOldOid, ct)
            : git.UpdateRefAsync(refName, newOid, expectedOldOid, ct));
        if (moved)
        {
            await OnPushedAsync(repo, pusher, [new RefChange(refName, expectedOldOid, newOid)], ct);
        }
        return moved;
    }

    /// <summary>
    /// A concurrent update that holds the ref's lock longer than git waits for it makes git fail while the ref still looks
    /// unchanged, which is neither a win nor a loss yet: try again, and the next attempt sees the outcome.
    /// </summary>
    private static async Task<bool> CompareAndSwapAsync(Func<Task<bool>> update)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await update();
            }
            catch (GitCommandException) when (attempt < 3)
            {
            }
        }
    }

    private static string Short(string oid) => oid.Length > 7 ? oid[..7] : oid;
}

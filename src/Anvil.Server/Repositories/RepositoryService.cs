using Anvil.Git;
using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Infrastructure.Http;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Repositories;

public sealed record CreateRepository(string? Name, string? Description, bool? IsPrivate, string? DefaultBranch, bool AutoInit);

public sealed record UpdateRepository(string? Name, string? Description, bool? IsPrivate, string? DefaultBranch, bool? IsArchived = null);

/// <summary>Counts and the viewer's relation to a repository, as every repository view shows them.</summary>
public sealed record RepositoryStats(int Stars, int Forks, bool StarredByViewer);

/// <summary>The rules of repositories: creating, renaming, forking, starring, collaborators.</summary>
public sealed partial class RepositoryService(
    AnvilDbContext db, Caller caller, RepositoryAccess access, RepositoryStore store, DomainEvents events, TimeProvider clock,
    Infrastructure.Caching.ChangeClock changeClock, Infrastructure.Caching.RecentReads recent, ILogger<RepositoryService> log)
{
    public const string FallbackDefaultBranch = "main";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<Repository> CreateAsync(CreateRepository req, CancellationToken ct)
    {
        var owner = caller.RequireUser();
        if (RepositoryNames.Problem(req.Name) is { } problem)
        {
            throw req.Name is null ? AnvilException.BadRequest(problem) : AnvilException.Invalid(problem);
        }
        var defaultBranch = req.DefaultBranch ?? FallbackDefaultBranch;
        if (!RefNames.IsValidBranch(defaultBranch))
        {
            throw AnvilException.Invalid("defaultBranch is not a valid branch name");
        }
        var description = ValidDescription(req.Description);
        var repo = new Repository
        {
            OwnerId = owner.Id,
            Owner = await db.Users.FirstAsync(u => u.Id == owner.Id, ct),
            Name = req.Name!,
            NormalizedName = RepositoryNames.Normalize(req.Name!),
            Description = description,
            IsPrivate = req.IsPrivate ?? false,
            DefaultBranch = defaultBranch,
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        await InsertWithGitAsync(repo, () => store.CreateAsync(owner.Id, repo.Id, defaultBranch,
            req.AutoInit ? new InitialCommit(new GitSignature(owner.Name, owner.Email), repo.Name, description) : null, ct),
            () => events.PublishAsync(new RepositoryCreated(repo, owner), ct), ct);
        return repo;
    }

    /// <summary>
    /// Inserts the row and creates its git directory as one unit: the row (with the event <paramref name="raise"/>
    /// publishes) commits only after git succeeded, and the git directory is removed if the row cannot commit.
    /// </summary>
    private async Task InsertWithGitAsync(Repository repo, Func<Task> createGit, Func<Task> raise, CancellationToken ct)
    {
        await EnsureNameFreeAsync(repo.OwnerId, repo.NormalizedName, null, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The name is taken: a repository renamed away from it stops being found under it.
        await db.Set<RepositoryRedirect>().Where(r => r.OwnerId == repo.OwnerId && r.NormalizedName == repo.NormalizedName).ExecuteDeleteAsync(ct);
        db.Repositories.Add(repo);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw AnvilException.Taken("Repository", "name", $"repository '{repo.Name}' already exists");
        }
        try
        {
            await createGit();
            await raise();
            await events.CommitAsync(tx, ct);
        }
        catch
        {
            await store.DeleteAsync(repo.OwnerId, repo.Id, CancellationToken.None);
            throw;
        }
    }

    private async Task EnsureNameFreeAsync(long ownerId, string normalizedName, long? exceptId, CancellationToken ct)
    {
        if (await db.Repositories.AnyAsync(r => r.OwnerId == ownerId && r.NormalizedName == normalizedName && r.Id != exceptId, ct))
        {
            throw AnvilException.Taken("Repository", "name", "a repository with that name already exists");
        }
    }

    /// <summary>
    /// After a rename (saved with it): the old name leads here until another repository takes it, and the new name stops
    /// leading anywhere else. A change of case needs nothing, names being looked up regardless of case.
    /// </summary>
    private async Task RedirectOldNameAsync(Repository repo, string oldName, CancellationToken ct)
    {
        if (oldName == repo.NormalizedName)
        {
            return;
        }
        var rows = await db.Set<RepositoryRedirect>()
            .Where(r => r.OwnerId == repo.OwnerId && (r.NormalizedName == oldName || r.NormalizedName == repo.NormalizedName)).ToListAsync(ct);
        db.RemoveRange(rows.Where(r => r.NormalizedName == repo.NormalizedName));
        if (rows.FirstOrDefault(r => r.NormalizedName == oldName) is { } existing)
        {
            existing.RepositoryId = repo.Id;
            existing.CreatedAt = Now;
        }
        else
        {
            db.Add(new RepositoryRedirect { OwnerId = repo.OwnerId, NormalizedName = oldName, RepositoryId = repo.Id, CreatedAt = Now });
        }
    }

    private static string ValidDescription(string? description)
    {
        var d = (description ?? "").Trim();
        return d.Length <= 1000 ? d : throw AnvilException.Invalid("description must be at most 1000 characters");
    }

    public async Task<Repository> UpdateAsync(RepositoryGrant grant, UpdateRepository req, CancellationToken ct)
    {
        var repo = grant.Require(RepositoryPermission.Admin).Repository;
        // An archive changes in one way only, as on GitHub: it is unarchived (and may then change as it likes).
        if (req.IsArchived != false)
        {
            RepositoryAccess.RequireNotArchived(repo);
        }
        if (req.IsArchived is { } archived)
        {
            repo.IsArchived = archived;
        }
        if (req.Name is not null && req.Name != repo.Name)
        {
            if (RepositoryNames.Problem(req.Name) is { } problem)
            {
                throw AnvilException.Invalid(problem);
            }
            var normalized = RepositoryNames.Normalize(req.Name);
            await EnsureNameFreeAsync(repo.OwnerId, normalized, repo.Id, ct);
            // On disk the repository is named by id, so a rename touches only this row (and the redirects, saved with it).
            var oldName = repo.NormalizedName;
            repo.Name = req.Name;
            repo.NormalizedName = normalized;
            await RedirectOldNameAsync(repo, oldName, ct);
        }
        if (req.Description is not null)
        {
            repo.Description = ValidDescription(req.Description);
        }
        var madePrivate = false;
        if (req.IsPrivate is { } isPrivate && isPrivate != repo.IsPrivate)
        {
            if (!isPrivate && repo.ForkedFrom is { IsPrivate: true })
            {
                throw AnvilException.Invalid("a fork of a private repository is private: it cannot be made public");
            }
            repo.IsPrivate = isPrivate;
            madePrivate = isPrivate;
        }
        string? newDefault = null;
        if (req.DefaultBranch is not null && req.DefaultBranch != repo.DefaultBranch)
        {
            if (!RefNames.IsValidBranch(req.DefaultBranch))
            {
                throw AnvilException.Invalid("defaultBranch is not a valid branch name");
            }
            var git = store.Open(repo);
            if (await git.HasBranchesAsync(ct) && !await git.HasRefAsync(RefNames.Branch(req.DefaultBranch), ct))
            {
                throw AnvilException.Invalid($"branch '{req.DefaultBranch}' does not exist");
            }
            newDefault = req.DefaultBranch;
            repo.DefaultBranch = newDefault;
        }
        repo.UpdatedAt = Now;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw AnvilException.Taken("Repository", "name", "a repository with that name already exists");
        }
        if (madePrivate)
        {
            // Its forks copied it while it was public: they keep what they have and are split off (as on GitHub), so
            // none of them leads to, or counts towards, a repository their viewers may no longer see.
            await db.Repositories.Where(f => f.ForkedFromId == repo.Id).ExecuteUpdateAsync(s => s.SetProperty(f => f.ForkedFromId, (long?)null), ct);
            await db.Repositories.Where(r => r.Id == repo.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.ForkCount, 0), ct);
            Counts.Hold(db, repo, nameof(Repository.ForkCount), 0);
        }
        await events.CommitAsync(tx, ct);
        if (newDefault is not null)
        {
            await store.Open(repo).SetDefaultBranchAsync(newDefault, ct);
        }
        return repo;
    }

    public async Task DeleteAsync(RepositoryGrant grant, CancellationToken ct)
    {
        var repo = grant.Require(RepositoryPermission.Admin).Repository;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await DeleteInTransactionAsync(repo, caller.RequireUser(), ct);
        await events.CommitAsync(tx, ct);
    }

    /// <summary>Every repository <paramref name="owner"/> owns, as deleting the account needs (the caller's transaction).</summary>
    public async Task DeleteOwnedByAsync(User owner, CancellationToken ct)
    {
        var owned = await db.Repositories.Include(r => r.Owner).Where(r => r.OwnerId == owner.Id).OrderBy(r => r.Id).ToListAsync(ct);
        foreach (var repo in owned)
        {
            // A fork of one of the others may have gone with its parent already.
            if (await db.Repositories.AnyAsync(r => r.Id == repo.Id, ct))
            {
                await DeleteInTransactionAsync(repo, owner, ct);
            }
        }
    }

    private async Task DeleteInTransactionAsync(Repository repo, User actor, CancellationToken ct)
    {
        // A fork of a private repository was held by its owner's access to it, which is now gone for everyone (GitHub
        // deletes them too); a public repository's forks outlive it and just stop naming it.
        var forks = repo.IsPrivate ? await ForkTreeAsync(repo.Id, null, ct) : [];
        var deleted = forks.Select(DeletedForkOf).ToList();
        await RemoveAsync([repo, .. forks], ct);
        if (deleted.Count > 0)
        {
            await events.PublishAsync(new ForksDeleted(actor, deleted), ct);
        }
        log.LogInformation("repository {Owner}/{Name} ({Id}) deleted with {Forks} fork(s)", repo.Owner?.Username, repo.Name, repo.Id, forks.Count);
    }

    /// <summary>
    /// The one way repositories go: their rows (and, by cascade, everything hanging off them) in the caller's
    /// transaction, and a <see cref="RepositoryDeleted"/> each for what lives outside the database (git, blobs).
    /// </summary>
    private async Task RemoveAsync(IReadOnlyList<Repository> repos, CancellationToken ct)
    {
        var removed = repos.Select(r => r.Id).ToHashSet();
        foreach (var siblings in repos.Where(r => r.ForkedFromId is { } p && !removed.Contains(p)).GroupBy(r => r.ForkedFromId!.Value))
        {
            var (parentId, gone) = (siblings.Key, siblings.Count());
            await db.Repositories.Where(r => r.Id == parentId).ExecuteUpdateAsync(s => s.SetProperty(r => r.ForkCount, r => r.ForkCount - gone), ct);
        }
        db.Repositories.RemoveRange(repos);
        await db.SaveChangesAsync(ct);
        foreach (var repo in repos)
        {
            await events.PublishAsync(new RepositoryDeleted(repo.Id, repo.OwnerId, repo.Name), ct);
        }
    }

    /// <summary>The forks of <paramref name="rootId"/> (those owned by <paramref name="ownerId"/>, if given) and all forks of those.</summary>
    private async Task<List<Repository>> ForkTreeAsync(long rootId, long? ownerId, CancellationToken ct)
    {
        var found = new List<Repository>();
        var level = await db.Repositories.Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(p => p!.Owner)
            .Where(r => r.ForkedFromId == rootId && (ownerId == null || r.OwnerId == ownerId)).ToListAsync(ct);
        while (level.Count > 0)
        {
            found.AddRange(level);
            var ids = level.Select(r => (long?)r.Id).ToList();
            level = await db.Repositories.Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(p => p!.Owner)
                .Where(r => ids.Contains(r.ForkedFromId)).ToListAsync(ct);
        }
        return found;
    }

    private static DeletedFork DeletedForkOf(Repository fork) =>
        new(fork.Id, fork.OwnerId, $"{fork.Owner.Username}/{fork.Name}", $"{fork.ForkedFrom!.Owner.Username}/{fork.ForkedFrom.Name}");

    public async Task<Repository> ForkAsync(RepositoryGrant grant, string? forkName, string? description, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var parent = grant.Repository;
        forkName ??= parent.Name;
        if (RepositoryNames.Problem(forkName) is { } problem)
        {
            throw AnvilException.Invalid(problem);
        }
        if (parent.OwnerId == user.Id && RepositoryNames.Normalize(forkName) == parent.NormalizedName)
        {
            throw AnvilException.Conflict("you cannot fork a repository onto itself");
        }
        var fork = new Repository
        {
            OwnerId = user.Id,
            Owner = await db.Users.FirstAsync(u => u.Id == user.Id, ct),
            Name = forkName,
            NormalizedName = RepositoryNames.Normalize(forkName),
            Description = description is null ? parent.Description : ValidDescription(description),
            IsPrivate = parent.IsPrivate,
            DefaultBranch = parent.DefaultBranch,
            ForkedFromId = parent.Id,
            ForkedFrom = parent,
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        await InsertWithGitAsync(fork, () => store.ForkAsync(parent.OwnerId, parent.Id, user.Id, fork.Id, ct), async () =>
        {
            await Counts.AddAsync(db, parent, r => r.ForkCount, parent.Id, 1, ct);
            await events.PublishAsync(new RepositoryForked(parent, fork, user), ct);
        }, ct);
        return fork;
    }

    public async Task<Page<Repository>> ListForksAsync(RepositoryGrant grant, int offset, int limit, CancellationToken ct)
    {
        var parent = grant.Repository;
        return await PageAsync(access.Visible().Where(r => r.ForkedFromId == parent.Id).OrderBy(r => r.Id), offset, limit, ct);
    }

    /// <summary>A user's repositories the caller may see, newest first.</summary>
    public async Task<Page<Repository>> ListOwnedAsync(User owner, int offset, int limit, CancellationToken ct, RepositoryListFilter? order = null) =>
        await PageAsync((order ?? new RepositoryListFilter()).Order(access.Visible().Where(r => r.OwnerId == owner.Id)), offset, limit, ct);

    /// <summary>The signed-in user's own repositories and those they collaborate on (as <paramref name="filter"/> narrows and orders them).</summary>
    public async Task<Page<Repository>> ListMineAsync(int offset, int limit, CancellationToken ct, RepositoryListFilter? filter = null)
    {
        var userId = caller.RequireUser().Id;
        return await PageAsync((filter ?? new RepositoryListFilter()).Apply(access.Visible(), userId, db), offset, limit, ct);
    }

    private static async Task<Page<Repository>> PageAsync(IQueryable<Repository> query, int offset, int limit, CancellationToken ct) =>
        await query.Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(f => f!.Owner).ToPageAsync(offset, limit, ct);

    public async Task<IReadOnlyDictionary<long, RepositoryStats>> StatsAsync(IReadOnlyCollection<Repository> repos, CancellationToken ct)
    {
        // Stars and forks are kept on the rows; only whether the viewer starred each needs asking (never for nobody).
        var ids = repos.Select(r => r.Id).Distinct().ToList();
        HashSet<long> starred = caller.UserId is not { } viewer || ids.Count == 0 ? []
            : ids.Count == 1 ? (await recent.GetAsync(db, new StarredBy(ids[0], viewer), c => StarredOne.For(db)(db, ids[0], viewer, c), ct) ? [ids[0]] : [])
            : await recent.GetAsync(db, new StarredAmong(string.Join(',', ids), viewer), async c =>
                (await db.Stars.Where(s => s.UserId == viewer && ids.Contains(s.RepositoryId)).Select(s => s.RepositoryId).ToListAsync(c)).ToHashSet(),
                kept => kept.ToHashSet(), ct);
        return repos.DistinctBy(r => r.Id).ToDictionary(r => r.Id, r => new RepositoryStats(r.StarCount, r.ForkCount, starred.Contains(r.Id)));
    }

    private sealed record StarredBy(long RepositoryId, long UserId);

    /// <summary>Which of a list of repositories (ids joined by commas, as a page lists them) a user starred.</summary>
    private sealed record StarredAmong(string RepositoryIds, long UserId);

    private static readonly CompiledPerDatabase<Func<AnvilDbContext, long, long, CancellationToken, Task<bool>>> StarredOne = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, long repositoryId, long userId, CancellationToken ct) =>
            db.Stars.Any(s => s.RepositoryId == repositoryId && s.UserId == userId)));

    /// <summary>Stars or unstars; both are idempotent.</summary>
    public async Task<Repository> SetStarAsync(RepositoryGrant grant, bool starred, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var repo = grant.Repository;
        var existing = await db.Stars.FirstOrDefaultAsync(s => s.RepositoryId == repo.Id && s.UserId == user.Id, ct);
        if (starred && existing is null)
        {
            db.Stars.Add(new Star { RepositoryId = repo.Id, UserId = user.Id, CreatedAt = Now });
        }
        else if (!starred && existing is not null)
        {
            db.Stars.Remove(existing);
        }
        else
        {
            return repo;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return repo; // a concurrent identical star won the race; the outcome is the same
        }
        await Counts.AddAsync(db, repo, r => r.StarCount, repo.Id, starred ? 1 : -1, ct);
        await events.PublishAsync(new RepositoryStarred(repo, user, starred), ct);
        await events.CommitAsync(tx, ct);
        return repo;
    }

    public async Task<bool> IsStarredAsync(RepositoryGrant grant, CancellationToken ct)
    {
        var user = caller.RequireUser();
        var repo = grant.Repository;
        return await db.Stars.AnyAsync(s => s.RepositoryId == repo.Id && s.UserId == user.Id, ct);
    }

    public async Task<Page<User>> StargazersAsync(RepositoryGrant grant, int offset, int limit, CancellationToken ct)
    {
        var repo = grant.Repository;
        return await db.Stars.Where(s => s.RepositoryId == repo.Id).OrderBy(s => s.CreatedAt).ThenBy(s => s.UserId)
            .Select(s => s.User).ToPageAsync(offset, limit, ct);
    }

    /// <summary>Repositories <paramref name="user"/> starred that the caller may see, most recent first.</summary>
    public async Task<Page<Repository>> StarredByAsync(User user, int offset, int limit, CancellationToken ct)
    {
        var query = access.Visible().Where(r => db.Stars.Any(s => s.RepositoryId == r.Id && s.UserId == user.Id))
            .OrderByDescending(r => db.Stars.Where(s => s.RepositoryId == r.Id && s.UserId == user.Id).Select(s => s.CreatedAt).First())
            .ThenByDescending(r => r.Id);
        return await PageAsync(query, offset, limit, ct);
    }

    public async Task SetCollaboratorAsync(RepositoryGrant grant, string username, RepositoryPermission permission, CancellationToken ct)
    {
        var repo = grant.Require(RepositoryPermission.Admin).Repository;
        var normalized = NameRules.Normalize(username);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, ct) ?? throw AnvilException.NotFound("user not found");
        if (user.Id == repo.OwnerId)
        {
            throw AnvilException.Invalid("the owner is not a collaborator of their own repository");
        }
        var existing = await db.Collaborators.FirstOrDefaultAsync(c => c.RepositoryId == repo.Id && c.UserId == user.Id, ct);
        if (existing is null)
        {
            db.Collaborators.Add(new Collaborator { RepositoryId = repo.Id, UserId = user.Id, Permission = permission, CreatedAt = Now });
        }
        else
        {
            existing.Permission = permission;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Ends a collaborator's access. If that leaves them unable to read a private repository, their forks of it (and the
    /// forks of those) are deleted with it, as on GitHub: a copy of private code must not outlive the access to it.
    /// </summary>
    public async Task RemoveCollaboratorAsync(RepositoryGrant grant, string username, CancellationToken ct)
    {
        var repo = grant.Require(RepositoryPermission.Admin).Repository;
        var actor = caller.RequireUser();
        var normalized = NameRules.Normalize(username);
        var member = await db.Collaborators.Where(c => c.RepositoryId == repo.Id && c.User.NormalizedUsername == normalized)
            .Select(c => c.User).FirstOrDefaultAsync(ct);
        if (member is null)
        {
            return;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Collaborators.Where(c => c.RepositoryId == repo.Id && c.UserId == member.Id).ExecuteDeleteAsync(ct);
        var stillReads = (await access.ReadersAmongAsync(repo, [member.Id], ct)).Count > 0;
        var lost = repo.IsPrivate && !stillReads ? await ForkTreeAsync(repo.Id, member.Id, ct) : [];
        var deleted = lost.Select(DeletedForkOf).ToList();
        await RemoveAsync(lost, ct);
        await events.PublishAsync(new CollaboratorRemoved(repo, member, actor, deleted), ct);
        if (deleted.Count > 0)
        {
            await events.PublishAsync(new ForksDeleted(actor, deleted), ct);
        }
        await events.CommitAsync(tx, ct);
    }

    public async Task<List<Collaborator>> ListCollaboratorsAsync(RepositoryGrant grant, CancellationToken ct)
    {
        var repo = grant.Require(RepositoryPermission.Write).Repository;
        return await db.Collaborators.Include(c => c.User).Where(c => c.RepositoryId == repo.Id).OrderBy(c => c.UserId).ToListAsync(ct);
    }
}

using Anvil.Server.Auth;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Users;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Repositories;

/// <summary>
/// A repository as the caller may use it: resolved once per request (<see cref="RepositoryContext"/>), then asked, without
/// going back to the database, whether the caller may do what a service is about to do.
/// </summary>
public sealed record RepositoryGrant(Repository Repository, RepositoryPermission Permission)
{
    /// <summary>What the user may do on their own account, before a token caps it; set by <see cref="RepositoryAccess"/>.</summary>
    public RepositoryPermission OwnPermission { get; init; } = Permission;

    /// <summary>Who holds the grant; null for grants made by the server itself (a job's checkout, a test's seed).</summary>
    public Caller? Caller { get; init; }

    public bool CanWrite => Permission >= RepositoryPermission.Write;
    public bool IsAdmin => Permission >= RepositoryPermission.Admin;

    /// <summary>The grant judged by the user's own rights, as if no token capped them (see <see cref="OwnRightsWithScope"/>).</summary>
    public RepositoryGrant WithOwnRights() => this with { Permission = RepositoryAccess.AnyoneReadsPublic(Repository, OwnPermission) };

    /// <summary>
    /// The one check of a repository permission: "not found" when the caller may not read it, 401 when signing in could
    /// help, the missing scope when the user could do it with a broader token, else 403; writes refused on an archive.
    /// </summary>
    public RepositoryGrant Require(RepositoryPermission needed)
    {
        if (Permission == RepositoryPermission.None)
        {
            throw RepositoryAccess.NotFound();
        }
        if (Permission < needed)
        {
            if (Caller is { IsAuthenticated: false })
            {
                throw AnvilException.Unauthorized();
            }
            if (Caller?.Method == AuthMethod.AccessToken && OwnPermission >= needed)
            {
                throw AnvilException.MissingScope(needed == RepositoryPermission.Read ? Scopes.RepoRead : Scopes.RepoWrite);
            }
            throw AnvilException.Forbidden(needed switch
            {
                RepositoryPermission.Admin => "only the repository's owner or an admin may do this",
                _ => "you do not have write access to this repository",
            });
        }
        // An archive keeps its settings open to its admins (to unarchive it), and nothing else that writes.
        if (needed == RepositoryPermission.Write)
        {
            RepositoryAccess.RequireNotArchived(Repository);
        }
        return this;
    }

    /// <summary>
    /// For the writes any reader may make — opening an issue or a pull request, commenting, reviewing — whose finer rules
    /// the feature applies: the repository takes contributions (it is not archived). The token scope such a write needs is
    /// the route's to declare (<c>RequireUser(Scopes.RepoWrite)</c>), checked before the repository is looked up.
    /// </summary>
    public RepositoryGrant RequireContribute()
    {
        Require(RepositoryPermission.Read);
        RepositoryAccess.RequireNotArchived(Repository);
        return this;
    }
}

/// <summary>
/// The one access policy for repositories: who may see, write to or administer one. Every route
/// (API surfaces and git transport alike) asks here. Invisible repositories are "not found",
/// never "forbidden", so their existence does not leak.
/// </summary>
public sealed class RepositoryAccess
{
    private readonly AnvilDbContext db;
    private readonly Caller caller;
    private readonly Infrastructure.Caching.RecentReads recent;

    // One request asks about the same repository many times (the route, the service, a page's header and tabs): it is
    // read and weighed once. Any save may have renamed, moved or re-permissioned it, so a save forgets them all.
    private readonly Dictionary<(string Owner, string Name), RepositoryGrant> resolved = [];

    public RepositoryAccess(AnvilDbContext db, Caller caller, Infrastructure.Caching.RecentReads recent)
    {
        this.db = db;
        this.caller = caller;
        this.recent = recent;
        db.SavedChanges += (_, _) => resolved.Clear();
    }

    /// <summary>What the user may do, before any token cap.</summary>
    private async Task<RepositoryPermission> UserPermissionAsync(Repository repo, CancellationToken ct) =>
        caller.User is { } user ? await GrantedAsync(repo, user, ct) : RepositoryPermission.None;

    /// <summary>What <paramref name="user"/> may do in <paramref name="repo"/> on their own account (no token): GitHub's collaborator permission.</summary>
    public async Task<RepositoryPermission> PermissionOfAsync(Repository repo, Users.User user, CancellationToken ct) =>
        AnyoneReadsPublic(repo, await GrantedAsync(repo, user, ct));

    internal static RepositoryPermission AnyoneReadsPublic(Repository repo, RepositoryPermission granted) =>
        !repo.IsPrivate && granted < RepositoryPermission.Read ? RepositoryPermission.Read : granted;

    public Task<bool> IsCollaboratorAsync(Repository repo, Users.User user, CancellationToken ct) =>
        db.Collaborators.AnyAsync(c => c.RepositoryId == repo.Id && c.UserId == user.Id, ct);

    private async Task<RepositoryPermission> GrantedAsync(Repository repo, Users.User user, CancellationToken ct)
    {
        if (user.Id == repo.OwnerId || user.IsAdmin)
        {
            return RepositoryPermission.Admin;
        }
        // A team's members read their private repositories all day: who is a collaborator is asked once per change.
        return await recent.GetAsync(db, new CollaboratorPermission(repo.Id, user.Id), c => CollaboratorPermissionOf.For(db)(db, repo.Id, user.Id, c), ct)
            ?? RepositoryPermission.None;
    }

    private sealed record CollaboratorPermission(long RepositoryId, long UserId);

    private static readonly CompiledPerDatabase<Func<AnvilDbContext, long, long, CancellationToken, Task<RepositoryPermission?>>> CollaboratorPermissionOf = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, long repositoryId, long userId, CancellationToken ct) =>
            db.Collaborators.Where(c => c.RepositoryId == repositoryId && c.UserId == userId).Select(c => (RepositoryPermission?)c.Permission).FirstOrDefault()));

    /// <summary>The most a credential may do: a token's repo scopes cap its user's rights.</summary>
    public RepositoryPermission TokenCap =>
        caller.Has(Scopes.RepoWrite) ? RepositoryPermission.Admin
        : caller.Has(Scopes.RepoRead) ? RepositoryPermission.Read
        : RepositoryPermission.None;

    public async Task<RepositoryPermission> PermissionAsync(Repository repo, CancellationToken ct) => (await GrantAsync(repo, ct)).Permission;

    /// <summary>The repository if the caller may at least read it; otherwise "not found".</summary>
    public async Task<RepositoryGrant> ReadAsync(string owner, string name, CancellationToken ct) =>
        await RequireAsync(owner, name, RepositoryPermission.Read, ct);

    /// <summary>The repository if the caller may read it and may contribute to it (<see cref="RepositoryGrant.RequireContribute"/>).</summary>
    public async Task<RepositoryGrant> ContributeAsync(string owner, string name, CancellationToken ct) =>
        (await ResolveAsync(owner, name, ct)).RequireContribute();

    /// <summary>GitHub's 403 for any write to an archived repository.</summary>
    public static void RequireNotArchived(Repository repo)
    {
        if (repo.IsArchived)
        {
            throw AnvilException.Forbidden(ArchivedMessage);
        }
    }

    public const string ArchivedMessage = "Repository was archived so is read-only.";

    public async Task<RepositoryGrant> RequireAsync(string owner, string name, RepositoryPermission needed, CancellationToken ct) =>
        (await ResolveAsync(owner, name, ct)).Require(needed);

    /// <summary>The repository named <c>owner/name</c> as the caller may use it, checked for nothing yet; "not found" or "moved" when no repository has the name.</summary>
    public Task<RepositoryGrant> ResolveAsync(string owner, string name, CancellationToken ct) => ResolveAsync(owner, name, tracked: true, ct);

    /// <summary>
    /// As <see cref="ResolveAsync(string, string, CancellationToken)"/> for a request that only reads (a GET's route): the
    /// repository is not tracked, so the lookup pays no change-tracking. Anything in the request that asks
    /// <see cref="ResolveAsync(string, string, CancellationToken)"/> again gets a tracked one.
    /// </summary>
    public Task<RepositoryGrant> ResolveToReadAsync(string owner, string name, CancellationToken ct) => ResolveAsync(owner, name, tracked: false, ct);

    private async Task<RepositoryGrant> ResolveAsync(string owner, string name, bool tracked, CancellationToken ct)
    {
        var key = (NameRules.Normalize(owner), RepositoryNames.Normalize(name));
        // A writer must not go on with a detached repository (an untracked read's, or one a retry's cleared tracker let go).
        if (resolved.TryGetValue(key, out var known) && (!tracked || db.Entry(known.Repository).State != EntityState.Detached))
        {
            return known;
        }
        var repo = await FindAsync(owner, name, tracked, ct) ?? throw await MovedOrNotFoundAsync(owner, name, ct);
        var grant = await GrantAsync(repo, ct);
        resolved[key] = grant;
        return grant;
    }

    /// <summary>
    /// The repository with id <paramref name="id"/> (GitHub's <c>GET /repositories/{id}</c>) if the caller may read it;
    /// otherwise "not found", as for a name.
    /// </summary>
    public async Task<RepositoryGrant> ReadByIdAsync(long id, CancellationToken ct)
    {
        var repo = await db.Repositories.Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(f => f!.Owner)
            .FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw NotFound();
        return (await GrantAsync(repo, ct)).Require(RepositoryPermission.Read);
    }

    /// <summary>What the caller may do in <paramref name="repo"/>, checked for nothing yet.</summary>
    private async Task<RepositoryGrant> GrantAsync(Repository repo, CancellationToken ct)
    {
        var own = await UserPermissionAsync(repo, ct);
        return new RepositoryGrant(repo, AnyoneReadsPublic(repo, (RepositoryPermission)Math.Min((int)own, (int)TokenCap)))
        {
            OwnPermission = own,
            Caller = caller,
        };
    }

    /// <summary>
    /// For a name no repository has: "moved" when a repository was renamed away from it and the caller may read that
    /// repository (the route redirects), else "not found" — a private repository's new name is news only to its readers.
    /// </summary>
    private async Task<Exception> MovedOrNotFoundAsync(string owner, string name, CancellationToken ct)
    {
        if (owner.Length > 39 || name.Length > 100)
        {
            return NotFound();
        }
        var normalizedOwner = NameRules.Normalize(owner);
        var normalizedName = RepositoryNames.Normalize(name);
        var movedTo = await db.Set<RepositoryRedirect>()
            .Where(r => r.NormalizedName == normalizedName && db.Users.Any(u => u.Id == r.OwnerId && u.NormalizedUsername == normalizedOwner))
            .Select(r => (long?)r.RepositoryId).FirstOrDefaultAsync(ct);
        var repo = movedTo is { } id
            ? await db.Repositories.Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(f => f!.Owner).FirstOrDefaultAsync(r => r.Id == id, ct)
            : null;
        return repo is not null && await PermissionAsync(repo, ct) > RepositoryPermission.None
            ? new RepositoryMovedException(owner, name, repo)
            : NotFound();
    }

    public async Task<RepositoryGrant> RequireAsync(Repository repo, RepositoryPermission needed, CancellationToken ct) =>
        (await GrantAsync(repo, ct)).Require(needed);

    /// <summary>
    /// The one rule of who may read a repository in their own right, whatever the credential: anyone a public one; the
    /// owner, its collaborators and site admins a private one. Every "may U read R" asks this expression, bound one way
    /// (the repositories a user reads) or the other (the users who read a repository).
    /// </summary>
    private Expression<Func<Repository, long, bool, bool>> Reads =>
        (r, userId, isAdmin) => !r.IsPrivate || isAdmin || r.OwnerId == userId
            || db.Collaborators.Any(c => c.RepositoryId == r.Id && c.UserId == userId);

    /// <summary>The users who may read <paramref name="repo"/> in their own right: the only users it is safe to tell about it.</summary>
    public IQueryable<User> ReadersOf(Repository repo)
    {
        var user = Expression.Parameter(typeof(User), "u");
        var body = Bind(Reads, Expression.Constant(repo), Expression.Property(user, nameof(User.Id)), Expression.Property(user, nameof(User.IsAdmin)));
        return db.Users.Where(Expression.Lambda<Func<User, bool>>(body, user));
    }

    /// <summary>Those of <paramref name="userIds"/> who may read <paramref name="repo"/> in their own right.</summary>
    public async Task<List<long>> ReadersAmongAsync(Repository repo, IReadOnlyCollection<long> userIds, CancellationToken ct)
    {
        var users = userIds.Distinct().ToList();
        if (!repo.IsPrivate || users.Count == 0)
        {
            return users;
        }
        return await ReadersOf(repo).Where(u => users.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
    }

    /// <summary>Repositories whose rows the caller may see, as a query to filter further.</summary>
    public IQueryable<Repository> Visible()
    {
        var userId = caller.User is { } u && TokenCap >= RepositoryPermission.Read ? u.Id : (long?)null;
        return ReadableBy(userId, caller.User is { IsAdmin: true });
    }

    /// <summary>
    /// Repositories the user <paramref name="userId"/> (null: nobody signed in) may read in their own right, whatever
    /// the credential: what may be said to them about a repository at all (their notifications, say).
    /// </summary>
    public IQueryable<Repository> ReadableBy(long? userId, bool isAdmin)
    {
        var repo = Expression.Parameter(typeof(Repository), "r");
        // Nobody signed in is no user's id and no admin: the rule leaves them the public repositories. The reader is read
        // through a member of a constant, as a closure would be, so EF sends it as a parameter rather than a literal.
        var reader = Expression.Constant(new Reader(userId ?? 0L, userId is not null && isAdmin));
        var body = Bind(Reads, repo, Expression.Property(reader, nameof(Reader.Id)), Expression.Property(reader, nameof(Reader.IsAdmin)));
        return db.Repositories.Where(Expression.Lambda<Func<Repository, bool>>(body, repo));
    }

    private sealed record Reader(long Id, bool IsAdmin);

    private static Expression Bind(LambdaExpression rule, params Expression[] arguments) =>
        new ParameterBinder(rule.Parameters.Zip(arguments).ToDictionary(p => p.First, p => p.Second)).Visit(rule.Body);

    private sealed class ParameterBinder(Dictionary<ParameterExpression, Expression> bound) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            bound.TryGetValue(node, out var argument) ? argument : base.VisitParameter(node);
    }

    /// <summary>
    /// The repository named <c>owner/name</c> to read through a link signed for it (<paramref name="signedFor"/> says whether
    /// the link's signature covers the repository of that id), whoever follows the link; "not found" when no repository
    /// has the name or the signature does not hold — the same answer as a private repository's to a stranger.
    /// </summary>
    public async Task<RepositoryGrant> ReadBySignatureAsync(string owner, string name, Func<long, bool> signedFor, CancellationToken ct)
    {
        var repo = await FindAsync(owner, name, tracked: false, ct);
        return repo is not null && signedFor(repo.Id) ? new RepositoryGrant(repo, RepositoryPermission.Read) { Caller = caller } : throw NotFound();
    }

    /// <summary>The repository named <c>owner/name</c> with no access check: for operator tools (the admin CLI) only.</summary>
    public Task<Repository?> FindAsOperatorAsync(string owner, string name, CancellationToken ct) => FindAsync(owner, name, tracked: true, ct);

    private async Task<Repository?> FindAsync(string owner, string name, bool tracked, CancellationToken ct)
    {
        if (owner.Length > NameRules.MaxUsernameLength || name.Length > 100)
        {
            return null;
        }
        var (normalizedOwner, normalizedName) = (NameRules.Normalize(owner), RepositoryNames.Normalize(name));
        if (tracked)
        {
            return await FindByNormalizedName.For(db)(db, normalizedOwner, normalizedName, ct);
        }
        // A read needs no tracked row, and every read of a repository asks this: it is answered from memory while nothing changed.
        return await recent.GetAsync(db, new RepositoryByName(normalizedOwner, normalizedName),
            c => FindUntrackedByNormalizedName.For(db)(db, normalizedOwner, normalizedName, c), r => r?.Copy(), ct);
    }

    private sealed record RepositoryByName(string NormalizedOwner, string NormalizedName);

    // Every repository route starts here, so the lookup is compiled once rather than translated per request.
    private static readonly CompiledPerDatabase<Func<AnvilDbContext, string, string, CancellationToken, Task<Repository?>>> FindByNormalizedName = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, string normalizedOwner, string normalizedName, CancellationToken ct) =>
            db.Repositories.Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(f => f!.Owner)
                .FirstOrDefault(r => r.Owner.NormalizedUsername == normalizedOwner && r.NormalizedName == normalizedName)));

    private static readonly CompiledPerDatabase<Func<AnvilDbContext, string, string, CancellationToken, Task<Repository?>>> FindUntrackedByNormalizedName = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, string normalizedOwner, string normalizedName, CancellationToken ct) =>
            db.Repositories.AsNoTracking().Include(r => r.Owner).Include(r => r.ForkedFrom).ThenInclude(f => f!.Owner)
                .FirstOrDefault(r => r.Owner.NormalizedUsername == normalizedOwner && r.NormalizedName == normalizedName)));

    public static AnvilException NotFound() => AnvilException.NotFound("repository not found");
}

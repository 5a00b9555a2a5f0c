using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Users;

/// <summary>
/// What a site administrator does to accounts (the admin CLI): grant and take back administration, disable and
/// enable. An instance always keeps one enabled administrator.
/// </summary>
public sealed class UserAdministration(AnvilDbContext db, Repositories.RepositoryService repositories, Infrastructure.Events.DomainEvents events,
    TimeProvider clock, ILogger<UserAdministration> log)
{
    /// <summary>Who wrote what a deleted account wrote in other people's repositories, as on GitHub.</summary>
    public const string GhostUsername = "ghost";

    public async Task<List<User>> ListAsync(CancellationToken ct) =>
        await db.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync(ct);

    public async Task<User> SetAdminAsync(string username, bool isAdmin, CancellationToken ct)
    {
        var user = await FindAsync(username, ct);
        if (!isAdmin)
        {
            await EnsureAnotherAdminAsync(user, "demote", ct);
        }
        user.IsAdmin = isAdmin;
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        log.LogInformation("user {Username} ({UserId}) {Change}", user.Username, user.Id, isAdmin ? "promoted to administrator" : "demoted");
        return user;
    }

    /// <summary>Disables (signs out everywhere; tokens stop working; no sign-in, no push) or enables an account.</summary>
    public async Task<User> SetDisabledAsync(string username, bool disabled, CancellationToken ct)
    {
        var user = await FindAsync(username, ct);
        if (disabled)
        {
            await EnsureAnotherAdminAsync(user, "disable", ct);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        user.DisabledAt = disabled ? user.DisabledAt ?? now : null;
        user.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        if (disabled)
        {
            await Auth.SessionService.EndAllAsync(db, user.Id, null, ct);
        }
        log.LogInformation("user {Username} ({UserId}) {Change}", user.Username, user.Id, disabled ? "disabled" : "enabled");
        return user;
    }

    /// <summary>
    /// Deletes an account: its repositories (with their git data and forks, as deleting each would), its sessions,
    /// tokens, stars and memberships; what it wrote in other people's repositories (issues, pull requests, comments,
    /// reviews) stays, written by <see cref="GhostUsername"/>, so no conversation loses its turns.
    /// </summary>
    public async Task DeleteAsync(string username, CancellationToken ct)
    {
        var user = await FindAsync(username, ct);
        if (user.NormalizedUsername == GhostUsername)
        {
            throw AnvilException.Invalid("the ghost account stands in for deleted accounts and cannot be deleted");
        }
        await EnsureAnotherAdminAsync(user, "delete", ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await repositories.DeleteOwnedByAsync(user, ct);
        var ghost = await GhostAsync(ct);
        await db.Issues.Where(i => i.AuthorId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.AuthorId, ghost.Id), ct);
        await db.IssueComments.Where(c => c.AuthorId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.AuthorId, ghost.Id), ct);
        await db.PullRequestReviews.Where(r => r.AuthorId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.AuthorId, ghost.Id), ct);
        await db.PullRequestReviewComments.Where(c => c.AuthorId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.AuthorId, ghost.Id), ct);
        // Its stars go by cascade: the counts they made go first, in this transaction.
        await db.Repositories.Where(r => db.Stars.Any(s => s.RepositoryId == r.Id && s.UserId == user.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.StarCount, r => r.StarCount - 1), ct);
        // The rest is the account's own (sessions, tokens, stars, memberships, notifications): it goes by cascade.
        await db.Users.Where(u => u.Id == user.Id).ExecuteDeleteAsync(ct);
        await events.CommitAsync(tx, ct);
        log.LogInformation("user {Username} ({UserId}) deleted", user.Username, user.Id);
    }

    private async Task<User> GhostAsync(CancellationToken ct)
    {
        if (await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == GhostUsername, ct) is { } existing)
        {
            return existing;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var ghost = new User
        {
            Username = GhostUsername, NormalizedUsername = GhostUsername, Email = "ghost@users.noreply.anvil.invalid",
            NormalizedEmail = "ghost@users.noreply.anvil.invalid", Name = "Deleted user", PasswordHash = "!", // matches no password
            DisabledAt = now, CreatedAt = now, UpdatedAt = now,
        };
        db.Users.Add(ghost);
        await db.SaveChangesAsync(ct);
        return ghost;
    }

    private async Task<User> FindAsync(string username, CancellationToken ct)
    {
        var normalized = NameRules.Normalize(username);
        return await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, ct)
            ?? throw AnvilException.NotFound($"no user named '{username}'");
    }

    private async Task EnsureAnotherAdminAsync(User user, string action, CancellationToken ct)
    {
        if (user.IsAdmin && user.DisabledAt is null
            && !await db.Users.AnyAsync(u => u.Id != user.Id && u.IsAdmin && u.DisabledAt == null, ct))
        {
            throw AnvilException.Conflict($"cannot {action} {user.Username}: they are the only enabled administrator");
        }
    }
}

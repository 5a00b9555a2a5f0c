using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Users;

/// <summary>
/// What a site administrator does to accounts (the admin CLI): grant and take back administration, disable and
/// enable. An instance always keeps one enabled administrator.
/// </summary>
public sealed class UserAdministration(AnvilDbContext db, TimeProvider clock, ILogger<UserAdministration> log)
{
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
            await db.Sessions.Where(s => s.UserId == user.Id).ExecuteDeleteAsync(ct);
        }
        log.LogInformation("user {Username} ({UserId}) {Change}", user.Username, user.Id, disabled ? "disabled" : "enabled");
        return user;
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

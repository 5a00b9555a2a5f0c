using System.ComponentModel.DataAnnotations;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Infrastructure.Events;
using Anvil.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Auth;

/// <param name="Invitation">The invitation token, needed when sign-up is by invitation (ANVIL_SIGNUP=invite).</param>
public sealed record SignUpRequest([property: Required] string? Email, [property: Required] string? Username, [property: Required] string? Password, string? Name, string? Invitation = null);

public sealed class AccountService(AnvilDbContext db, IPasswordHasher<User> hasher, InvitationService invitations, DomainEvents events,
    AnvilOptions options, TimeProvider clock, ILogger<AccountService> log)
{
    // Verified against when no user matches, so a miss costs the same time as a wrong password.
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<User>().HashPassword(null!, "decoy-password-never-matches"));

    /// <summary>
    /// Sign-up by the person themselves, as ANVIL_SIGNUP allows: open to all, by invitation (consumed with the account,
    /// in one transaction), or closed. The first account of an empty instance is its administrator, as Gitea's
    /// installer makes it.
    /// </summary>
    public async Task<User> SignUpAsync(SignUpRequest req, CancellationToken ct = default)
    {
        if (options.Signup == SignupPolicy.Closed)
        {
            throw AnvilException.Forbidden("sign-up is closed on this instance: an administrator creates accounts");
        }
        if (options.Signup == SignupPolicy.Invite && string.IsNullOrEmpty(req.Invitation))
        {
            throw AnvilException.Forbidden("sign-up is by invitation on this instance: ask an administrator for an invitation link");
        }
        var user = Validate(req, isAdmin: false);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await InsertAsync(user, ct);
        if (options.Signup == SignupPolicy.Invite && !await invitations.TryConsumeAsync(req.Invitation, user.Id, ct))
        {
            throw AnvilException.Forbidden("this invitation is not valid: it is unknown, expired or already used");
        }
        await events.CommitAsync(tx, ct);
        log.LogInformation("user {Username} ({UserId}) signed up{Admin}", user.Username, user.Id, user.IsAdmin ? " as the first administrator" : "");
        return user;
    }

    /// <summary>An account created by an administrator (the admin CLI), whatever ANVIL_SIGNUP says.</summary>
    public async Task<User> CreateUserAsync(SignUpRequest req, bool isAdmin, CancellationToken ct = default)
    {
        var user = Validate(req, isAdmin);
        await InsertAsync(user, ct);
        log.LogInformation("user {Username} ({UserId}) created{Admin}", user.Username, user.Id, user.IsAdmin ? " as an administrator" : "");
        return user;
    }

    private User Validate(SignUpRequest req, bool isAdmin)
    {
        var problem = NameRules.EmailProblem(req.Email) ?? NameRules.UsernameProblem(req.Username) ?? NameRules.PasswordProblem(req.Password);
        if (problem is not null)
        {
            throw AnvilException.BadRequest(problem);
        }
        var name = (req.Name ?? "").Trim();
        if (name.Length > 100)
        {
            throw AnvilException.BadRequest("name must be at most 100 characters");
        }
        var email = req.Email!.Trim();
        var now = clock.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Username = req.Username!,
            NormalizedUsername = NameRules.Normalize(req.Username!),
            Email = email,
            NormalizedEmail = NameRules.Normalize(email),
            Name = name.Length > 0 ? name : req.Username!,
            PasswordHash = "",
            IsAdmin = isAdmin,
            CreatedAt = now,
            UpdatedAt = now,
        };
        user.PasswordHash = hasher.HashPassword(user, req.Password!);
        return user;
    }

    private async Task InsertAsync(User user, CancellationToken ct)
    {
        await EnsureAvailableAsync(user, ct);
        user.IsAdmin |= !await db.Users.AnyAsync(ct);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Lost a race with a concurrent sign-up for the same name: the unique index decided.
            db.Entry(user).State = EntityState.Detached;
            await EnsureAvailableAsync(user, ct);
            throw AnvilException.Conflict("username or email is already taken");
        }
    }

    private async Task EnsureAvailableAsync(User user, CancellationToken ct)
    {
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == user.NormalizedUsername, ct))
        {
            throw AnvilException.Conflict("username is already taken");
        }
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == user.NormalizedEmail, ct))
        {
            throw AnvilException.Conflict("email is already registered");
        }
    }

    /// <summary>The user when <paramref name="login"/> (email or username) and password match; else null, in constant-ish time.</summary>
    public async Task<User?> CheckPasswordAsync(string? login, string? password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(login) || string.IsNullOrEmpty(password) || password.Length > 128 || login.Length > 254)
        {
            return null;
        }
        var normalized = NameRules.Normalize(login);
        var user = await db.Users.FirstOrDefaultAsync(
            login.Contains('@') ? u => u.NormalizedEmail == normalized : u => u.NormalizedUsername == normalized, ct);
        if (user is null)
        {
            hasher.VerifyHashedPassword(null!, DecoyHash.Value, password);
            return null;
        }
        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }
        if (user.DisabledAt is not null)
        {
            // Only told to whoever knows the password: a stranger learns nothing about the account.
            throw AnvilException.Forbidden("this account is disabled");
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }
        return user;
    }

    /// <summary>
    /// Changes a signed-in user's password after checking the current one, and ends every other session: whoever
    /// knew the old password may hold one. <paramref name="keepSessionToken"/> is the browser doing the change.
    /// </summary>
    public async Task ChangePasswordAsync(long userId, string? current, string? replacement, string? keepSessionToken, CancellationToken ct)
    {
        var user = await db.Users.FirstAsync(u => u.Id == userId, ct);
        if (string.IsNullOrEmpty(current) || current.Length > 128
            || hasher.VerifyHashedPassword(user, user.PasswordHash, current) == PasswordVerificationResult.Failed)
        {
            throw AnvilException.BadRequest("the current password is incorrect");
        }
        if (NameRules.PasswordProblem(replacement) is { } problem)
        {
            throw AnvilException.BadRequest(problem);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.PasswordHash = hasher.HashPassword(user, replacement!);
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await SessionService.EndAllAsync(db, userId, keepSessionToken, ct);
        await db.EmailTokens.Where(t => t.UserId == userId && t.Purpose == EmailTokenPurpose.ResetPassword).ExecuteDeleteAsync(ct);
        await events.CommitAsync(tx, ct);
        log.LogInformation("user {Username} ({UserId}) changed their password; other sessions ended", user.Username, user.Id);
    }
}

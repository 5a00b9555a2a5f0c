using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Auth;

public sealed record SignUpRequest(string? Email, string? Username, string? Password, string? Name);

public sealed class AccountService(AnvilDbContext db, IPasswordHasher<User> hasher, TimeProvider clock, ILogger<AccountService> log)
{
    // Verified against when no user matches, so a miss costs the same time as a wrong password.
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<User>().HashPassword(null!, "decoy-password-never-matches"));

    public async Task<User> SignUpAsync(SignUpRequest req, bool isAdmin = false, CancellationToken ct = default)
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
        await EnsureAvailableAsync(user, ct);
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
        log.LogInformation("user {Username} ({UserId}) signed up", user.Username, user.Id);
        return user;
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
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }
        return user;
    }
}

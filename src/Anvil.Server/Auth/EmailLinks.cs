using System.Security.Cryptography;
using System.Text;
using Anvil.Server.Email;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Auth;

/// <summary>
/// Email verification and password reset by mailed link. A link's token is signed with the instance secret and bound
/// to the state it changes (the address and its verified flag; the password hash), so it works once: using it changes
/// that state and every token minted before no longer matches. Nothing is stored.
/// </summary>
public sealed class EmailLinks(AnvilDbContext db, AnvilOptions options, EmailQueue mail, IPasswordHasher<User> hasher, TimeProvider clock,
    ILogger<EmailLinks> log)
{
    public static readonly TimeSpan VerifyLifetime = TimeSpan.FromDays(2);
    public static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(1);
    private const string Verify = "verify-email";
    private const string Reset = "reset-password";

    public void SendVerification(User user, string baseUrl)
    {
        var token = Mint(Verify, user, VerifyLifetime);
        mail.Enqueue(new EmailMessage(user.Email, "Verify your email address",
            $"Hello {user.Username},\n\nconfirm that this is your address by opening:\n\n{baseUrl}/api/auth/verify-email?token={token}\n\n" +
            $"The link works once and expires in {VerifyLifetime.TotalHours:0} hours."));
    }

    public async Task VerifyAsync(string? token, CancellationToken ct)
    {
        var user = await RedeemAsync(Verify, token, ct);
        user.EmailVerified = true;
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Mails a reset link when the address belongs to an account; says nothing either way.</summary>
    public async Task ForgotPasswordAsync(string? email, string baseUrl, CancellationToken ct)
    {
        if (NameRules.EmailProblem(email) is { } problem)
        {
            throw AnvilException.BadRequest(problem);
        }
        var normalized = NameRules.Normalize(email!.Trim());
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is null)
        {
            return;
        }
        var token = Mint(Reset, user, ResetLifetime);
        mail.Enqueue(new EmailMessage(user.Email, "Reset your password",
            $"Hello {user.Username},\n\nsomeone (hopefully you) asked to reset your password. Choose a new one with this token:\n\n{token}\n\n" +
            $"or at {baseUrl}/reset-password?token={token}\n\nThe token works once and expires in an hour. If you did not ask, ignore this mail."));
    }

    /// <summary>Sets the new password and signs the user out everywhere.</summary>
    public async Task ResetPasswordAsync(string? token, string? password, CancellationToken ct)
    {
        if (NameRules.PasswordProblem(password) is { } problem)
        {
            throw AnvilException.BadRequest(problem);
        }
        var user = await RedeemAsync(Reset, token, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.PasswordHash = hasher.HashPassword(user, password!);
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await db.Sessions.Where(s => s.UserId == user.Id).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        log.LogInformation("user {Username} ({UserId}) reset their password", user.Username, user.Id);
    }

    private string Mint(string purpose, User user, TimeSpan lifetime)
    {
        var expires = clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        var payload = $"{user.Id}.{expires}";
        return $"{payload}.{Signature(purpose, payload, user)}";
    }

    private async Task<User> RedeemAsync(string purpose, string? token, CancellationToken ct)
    {
        var invalid = AnvilException.BadRequest("the link is invalid, used or expired");
        var parts = (token ?? "").Split('.');
        if (token is not { Length: <= 200 } || parts.Length != 3 || !long.TryParse(parts[0], out var userId) || !long.TryParse(parts[1], out var expires))
        {
            throw invalid;
        }
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct) ?? throw invalid;
        var expected = Encoding.ASCII.GetBytes(Signature(purpose, $"{parts[0]}.{parts[1]}", user));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[2]))
            || DateTimeOffset.FromUnixTimeSeconds(expires) < clock.GetUtcNow())
        {
            throw invalid;
        }
        return user;
    }

    // The state a token is good for: once it changes, the token is spent.
    private static string StateOf(string purpose, User user) => purpose == Verify
        ? $"{user.NormalizedEmail}|{user.EmailVerified}"
        : user.PasswordHash;

    private string Signature(string purpose, string payload, User user)
    {
        var mac = HMACSHA256.HashData(options.Secret, Encoding.UTF8.GetBytes($"{purpose}|{payload}|{StateOf(purpose, user)}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}

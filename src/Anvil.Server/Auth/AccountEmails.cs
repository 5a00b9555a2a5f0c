using Anvil.Server.Email;
using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.RateLimiting;
using Anvil.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Auth;

/// <summary>
/// The account flows that go through the user's mailbox: verifying the address and resetting a
/// forgotten password. Each mails a single-use <see cref="EmailToken"/>; mail is only queued here.
/// </summary>
public sealed class AccountEmails(
    AnvilDbContext db, EmailQueue mail, IPasswordHasher<User> hasher, RateLimiter limiter, AnvilOptions options,
    Infrastructure.Events.DomainEvents events, TimeProvider clock, ILogger<AccountEmails> log)
{
    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(1);

    /// <summary>Mails <paramref name="user"/> a link that verifies their current address.</summary>
    public async Task SendVerificationAsync(User user, string baseUrl, CancellationToken ct)
    {
        var token = await IssueAsync(user, EmailTokenPurpose.VerifyEmail, VerificationLifetime, ct);
        // The page, not the JSON route: a person opens this in a browser (API clients may still send the token there).
        var link = $"{baseUrl}/verify-email?token={token}";
        mail.Enqueue(new EmailMessage(user.Email, $"Verify your email address for {options.InstanceName}",
            $"""
            Hi {user.Username},

            Confirm that {user.Email} is your address by opening this link:

            {link}

            The link works once and expires in {VerificationLifetime.TotalHours:0} hours. If you did not sign up, ignore this mail.
            """));
    }

    public async Task VerifyEmailAsync(string? token, CancellationToken ct)
    {
        var (row, user) = await FindAsync(token, EmailTokenPurpose.VerifyEmail, ct);
        if (row.NormalizedEmail != user.NormalizedEmail)
        {
            // The address changed since the mail went out: this link proves nothing about the new one.
            await db.EmailTokens.Where(t => t.Id == row.Id).ExecuteDeleteAsync(ct);
            throw InvalidToken();
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ConsumeAsync(row, ct);
        if (!user.EmailVerified)
        {
            user.EmailVerified = true;
            user.EmailVerifiedAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
        }
        await events.CommitAsync(tx, ct);
        log.LogInformation("user {Username} ({UserId}) verified {Email}", user.Username, user.Id, user.Email);
    }

    /// <summary>
    /// Mails a reset link if an account has <paramref name="email"/>. Says nothing either way: the
    /// caller answers the same whether or not the account exists.
    /// </summary>
    public async Task RequestPasswordResetAsync(string? email, string baseUrl, CancellationToken ct)
    {
        if (NameRules.EmailProblem(email) is not null)
        {
            return;
        }
        var normalized = NameRules.Normalize(email!.Trim());
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is null)
        {
            return;
        }
        // Per-IP limits stop one client; this stops many clients from flooding one mailbox.
        if (await limiter.ChargePasswordResetMailAsync(user.Id) is { Exceeded: true })
        {
            log.LogWarning("password reset mail for user {UserId} not sent: too many requested this hour", user.Id);
            return;
        }
        var token = await IssueAsync(user, EmailTokenPurpose.ResetPassword, ResetLifetime, ct);
        var link = $"{baseUrl}/reset-password?token={token}";
        mail.Enqueue(new EmailMessage(user.Email, $"Reset your {options.InstanceName} password",
            $"""
            Hi {user.Username},

            Someone asked to reset the password of your account. To choose a new password, open:

            {link}

            or send the token {token} to POST {baseUrl}/api/auth/reset-password.
            The link works once and expires in {ResetLifetime.TotalMinutes:0} minutes. If you did not ask for this, ignore this mail: your password stays as it is.
            """));
        log.LogInformation("password reset mail queued for user {UserId}", user.Id);
    }

    /// <summary>Sets a new password with a mailed token, and signs the user out everywhere.</summary>
    public async Task ResetPasswordAsync(string? token, string? password, CancellationToken ct)
    {
        var (row, user) = await FindAsync(token, EmailTokenPurpose.ResetPassword, ct);
        // Checked before the token is spent, so a rejected password leaves the link usable.
        if (NameRules.PasswordProblem(password) is { } problem)
        {
            throw AnvilException.BadRequest(problem);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ConsumeAsync(row, ct);
        user.PasswordHash = hasher.HashPassword(user, password!);
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        // Whoever knew the old password may hold a session: every one ends, as do the other reset links.
        await SessionService.EndAllAsync(db, user.Id, null, ct);
        await db.EmailTokens.Where(t => t.UserId == user.Id && t.Purpose == EmailTokenPurpose.ResetPassword).ExecuteDeleteAsync(ct);
        await events.CommitAsync(tx, ct);
        log.LogInformation("user {Username} ({UserId}) reset their password; sessions ended", user.Username, user.Id);
    }

    private async Task<string> IssueAsync(User user, EmailTokenPurpose purpose, TimeSpan lifetime, CancellationToken ct)
    {
        var token = Secrets.NewSessionToken();
        var now = clock.GetUtcNow().UtcDateTime;
        // Expired tokens of this user are of no use to anyone; dropping them here keeps the table small.
        await db.EmailTokens.Where(t => t.UserId == user.Id && t.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        db.EmailTokens.Add(new EmailToken
        {
            UserId = user.Id,
            Purpose = purpose,
            TokenHash = Secrets.Digest(token),
            NormalizedEmail = user.NormalizedEmail,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        });
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>The live token row and its user; a missing, expired, used or wrong-purpose token is the same 400.</summary>
    private async Task<(EmailToken Row, User User)> FindAsync(string? token, EmailTokenPurpose purpose, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128)
        {
            throw InvalidToken();
        }
        var hash = Secrets.Digest(token);
        var now = clock.GetUtcNow().UtcDateTime;
        var row = await db.EmailTokens.AsNoTracking()
            .FirstOrDefaultAsync(t => t.TokenHash == hash && t.Purpose == purpose && t.ExpiresAt > now, ct) ?? throw InvalidToken();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == row.UserId, ct) ?? throw InvalidToken();
        return (row, user);
    }

    /// <summary>Deletes the token; of two concurrent uses only the one whose delete hit the row goes on.</summary>
    private async Task ConsumeAsync(EmailToken row, CancellationToken ct)
    {
        if (await db.EmailTokens.Where(t => t.Id == row.Id).ExecuteDeleteAsync(ct) != 1)
        {
            throw InvalidToken();
        }
    }

    private static AnvilException InvalidToken() => AnvilException.BadRequest("invalid or expired token");
}

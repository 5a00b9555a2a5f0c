using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Auth;

public sealed class SessionService(AnvilDbContext db, TimeProvider clock, CredentialCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    /// <summary>Starts a session and returns its token — the only time the plaintext exists.</summary>
    public async Task<(string Token, Session Session)> StartAsync(long userId, string? userAgent, CancellationToken ct)
    {
        var token = Secrets.NewSessionToken();
        var now = clock.GetUtcNow().UtcDateTime;
        var session = new Session
        {
            UserId = userId,
            TokenHash = Secrets.Digest(token),
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
            UserAgent = userAgent is { Length: > 256 } ua ? ua[..256] : userAgent,
        };
        db.Sessions.Add(session);
        await db.SaveChangesAsync(ct);
        return (token, session);
    }

    public async Task<User?> ResolveAsync(string token, CancellationToken ct)
    {
        var hash = Secrets.Digest(token);
        var key = "s" + Convert.ToBase64String(hash);
        if (cache.Find(key) is { } held)
        {
            return held.User;
        }
        var generation = cache.Current();
        var found = await FindLive.For(db)(db, hash, clock.GetUtcNow().UtcDateTime, ct);
        if (found is null)
        {
            return null;
        }
        cache.Add(key, new Principal(found.User, null, found.ExpiresAt), generation);
        return found.User;
    }

    private sealed record LiveSession(User User, DateTime ExpiresAt);

    private static readonly CompiledPerDatabase<Func<AnvilDbContext, byte[], DateTime, CancellationToken, Task<LiveSession?>>> FindLive = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, byte[] hash, DateTime now, CancellationToken ct) =>
            db.Sessions.AsNoTracking()
                .Where(s => s.TokenHash == hash && s.ExpiresAt > now)
                .Join(db.Users.Where(u => u.DisabledAt == null).Select(User.AsPrincipal), s => s.UserId, u => u.Id, (s, u) => new LiveSession(u, s.ExpiresAt))
                .FirstOrDefault()));

    public async Task EndAsync(string token, CancellationToken ct)
    {
        var hash = Secrets.Digest(token);
        await db.Sessions.Where(s => s.TokenHash == hash).ExecuteDeleteAsync(ct);
    }

    /// <summary>The user's live sessions, newest first.</summary>
    public async Task<IReadOnlyList<Session>> ListAsync(long userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Sessions.AsNoTracking().Where(s => s.UserId == userId && s.ExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).ToListAsync(ct);
    }

    /// <summary>Signs the user out everywhere: every session ends, <paramref name="exceptToken"/>'s too unless it is given.</summary>
    public Task EndAllAsync(long userId, string? exceptToken, CancellationToken ct) => EndAllAsync(db, userId, exceptToken, ct);

    internal static async Task EndAllAsync(AnvilDbContext db, long userId, string? exceptToken, CancellationToken ct)
    {
        var sessions = db.Sessions.Where(s => s.UserId == userId);
        if (!string.IsNullOrEmpty(exceptToken))
        {
            var keep = Secrets.Digest(exceptToken);
            sessions = sessions.Where(s => s.TokenHash != keep);
        }
        await sessions.ExecuteDeleteAsync(ct);
    }
}

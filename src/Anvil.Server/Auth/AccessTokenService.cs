using Anvil.Server.Infrastructure;
using Anvil.Server.Infrastructure.Data;
using Anvil.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Anvil.Server.Auth;

public sealed record NewAccessToken(AccessToken Token, string Plaintext);

public sealed class AccessTokenService(AnvilDbContext db, TimeProvider clock, CredentialCache cache)
{
    public const int MaxTokensPerUser = 100;
    public const int MaxExpiryDays = 3650;

    public async Task<NewAccessToken> CreateAsync(long userId, string? name, IReadOnlyCollection<string>? scopes, int? expiresInDays, CancellationToken ct)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw AnvilException.BadRequest("name is required");
        }
        if (name.Length > 100)
        {
            throw AnvilException.Invalid("name must be at most 100 characters");
        }
        if (scopes is null)
        {
            throw AnvilException.BadRequest("scopes is required");
        }
        var canonical = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var s in scopes)
        {
            canonical.Add(Scopes.Canonical(s ?? "") ?? throw AnvilException.Invalid($"unknown scope '{s}'; known scopes: {string.Join(", ", Scopes.All)}, repo, user"));
        }
        if (expiresInDays is < 1 or > MaxExpiryDays)
        {
            throw AnvilException.Invalid($"expiresInDays must be between 1 and {MaxExpiryDays}");
        }
        if (await db.AccessTokens.CountAsync(t => t.UserId == userId, ct) >= MaxTokensPerUser)
        {
            throw AnvilException.Conflict($"a user may hold at most {MaxTokensPerUser} tokens; revoke one first");
        }
        var plaintext = Secrets.NewAccessToken();
        var now = clock.GetUtcNow().UtcDateTime;
        var token = new AccessToken
        {
            UserId = userId,
            Name = name,
            TokenHash = Secrets.Digest(plaintext),
            Scopes = Scopes.Format(Scopes.All.Where(canonical.Contains)),
            CreatedAt = now,
            ExpiresAt = expiresInDays is { } d ? now.AddDays(d) : null,
        };
        db.AccessTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return new NewAccessToken(token, plaintext);
    }

    public Task<List<AccessToken>> ListAsync(long userId, CancellationToken ct) =>
        db.AccessTokens.AsNoTracking().Where(t => t.UserId == userId).OrderBy(t => t.Id).ToListAsync(ct);

    /// <summary>Revokes one of the user's tokens; another user's token id is simply "not found".</summary>
    public async Task RevokeAsync(long userId, long tokenId, CancellationToken ct)
    {
        var deleted = await db.AccessTokens.Where(t => t.Id == tokenId && t.UserId == userId).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            throw AnvilException.NotFound("token not found");
        }
    }

    /// <summary>The token and its user when <paramref name="plaintext"/> is a live token; null otherwise.</summary>
    public async Task<(AccessToken Token, User User)?> AuthenticateAsync(string plaintext, CancellationToken ct)
    {
        if (!Secrets.LooksLikeAccessToken(plaintext))
        {
            return null;
        }
        var hash = Secrets.Digest(plaintext);
        var key = "t" + Convert.ToBase64String(hash);
        if (cache.Find(key) is { Token: { } heldToken } held)
        {
            return (heldToken, held.User);
        }
        var generation = cache.Current();
        var now = clock.GetUtcNow().UtcDateTime;
        var found = await FindLive.For(db)(db, hash, now, ct);
        if (found is null)
        {
            return null;
        }
        // Recording every use would turn each read into a write; a minute's resolution is plenty (and a held credential
        // is not looked up at all, so it is recorded when its entry is next refreshed).
        if (found.Token.LastUsedAt is null || now - found.Token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.AccessTokens.TagWith(CredentialChangeInterceptor.NotACredentialChange).Where(t => t.Id == found.Token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
            found.Token.LastUsedAt = now;
        }
        cache.Add(key, new Principal(found.User, found.Token, found.Token.ExpiresAt), generation);
        return (found.Token, found.User);
    }

    private sealed record LiveToken(AccessToken Token, User User);

    private static readonly CompiledPerDatabase<Func<AnvilDbContext, byte[], DateTime, CancellationToken, Task<LiveToken?>>> FindLive = new(() =>
        EF.CompileAsyncQuery((AnvilDbContext db, byte[] hash, DateTime now, CancellationToken ct) =>
            db.AccessTokens.AsNoTracking()
                .Where(t => t.TokenHash == hash && (t.ExpiresAt == null || t.ExpiresAt > now))
                .Join(db.Users.Where(u => u.DisabledAt == null).Select(User.AsPrincipal), t => t.UserId, u => u.Id, (t, u) => new LiveToken(t, u))
                .FirstOrDefault()));
}

using Anvil.Server.Users;

namespace Anvil.Server.Auth;

public enum AuthMethod
{
    Anonymous,
    Session,
    AccessToken,
}

/// <summary>Who is making the current request, and with what credential. One per request.</summary>
public sealed class Caller
{
    public User? User { get; private set; }
    public AuthMethod Method { get; private set; }
    public long? AccessTokenId { get; private set; }
    /// <summary>The token's scopes; null for sessions, which act with the user's full rights.</summary>
    public IReadOnlySet<string>? TokenScopes { get; private set; }

    public bool IsAuthenticated => User is not null;
    public long? UserId => User?.Id;

    /// <summary>Whether the credential carries <paramref name="scope"/>. Sessions carry every scope.</summary>
    public bool Has(string scope) => Method != AuthMethod.AccessToken || Scopes.Grants(TokenScopes!, scope);

    /// <summary>Refuses a token without <paramref name="scope"/> (403 naming the scope); sessions and anonymous callers pass.</summary>
    public void RequireScope(string scope)
    {
        if (!Has(scope))
        {
            throw Infrastructure.AnvilException.MissingScope(scope);
        }
    }

    public User RequireUser() => User ?? throw Infrastructure.AnvilException.Unauthorized();

    internal void SignedInBySession(User user)
    {
        User = user;
        Method = AuthMethod.Session;
    }

    /// <summary>Git clients sending a username and password act with the user's full rights, like a session.</summary>
    internal void SignedInByPassword(User user) => SignedInBySession(user);

    internal void SignedInByToken(User user, AccessToken token)
    {
        User = user;
        Method = AuthMethod.AccessToken;
        AccessTokenId = token.Id;
        TokenScopes = Scopes.Parse(token.Scopes);
    }
}

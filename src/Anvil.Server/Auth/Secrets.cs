using System.Security.Cryptography;
using System.Text;

namespace Anvil.Server.Auth;

/// <summary>Random credentials and their stored digests. Plaintext credentials are never stored.</summary>
public static class Secrets
{
    public const string AccessTokenPrefix = "shp_";
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary><c>shp_</c> + 40 alphanumerics.</summary>
    public static string NewAccessToken() => AccessTokenPrefix + RandomNumberGenerator.GetString(Alphanumeric, 40);

    public static bool LooksLikeAccessToken(string s) =>
        s.Length == 44 && s.StartsWith(AccessTokenPrefix, StringComparison.Ordinal) && s.AsSpan(4).ContainsAnyExcept(Alphanumeric) == false;

    /// <summary>32 random bytes as lower-case hex; hex can never collide with the <c>shp_</c> prefix.</summary>
    public static string NewSessionToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}

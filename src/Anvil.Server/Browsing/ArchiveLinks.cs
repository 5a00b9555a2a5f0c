using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Anvil.Git.Reading;
using Anvil.Server.Infrastructure;

namespace Anvil.Server.Browsing;

/// <summary>
/// The token a private repository's archive download URL carries. GitHub's tarball and zipball links answer a redirect,
/// and clients drop <c>Authorization</c> when they follow one, so the URL itself must say the caller could read the
/// repository: an HMAC (under the server's secret, as <see cref="Actions.JobTokens"/>) of the repository, the commit, the
/// format and the expiry, good for <see cref="Lifetime"/>.
/// </summary>
public sealed class ArchiveLinks(AnvilOptions options, TimeProvider clock)
{
    /// <summary>Long enough for a client to follow the redirect, short enough that a leaked URL soon stops working.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly byte[] _key = HMACSHA256.HashData(options.Secret, "anvil archive links"u8);

    /// <summary>A token for <paramref name="commit"/> of repository <paramref name="repositoryId"/> in <paramref name="format"/>, expiring after <paramref name="lifetime"/>.</summary>
    public string Sign(long repositoryId, string commit, ArchiveFormat format, TimeSpan lifetime)
    {
        var expires = (clock.GetUtcNow() + lifetime).ToUnixTimeSeconds();
        return expires.ToString(CultureInfo.InvariantCulture) + "." + Convert.ToHexStringLower(Mac(repositoryId, commit, format, expires));
    }

    /// <summary>Whether <paramref name="token"/> was signed here for exactly this download and has not expired.</summary>
    public bool Verify(string token, long repositoryId, string commit, ArchiveFormat format)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || token.Length - dot - 1 != 64
            || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires <= clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Mac(repositoryId, commit, format, expires), given);
    }

    private byte[] Mac(long repositoryId, string commit, ArchiveFormat format, long expires) =>
        HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{repositoryId}\n{commit.ToLowerInvariant()}\n{format}\n{expires}")));
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Anvil.Server.Infrastructure;

namespace Anvil.Server.Actions;

public sealed record JobTokenClaims(string Kind, long JobId, long RepositoryId, string Id, DateTime ExpiresAt);

public sealed record IssuedJobToken(string Token, string Id, DateTime ExpiresAt);

/// <summary>
/// HS256 JWTs scoped to one job. A <see cref="Job"/> token authorises one runner call and is then
/// replaced by the <c>next_token</c> the call returns (the job row remembers which id is current, so a
/// replay is refused); a <see cref="Checkout"/> token lets git fetch that job's repository while the job runs.
/// </summary>
public sealed class JobTokens(AnvilOptions options, TimeProvider clock)
{
    public const string Job = "job";
    public const string Checkout = "checkout";
    public static readonly TimeSpan JobLifetime = TimeSpan.FromMinutes(15);

    private readonly byte[] _key = HMACSHA256.HashData(options.Secret, "anvil job tokens"u8);

    public IssuedJobToken Issue(string kind, long jobId, long repositoryId, TimeSpan lifetime)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = clock.GetUtcNow();
        var expires = now + lifetime;
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = $"job:{jobId}", ["kind"] = kind, ["repo"] = repositoryId, ["jti"] = id,
            ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = expires.ToUnixTimeSeconds(),
        }));
        var signature = Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(header + "." + payload)));
        return new IssuedJobToken($"{header}.{payload}.{signature}", id, expires.UtcDateTime);
    }

    public static bool LooksLikeToken(string s) => s.StartsWith("eyJ", StringComparison.Ordinal) && s.Count(c => c == '.') == 2;

    /// <summary>The claims of a genuine, unexpired token of <paramref name="kind"/>; null otherwise.</summary>
    public JobTokenClaims? Validate(string token, string kind)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length > 100 || parts[1].Length > 1000)
        {
            return null;
        }
        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (FromBase64Url(parts[2]) is not { } given || !CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(FromBase64Url(parts[1]) ?? []);
            var root = doc.RootElement;
            var sub = root.GetProperty("sub").GetString() ?? "";
            var exp = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64());
            if (root.GetProperty("kind").GetString() != kind || exp <= clock.GetUtcNow() || !sub.StartsWith("job:", StringComparison.Ordinal)
                || !long.TryParse(sub[4..], out var jobId))
            {
                return null;
            }
            return new JobTokenClaims(kind, jobId, root.GetProperty("repo").GetInt64(), root.GetProperty("jti").GetString() ?? "", exp.UtcDateTime);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string s)
    {
        var b64 = s.Replace('-', '+').Replace('_', '/');
        b64 += (b64.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        try
        {
            return Convert.FromBase64String(b64);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

namespace Anvil.Git.SmartHttp;

/// <summary>
/// The <c>Git-Protocol</c> request header, which becomes <c>GIT_PROTOCOL</c> in git's environment.
/// It is client input reaching a child process, so only a conservative shape is accepted.
/// </summary>
public static class GitProtocolHeader
{
    /// <summary>
    /// True for null/empty (protocol v0) and for <c>key[=value](:key[=value])*</c> made of letters, digits,
    /// '.', '-' and '_', where a <c>version</c> key may only be 1 or 2.
    /// </summary>
    public static bool IsValid(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return true;
        }
        if (header.Length > 256)
        {
            return false;
        }
        foreach (var item in header.Split(':'))
        {
            var eq = item.IndexOf('=');
            var key = eq < 0 ? item : item[..eq];
            var value = eq < 0 ? null : item[(eq + 1)..];
            if (!IsToken(key) || (value is not null && !IsToken(value)))
            {
                return false;
            }
            if (key == "version" && value is not ("1" or "2"))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether the header asks for protocol v2.</summary>
    public static bool IsVersion2(string? header)
        => header is not null && header.Split(':').Contains("version=2");

    private static bool IsToken(string s)
        => s.Length > 0 && s.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '-' or '_');
}

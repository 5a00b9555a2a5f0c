using System.Net;

namespace Anvil.Server.RateLimiting;

/// <summary>
/// The one answer to "which address is this client?". The socket peer, unless that peer is a
/// proxy named in <c>ANVIL_TRUST_PROXY</c>: then <c>X-Forwarded-For</c> is read from the right,
/// skipping trusted proxies, and the first untrusted address is the client. Addresses left of
/// it were written by the client and are never believed; the header is ignored entirely when
/// the peer is not trusted.
/// </summary>
public sealed class ClientIpResolver(IReadOnlyList<IPNetwork> trustedProxies)
{
    private static readonly object ItemKey = new();

    public IPAddress Resolve(HttpContext ctx)
    {
        var client = Normalize(ctx.Connection.RemoteIpAddress ?? IPAddress.IPv6None);
        if (!IsTrusted(client))
        {
            return client;
        }
        var hops = ctx.Request.Headers["X-Forwarded-For"]
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        for (var i = hops.Count - 1; i >= 0; i--)
        {
            if (ParseHop(hops[i]) is not { } hop)
            {
                // A trusted proxy passed on something unreadable: the last address we could vouch for stands.
                return client;
            }
            client = hop;
            if (!IsTrusted(client))
            {
                return client;
            }
        }
        return client;
    }

    /// <summary>The client address of this request, resolved once and remembered for the request.</summary>
    public static IPAddress Of(HttpContext ctx)
    {
        if (ctx.Items.TryGetValue(ItemKey, out var known) && known is IPAddress ip)
        {
            return ip;
        }
        var resolved = ctx.RequestServices.GetRequiredService<ClientIpResolver>().Resolve(ctx);
        ctx.Items[ItemKey] = resolved;
        return resolved;
    }

    private bool IsTrusted(IPAddress address) => trustedProxies.Any(n => n.Contains(address));

    // Proxies write "1.2.3.4", sometimes "1.2.3.4:5678" or "[::1]:5678".
    private static IPAddress? ParseHop(string text) =>
        IPAddress.TryParse(text, out var ip) ? Normalize(ip)
        : IPEndPoint.TryParse(text, out var ep) ? Normalize(ep.Address)
        : null;

    // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d; one client must have one key.
    private static IPAddress Normalize(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;

    /// <summary>Parses <c>ANVIL_TRUST_PROXY</c>: comma-separated addresses and CIDR ranges. A typo fails start-up loudly.</summary>
    public static IReadOnlyList<IPNetwork> ParseTrustedProxies(string? value)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var ip))
            {
                ip = Normalize(ip);
                networks.Add(new IPNetwork(ip, ip.GetAddressBytes().Length * 8));
            }
            else
            {
                throw new InvalidOperationException($"ANVIL_TRUST_PROXY: '{entry}' is neither an IP address nor a CIDR range");
            }
        }
        return networks;
    }
}

public static class ClientIpExtensions
{
    /// <summary>The client's address: see <see cref="ClientIpResolver"/>.</summary>
    public static IPAddress ClientIp(this HttpContext ctx) => ClientIpResolver.Of(ctx);
}

using System.Net;
using System.Net.Sockets;

namespace Anvil.Server.Webhooks;

/// <summary>Thrown when an outgoing webhook would reach an address the server must not call.</summary>
public sealed class OutboundAddressRefusedException(string message) : Exception(message);

/// <summary>
/// The SSRF guard: which addresses outgoing webhooks may connect to. Checked on the address the
/// socket actually connects to (see <see cref="WebhookSender"/>), so DNS rebinding cannot slip past.
/// </summary>
public sealed class OutboundAddressPolicy(IReadOnlySet<string> allowHosts)
{
    /// <summary>Whether <paramref name="address"/> is internal: loopback, private, link-local, CGNAT, multicast, reserved.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address))
        {
            return true;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,                             // "this network", private, loopback
                100 => b[1] is >= 64 and <= 127,                    // CGNAT 100.64/10
                169 => b[1] == 254,                                 // link-local, cloud metadata (169.254.169.254)
                172 => b[1] is >= 16 and <= 31,                     // private 172.16/12
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2), // private 192.168/16, IETF 192.0.0/24, TEST-NET-1
                198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100), // benchmarking, TEST-NET-2
                203 => b[1] == 0 && b[2] == 113,                    // TEST-NET-3
                >= 224 => true,                                     // multicast, reserved, broadcast
                _ => false,
            };
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast)
            {
                return true;
            }
            var b = address.GetAddressBytes();
            if ((b[0] & 0xFE) == 0xFC)
            {
                return true; // unique local fc00::/7
            }
            // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed an IPv4 address: judge that one.
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
            {
                return IsInternal(new IPAddress(b[12..16]));
            }
            if (b[0] == 0x20 && b[1] == 0x02)
            {
                return IsInternal(new IPAddress(b[2..6]));
            }
            return false;
        }
        return true;
    }

    public bool IsAllowedHost(string host) => allowHosts.Contains(host.Trim('[', ']').ToLowerInvariant());

    /// <summary>
    /// Resolves <paramref name="host"/> and returns the addresses it may connect to; refuses when
    /// every address is internal and neither the host nor the address is allow-listed.
    /// </summary>
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken ct)
    {
        var bare = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(bare, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(bare, ct);
        if (addresses.Length == 0)
        {
            throw new OutboundAddressRefusedException($"{bare} does not resolve");
        }
        if (IsAllowedHost(bare))
        {
            return addresses;
        }
        var usable = addresses.Where(a => !IsInternal(a) || IsAllowedHost(a.ToString())).ToList();
        return usable.Count > 0
            ? usable
            : throw new OutboundAddressRefusedException(
                $"refused to connect to {bare} ({string.Join(", ", addresses.Select(a => a.ToString()))}): private, loopback or link-local address");
    }
}

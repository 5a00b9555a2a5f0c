using System.Net;
using Anvil.Server.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Anvil.Server.Tests.RateLimiting;

public sealed class ClientIpTests
{
    private static string Resolve(string? trust, string peer, params string[] forwardedFor)
    {
        var ctx = new DefaultHttpContext();
        ctx.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor.Length > 0)
        {
            ctx.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }
        return new ClientIpResolver(ClientIpResolver.ParseTrustedProxies(trust)).Resolve(ctx).ToString();
    }

    [Fact]
    public void Without_trusted_proxies_the_socket_peer_is_the_client() =>
        Assert.Equal("10.0.0.9", Resolve(null, "10.0.0.9", "203.0.113.5"));

    [Fact]
    public void An_untrusted_peer_cannot_spoof_forwarded_for() =>
        Assert.Equal("10.0.0.9", Resolve("10.0.0.1", "10.0.0.9", "203.0.113.5"));

    [Fact]
    public void A_trusted_peer_names_the_right_most_untrusted_address()
    {
        Assert.Equal("203.0.113.5", Resolve("10.0.0.1", "10.0.0.1", "203.0.113.5"));
        Assert.Equal("203.0.113.5", Resolve("10.0.0.1", "10.0.0.1", "1.2.3.4, 203.0.113.5"));
        // A chain of trusted proxies (CIDR), across repeated headers.
        Assert.Equal("203.0.113.5", Resolve("10.0.0.0/8", "10.0.0.1", "1.2.3.4, 203.0.113.5", "10.1.1.1"));
        Assert.Equal("2001:db8::7", Resolve("10.0.0.0/8,::1", "::1", "2001:db8::7, 10.2.2.2"));
    }

    [Fact]
    public void Odd_forwarded_for_entries_are_handled()
    {
        Assert.Equal("203.0.113.5", Resolve("127.0.0.1", "::ffff:127.0.0.1", "203.0.113.5:4711"));
        Assert.Equal("2001:db8::7", Resolve("127.0.0.1", "127.0.0.1", "[2001:db8::7]:4711"));
        // Unreadable: the last address vouched for is the proxy itself.
        Assert.Equal("127.0.0.1", Resolve("127.0.0.1", "127.0.0.1", "not-an-ip"));
        // Everything trusted: the left-most is as far as we can see.
        Assert.Equal("10.0.0.3", Resolve("10.0.0.0/8", "10.0.0.1", "10.0.0.3, 10.0.0.2"));
        Assert.Equal("127.0.0.1", Resolve("127.0.0.1", "127.0.0.1"));
    }

    [Fact]
    public void A_bad_trust_setting_fails_start_up() =>
        Assert.Throws<InvalidOperationException>(() => ClientIpResolver.ParseTrustedProxies("10.0.0.1, proxy.local"));
}

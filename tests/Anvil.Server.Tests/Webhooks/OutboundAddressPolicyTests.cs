using System.Net;
using Anvil.Server.Webhooks;

namespace Anvil.Server.Tests.Webhooks;

public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.5.6.7")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:0a00:0001::1")]
    public void Internal_addresses_are_recognized(string address) => Assert.True(OutboundAddressPolicy.IsInternal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("140.82.112.3")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_pass(string address) => Assert.False(OutboundAddressPolicy.IsInternal(IPAddress.Parse(address)));

    [Fact]
    public async Task Resolution_refuses_internal_targets_unless_allow_listed()
    {
        var strict = new OutboundAddressPolicy(new HashSet<string>());
        await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => strict.ResolveAsync("127.0.0.1", default));
        await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => strict.ResolveAsync("[::1]", default));
        await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => strict.ResolveAsync("localhost", default));

        var allowed = new OutboundAddressPolicy(new HashSet<string> { "127.0.0.1", "internal.example" });
        Assert.Equal([IPAddress.Loopback], await allowed.ResolveAsync("127.0.0.1", default));
        await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => allowed.ResolveAsync("10.0.0.1", default));
        Assert.True(allowed.IsAllowedHost("INTERNAL.example"));
    }
}

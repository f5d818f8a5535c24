using System.Net;
using ScorePortal.Features.Enterprises.Webhooks;

namespace ScorePortal.Tests.Features.Enterprises.Webhooks;

/// <summary>Which addresses a notice may go to: public unicast only, whatever form the address takes.</summary>
public sealed class WebhookAddressesTests
{
    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("114.114.114.114")]
    [InlineData("172.32.0.1")]          // just past 172.16/12
    [InlineData("100.128.0.1")]         // just past 100.64/10
    [InlineData("169.255.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2400:3200::1")]
    [InlineData("::ffff:8.8.8.8")]      // IPv4-mapped public
    [InlineData("64:ff9b::808:808")]    // NAT64 of 8.8.8.8
    public void Public_unicast_addresses_are_allowed(string address) =>
        Assert.True(WebhookAddresses.IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1")]           // loopback
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]            // RFC 1918
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]     // link-local: cloud metadata
    [InlineData("100.64.0.1")]          // carrier-grade NAT
    [InlineData("100.127.255.255")]
    [InlineData("0.0.0.0")]             // unspecified
    [InlineData("0.1.2.3")]             // 0/8
    [InlineData("224.0.0.1")]           // multicast
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]           // reserved
    [InlineData("255.255.255.255")]     // broadcast
    [InlineData("192.0.2.1")]           // documentation
    [InlineData("198.18.0.1")]          // benchmarking
    public void Private_loopback_link_local_and_special_IPv4_addresses_are_refused(string address) =>
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("::1")]                 // loopback
    [InlineData("::")]                  // unspecified
    [InlineData("fe80::1")]             // link-local
    [InlineData("fe80::1%2")]
    [InlineData("fc00::1")]             // unique local
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fec0::1")]             // site-local (deprecated)
    [InlineData("ff02::1")]             // multicast
    [InlineData("::7f00:1")]            // IPv4-compatible 127.0.0.1 (deprecated form)
    [InlineData("2001:db8::1")]         // documentation
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo
    [InlineData("2002:7f00:1::1")]      // 6to4 of 127.0.0.1
    [InlineData("100::1")]              // discard
    public void Loopback_link_local_unique_local_multicast_and_tunnelled_IPv6_addresses_are_refused(string address) =>
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:192.168.0.10")]
    [InlineData("::ffff:100.64.0.1")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("64:ff9b::a00:1")]      // NAT64 of 10.0.0.1
    [InlineData("64:ff9b::7f00:1")]     // NAT64 of 127.0.0.1
    public void IPv4_mapped_and_NAT64_forms_of_refused_addresses_are_refused(string address) =>
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void The_test_only_allowance_lets_loopback_through_and_nothing_else()
    {
        Assert.True(WebhookAddresses.IsAllowed(IPAddress.Loopback, allowLoopback: true));
        Assert.True(WebhookAddresses.IsAllowed(IPAddress.IPv6Loopback, allowLoopback: true));
        Assert.True(WebhookAddresses.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1"), allowLoopback: true));
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse("10.0.0.1"), allowLoopback: true));
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse("169.254.169.254"), allowLoopback: true));
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse("fd00::1"), allowLoopback: true));
        Assert.False(WebhookAddresses.IsAllowed(IPAddress.Parse("64:ff9b::7f00:1"), allowLoopback: true));
    }
}

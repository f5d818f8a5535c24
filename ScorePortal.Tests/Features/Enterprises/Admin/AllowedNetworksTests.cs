using System.Net;
using ScorePortal.Features.Enterprises;

namespace ScorePortal.Tests.Features.Enterprises.Admin;

public sealed class AllowedNetworksTests
{
    [Fact]
    public void Blocks_of_both_families_single_addresses_comments_and_blank_lines_are_read()
    {
        var (networks, errors) = AllowedNetworks.Parse("""
            # head office
            203.0.113.0/24

            2001:DB8:1234::/48   # data center
            198.51.100.7
            2001:db8::1
            203.0.113.0/24
            """);

        Assert.Empty(errors);
        Assert.Equal(["203.0.113.0/24", "2001:db8:1234::/48", "198.51.100.7/32", "2001:db8::1/128"], networks.Select(n => n.ToString()));
        Assert.Equal("203.0.113.0/24\n2001:db8:1234::/48\n198.51.100.7/32\n2001:db8::1/128", AllowedNetworks.Format(networks));
    }

    [Fact]
    public void Each_bad_line_is_named_with_its_number_and_text()
    {
        var (networks, errors) = AllowedNetworks.Parse("10.0.0.0/8\r\nnot-a-network\r\n10.0.0.0/33\r\n2001:db8::/129\r\n10.1\r\n010.0.0.0/8\r\nfe80::1%eth0\r\n10.0.0.0/ 8");

        Assert.Single(networks);
        Assert.Equal([2, 3, 4, 5, 6, 7, 8], errors.Select(e => e.Line));
        Assert.All(errors, e => Assert.Equal(AllowedNetworks.BadLine, e.Key));
        Assert.Equal([2, "not-a-network"], errors[0].Args);
    }

    [Fact]
    public void A_block_with_host_bits_set_is_refused_with_the_block_it_would_be()
    {
        var (_, errors) = AllowedNetworks.Parse("10.1.2.3/8\n2001:db8::1/32");

        Assert.Equal(AllowedNetworks.HostBitsSet, errors[0].Key);
        Assert.Equal([1, "10.1.2.3/8", "10.0.0.0/8"], errors[0].Args);
        Assert.Equal([2, "2001:db8::1/32", "2001:db8::/32"], errors[1].Args);
    }

    [Fact]
    public void An_empty_list_allows_any_address()
    {
        Assert.True(AllowedNetworks.Contains("", IPAddress.Parse("192.0.2.1")));
        Assert.True(AllowedNetworks.Contains((string?)null, IPAddress.Parse("2001:db8::1")));
        Assert.True(AllowedNetworks.Contains("  \n", IPAddress.Loopback));
    }

    [Theory]
    [InlineData("203.0.113.5", true)]
    [InlineData("203.0.114.5", false)]
    [InlineData("::ffff:203.0.113.5", true)] // what a dual-stack socket reports for an IPv4 caller
    [InlineData("::ffff:203.0.114.5", false)]
    [InlineData("2001:db8:1234:5::9", true)]
    [InlineData("2001:db8:1235::9", false)]
    [InlineData("198.51.100.7", true)]
    [InlineData("198.51.100.8", false)]
    public void Addresses_are_checked_against_IPv4_and_IPv6_blocks(string address, bool allowed)
    {
        const string stored = "203.0.113.0/24\n2001:db8:1234::/48\n198.51.100.7/32";

        Assert.Equal(allowed, AllowedNetworks.Contains(stored, IPAddress.Parse(address)));
    }

    [Fact]
    public void An_IPv4_caller_matches_an_IPv4_mapped_IPv6_block()
    {
        var (networks, errors) = AllowedNetworks.Parse("::ffff:192.0.2.0/120");

        Assert.Empty(errors);
        Assert.True(AllowedNetworks.Contains(networks, IPAddress.Parse("192.0.2.77")));
        Assert.True(AllowedNetworks.Contains(networks, IPAddress.Parse("::ffff:192.0.2.77")));
        Assert.False(AllowedNetworks.Contains(networks, IPAddress.Parse("192.0.3.1")));
    }

    [Fact]
    public void A_stored_line_that_no_longer_parses_allows_nothing_rather_than_everything()
    {
        Assert.False(AllowedNetworks.Contains("garbage", IPAddress.Parse("192.0.2.1")));
        Assert.True(AllowedNetworks.Contains("# nothing but a comment", IPAddress.Parse("192.0.2.1")));
    }
}

using System.Net;
using ScorePortal.Features.Enterprises;

namespace ScorePortal.Tests.Features.Enterprises;

public sealed class AllowedNetworksTests
{
    [Theory]
    [InlineData("", "198.51.100.7", true)]
    [InlineData("\n  \n# only a comment\n", "198.51.100.7", true)]
    [InlineData("203.0.113.0/24", "203.0.113.200", true)]
    [InlineData("203.0.113.0/24", "203.0.114.1", false)]
    [InlineData("203.0.113.0/24", "::ffff:203.0.113.9", true)]
    [InlineData("::ffff:203.0.113.0/120", "203.0.113.9", true)]
    [InlineData("2001:db8:5::/48", "2001:db8:5:ffff::1", true)]
    [InlineData("2001:db8:5::/48", "2001:db8:6::1", false)]
    [InlineData("198.51.100.7", "198.51.100.7", true)]
    [InlineData("198.51.100.7", "198.51.100.8", false)]
    [InlineData("2001:db8::1", "2001:db8::1", true)]
    [InlineData("10.0.0.0/8\r\n 2001:db8::/32 \r\n", "2001:db8:1::1", true)]
    // A line that does not parse matches nothing, and never makes the list "empty".
    [InlineData("not-a-network", "198.51.100.7", false)]
    [InlineData("203.0.113.0/33", "203.0.113.1", false)]
    public void An_address_is_allowed_by_a_block_that_contains_it_or_by_an_empty_list(string stored, string address, bool allowed) =>
        Assert.Equal(allowed, AllowedNetworks.Contains(stored, IPAddress.Parse(address)));

    [Fact]
    public void Invalid_lines_are_named_for_the_form() =>
        Assert.Equal(["10.0.0.0/33", "example.org"], AllowedNetworks.InvalidLines("# office\n10.0.0.0/8\n10.0.0.0/33\nexample.org\n::1\n"));
}

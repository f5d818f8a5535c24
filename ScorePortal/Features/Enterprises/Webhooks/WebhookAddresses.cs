using System.Net;
using System.Net.Sockets;
using IPNetwork = System.Net.IPNetwork;

namespace ScorePortal.Features.Enterprises.Webhooks;

/// <summary>
/// Which addresses a notice may be sent to: public unicast only. A callback URL is the enterprise's to choose, so
/// without this rule it could point the portal at its own network (a database, a metadata service, an admin port):
/// server-side request forgery. The rule is applied to every address the host resolves to, when the URL is saved and
/// again at every connection (<see cref="WebhookConnector"/>), and the socket connects to the address that passed.
/// </summary>
public static class WebhookAddresses
{
    // IPv4 blocks that are not public unicast (IANA special-purpose registry, RFC 6890 and successors).
    private static readonly IPNetwork[] RefusedV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this network", unspecified
        IPNetwork.Parse("10.0.0.0/8"),       // private (RFC 1918)
        IPNetwork.Parse("100.64.0.0/10"),    // carrier-grade NAT (RFC 6598)
        IPNetwork.Parse("127.0.0.0/8"),      // loopback
        IPNetwork.Parse("169.254.0.0/16"),   // link-local (cloud metadata services live here)
        IPNetwork.Parse("172.16.0.0/12"),    // private (RFC 1918)
        IPNetwork.Parse("192.0.0.0/24"),     // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"),     // documentation (TEST-NET-1)
        IPNetwork.Parse("192.88.99.0/24"),   // 6to4 relay anycast (deprecated)
        IPNetwork.Parse("192.168.0.0/16"),   // private (RFC 1918)
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),  // documentation (TEST-NET-2)
        IPNetwork.Parse("203.0.113.0/24"),   // documentation (TEST-NET-3)
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved, and 255.255.255.255 broadcast
    ];

    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    // Inside 2000::/3, blocks that are not public unicast or that tunnel to an address the rule cannot see.
    private static readonly IPNetwork[] RefusedV6 =
    [
        IPNetwork.Parse("2001::/23"),        // IETF protocol assignments: Teredo (2001::/32), benchmarking, ORCHID
        IPNetwork.Parse("2001:db8::/32"),    // documentation
        IPNetwork.Parse("2002::/16"),        // 6to4: the IPv4 address inside could be any
        IPNetwork.Parse("3fff::/20"),        // documentation (RFC 9637)
    ];

    private static readonly IPNetwork LoopbackV4 = IPNetwork.Parse("127.0.0.0/8");

    /// <summary>
    /// Whether a notice may go to <paramref name="address"/>: a public unicast address, seen through its IPv4-mapped
    /// (<c>::ffff:a.b.c.d</c>) and NAT64 (<c>64:ff9b::a.b.c.d</c>) forms. Loopback, private (RFC 1918, fc00::/7),
    /// link-local (169.254/16, fe80::/10), carrier-grade NAT (100.64/10), multicast, unspecified, 0/8, documentation and
    /// reserved blocks are refused; <paramref name="allowLoopback"/> (tests only) lets loopback through.
    /// </summary>
    public static bool IsAllowed(IPAddress address, bool allowLoopback = false)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) return IsAllowed(address.MapToIPv4(), allowLoopback);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            if (allowLoopback && LoopbackV4.Contains(address)) return true;
            return !RefusedV4.Any(n => n.Contains(address));
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (address.Equals(IPAddress.IPv6Loopback)) return allowLoopback;
        if (Nat64.Contains(address))
        {
            // The well-known NAT64 prefix reaches the IPv4 address in its last 32 bits: judge that one.
            var bytes = address.GetAddressBytes();
            return IsAllowed(new IPAddress(bytes.AsSpan(12, 4)), allowLoopback: false);
        }
        // Everything outside global unicast is refused: unspecified, loopback, IPv4-compatible, discard (100::/64),
        // unique local (fc00::/7), link-local (fe80::/10), site-local (fec0::/10), multicast (ff00::/8).
        return GlobalUnicastV6.Contains(address) && !RefusedV6.Any(n => n.Contains(address));
    }
}

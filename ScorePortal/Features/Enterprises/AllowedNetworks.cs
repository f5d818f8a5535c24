using System.Net;
using System.Net.Sockets;

namespace ScorePortal.Features.Enterprises;

/// <summary>
/// An enterprise's allow-list (<see cref="Enterprise.AllowedNetworks"/>): CIDR blocks, IPv4 or IPv6, one per line
/// (<c>203.0.113.0/24</c>, <c>2001:db8:1::/48</c>); a bare address is a block of one. Blank lines and lines starting
/// with <c>#</c> are ignored. An empty list allows any address. A list with content allows only what its valid lines
/// cover: a line that does not parse matches nothing, so a typing mistake never opens the list to everyone.
/// An IPv4-mapped IPv6 address (<c>::ffff:203.0.113.7</c>, how a dual-stack socket reports an IPv4 client) matches the
/// IPv4 blocks, and an IPv4 address matches a block written in the mapped form.
/// </summary>
public static class AllowedNetworks
{
    /// <summary>Whether <paramref name="address"/> may call with the keys of an enterprise whose list is <paramref name="stored"/>.</summary>
    public static bool Contains(string stored, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (string.IsNullOrWhiteSpace(stored)) return true;
        var other = address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
            : address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6()
            : null;
        var any = false;
        foreach (var range in stored.AsSpan().EnumerateLines())
        {
            var line = range.Trim();
            if (line.IsEmpty || line[0] == '#') continue;
            any = true;
            if (!TryParseLine(line, out var network)) continue;
            if (network.Contains(address) || (other is not null && network.Contains(other))) return true;
        }
        // Only blank lines and comments: as good as empty.
        return !any;
    }

    /// <summary>
    /// The lines of <paramref name="text"/> that are neither blank, a comment nor a valid block or address (for a form to
    /// point at); empty when the whole list is valid.
    /// </summary>
    public static IReadOnlyList<string> InvalidLines(string? text)
    {
        var invalid = new List<string>();
        foreach (var range in (text ?? "").AsSpan().EnumerateLines())
        {
            var line = range.Trim();
            if (line.IsEmpty || line[0] == '#') continue;
            if (!TryParseLine(line, out _)) invalid.Add(line.ToString());
        }
        return invalid;
    }

    private static bool TryParseLine(ReadOnlySpan<char> line, out IPNetwork network)
    {
        if (line.Contains('/')) return IPNetwork.TryParse(line, out network);
        if (IPAddress.TryParse(line, out var single))
        {
            network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        network = default;
        return false;
    }
}

using System.Net;
using System.Net.Sockets;

namespace ScorePortal.Features.Enterprises;

/// <summary>
/// An enterprise's IP allow-list (<see cref="Enterprise.AllowedNetworks"/>): CIDR blocks, IPv4 or IPv6, one per line;
/// empty means any address. The admin page stores what <see cref="Parse"/> accepted, in canonical form
/// (<see cref="Format"/>); the API checks a caller's address with <see cref="Contains(string, IPAddress)"/>.
/// </summary>
public static class AllowedNetworks
{
    /// <summary>Resource key of a line that is no CIDR block; arguments: the line's number and its text.</summary>
    public const string BadLine = "EnterpriseAdmin.Networks.BadLine";

    /// <summary>Resource key of a block whose address has bits set after the prefix; arguments: line, text, the block meant.</summary>
    public const string HostBitsSet = "EnterpriseAdmin.Networks.HostBits";

    /// <summary>One refused line: its number (from 1), its text as typed (trimmed) and why, as a resource key with arguments.</summary>
    public sealed record LineError(int Line, string Text, string Key, params object[] Args);

    /// <summary>
    /// Reads one block per line. Blank lines and <c># comments</c> are skipped; a bare address is the block of that one
    /// address (/32 or /128). A block like <c>10.1.2.3/8</c> is refused rather than silently widened or narrowed: the
    /// admin meant either the address or <c>10.0.0.0/8</c>, and the message names the second. Duplicates are kept once.
    /// </summary>
    public static (IReadOnlyList<IPNetwork> Networks, IReadOnlyList<LineError> Errors) Parse(string? text)
    {
        var networks = new List<IPNetwork>();
        var errors = new List<LineError>();
        var lines = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var comment = line.IndexOf('#', StringComparison.Ordinal);
            if (comment >= 0) line = line[..comment];
            line = line.Trim();
            if (line.Length == 0) continue;

            if (TryRead(line, out var network, out var meant))
            {
                if (!networks.Contains(network)) networks.Add(network);
            }
            else if (meant is { } widened)
            {
                errors.Add(new LineError(i + 1, line, HostBitsSet, i + 1, line, widened.ToString()));
            }
            else
            {
                errors.Add(new LineError(i + 1, line, BadLine, i + 1, line));
            }
        }
        return (networks, errors);
    }

    /// <summary>The lines of <paramref name="text"/> that <see cref="Parse"/> refuses, as typed (trimmed, comment removed).</summary>
    public static IReadOnlyList<string> InvalidLines(string? text) => Parse(text).Errors.Select(e => e.Text).ToList();

    /// <summary>The blocks as stored: canonical text, one per line.</summary>
    public static string Format(IEnumerable<IPNetwork> networks) => string.Join('\n', networks.Select(n => n.ToString()));

    /// <summary>
    /// Whether <paramref name="address"/> may call under the stored allow-list <paramref name="stored"/>: true when the
    /// list is empty or holds only comments. Lines that do not parse (the admin page stores none) allow nothing.
    /// </summary>
    public static bool Contains(string? stored, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (string.IsNullOrWhiteSpace(stored)) return true;
        // Only blank lines and comments: as good as empty. A line that does not parse matches nothing and never makes
        // the list "empty", so a typing mistake never opens it to everyone.
        var (networks, errors) = Parse(stored);
        if (networks.Count == 0) return errors.Count == 0;
        return Contains(networks, address);
    }

    /// <summary>
    /// Whether <paramref name="address"/> lies in one of <paramref name="networks"/> (true when there are none). An
    /// IPv4-mapped IPv6 address (<c>::ffff:192.0.2.1</c>, what a dual-stack socket reports for an IPv4 caller) matches
    /// IPv4 blocks, and an IPv4 address matches an IPv4-mapped IPv6 block.
    /// </summary>
    public static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(address);
        if (networks.Count == 0) return true;
        var asV4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : null;
        var asV6 = address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : null;
        foreach (var network in networks)
        {
            if (network.Contains(address)) return true;
            if (asV4 is not null && network.Contains(asV4)) return true;
            if (asV6 is not null && network.Contains(asV6)) return true;
        }
        return false;
    }

    private static bool TryRead(string line, out IPNetwork network, out IPNetwork? meant)
    {
        network = default;
        meant = null;
        var slash = line.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? line : line[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || !IsWrittenOut(addressText, address)) return false;
        var width = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
        {
            network = new IPNetwork(address, width);
            return true;
        }
        var prefixText = line[(slash + 1)..];
        if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit)) return false;
        var prefix = int.Parse(prefixText, System.Globalization.CultureInfo.InvariantCulture);
        if (prefix > width) return false;
        if (!IPNetwork.TryParse(line, out var block)) return false;
        // .NET 10 reads "10.1.2.3/8" as 10.0.0.0/8, silently: refuse it and say which block that would be.
        if (!block.BaseAddress.Equals(address))
        {
            meant = block;
            return false;
        }
        network = block;
        return true;
    }

    // IPAddress.TryParse also reads "1", "0x7f.1", "10.1" and "010.0.0.1" (octal) as IPv4 addresses, and IPv6 with a
    // zone ("fe80::1%eth0"): an allow-list line is an address written out in full, as it will be shown back.
    private static bool IsWrittenOut(string text, IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6
            ? !text.Contains('%', StringComparison.Ordinal)
            : string.Equals(address.ToString(), text, StringComparison.Ordinal);
}

using System.Net;
using System.Net.Sockets;

namespace ScorePortal.Operations;

/// <summary>
/// The key every per-address limit, block and address hash counts a client under. The address is the real client's:
/// behind a trusted proxy, <see cref="TrustedProxies"/> has already replaced the socket's address with the forwarded one.
/// An IPv6 client is keyed by its /64: one subscriber line or host gets a whole /64 and picks any address in it at will,
/// so counting single addresses would give it 2^64 budgets. An IPv4-mapped IPv6 address counts as its IPv4 address.
/// </summary>
public static class ClientAddress
{
    /// <summary>The limit key of the request's client (null when the server does not know the address).</summary>
    public static string? LimitKey(HttpContext context) => LimitKey(context.Connection.RemoteIpAddress);

    public static string? LimitKey(IPAddress? address)
    {
        if (address is null) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    /// <summary>The limit key of an address kept as text (audit records, callers that stored the string).</summary>
    public static string? LimitKey(string? address) =>
        string.IsNullOrEmpty(address) ? address
        : address.EndsWith("/64", StringComparison.Ordinal) ? address
        : IPAddress.TryParse(address, out var parsed) ? LimitKey(parsed) : address;
}

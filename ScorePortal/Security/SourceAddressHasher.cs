using System.Security.Cryptography;
using System.Text;
using ScorePortal.Operations;

namespace ScorePortal.Security;

/// <summary>
/// Client addresses are personal data: logs and the audit trail keep a keyed hash, which still lets an admin see
/// that many events came from one address without storing the address.
/// The hash is of the client's limit key (<see cref="ClientAddress"/>): an IPv6 client counts as its /64 here too.
/// </summary>
public sealed class SourceAddressHasher(byte[] key)
{
    public string? Hash(string? address) =>
        string.IsNullOrEmpty(address) ? null
        : Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("ip:" + ClientAddress.LimitKey(address))))[..32];
}

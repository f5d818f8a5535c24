using System.Security.Cryptography;
using System.Text;

namespace ScorePortal.Security;

/// <summary>
/// Client addresses are personal data: logs and the audit trail keep a keyed hash, which still lets an admin see
/// that many events came from one address without storing the address.
/// </summary>
public sealed class SourceAddressHasher(byte[] key)
{
    public string? Hash(string? address) =>
        string.IsNullOrEmpty(address) ? null
        : Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("ip:" + address)))[..32];
}

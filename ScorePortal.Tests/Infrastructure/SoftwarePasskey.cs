using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// A passkey held in the test (an ES256 key pair), for HTTP tests without a browser: its public part is stored on an
/// account as a browser's attestation would store it, and it answers a portal's challenge the way
/// <c>navigator.credentials.get()</c> does, signing what an authenticator signs (WebAuthn level 3, §6.1 and §6.3.3).
/// </summary>
internal sealed class SoftwarePasskey : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private uint _signCount;

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(16);

    /// <summary>What Identity keeps for this passkey (the COSE public key; a user-verifying device on one machine).</summary>
    public UserPasskeyInfo Info(string? name = null) =>
        new(CredentialId, CosePublicKey(), DateTimeOffset.UtcNow, 0, ["internal"], isUserVerified: true,
            isBackupEligible: false, isBackedUp: false, attestationObject: [0xA0], clientDataJson: Encoding.UTF8.GetBytes("{}"))
        {
            Name = name,
        };

    /// <summary>
    /// The credential JSON for the challenge of <paramref name="requestOptionsJson"/>, made on <paramref name="origin"/>
    /// for relying party <paramref name="rpId"/> by the account <paramref name="userId"/>.
    /// </summary>
    public string Assert(string requestOptionsJson, string userId, string origin = "http://localhost", string rpId = "localhost", bool userVerified = true)
    {
        using var options = JsonDocument.Parse(requestOptionsJson);
        var challenge = options.RootElement.GetProperty("challenge").GetString()!;
        var clientData = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "webauthn.get",
            ["challenge"] = challenge,
            ["origin"] = origin,
            ["crossOrigin"] = false,
        }));
        _signCount++;
        var flags = (byte)(0x01 | (userVerified ? 0x04 : 0)); // user present, user verified
        var authenticatorData = new byte[37];
        SHA256.HashData(Encoding.UTF8.GetBytes(rpId)).CopyTo(authenticatorData, 0);
        authenticatorData[32] = flags;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(authenticatorData.AsSpan(33), _signCount);
        var signature = _key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = Base64Url.EncodeToString(CredentialId),
            ["rawId"] = Base64Url.EncodeToString(CredentialId),
            ["type"] = "public-key",
            ["authenticatorAttachment"] = "platform",
            ["clientExtensionResults"] = new Dictionary<string, object>(),
            ["response"] = new Dictionary<string, object>
            {
                ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
                ["authenticatorData"] = Base64Url.EncodeToString(authenticatorData),
                ["signature"] = Base64Url.EncodeToString(signature),
                ["userHandle"] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(userId)),
            },
        });
    }

    // COSE_Key (RFC 9053): {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y} in CBOR.
    private byte[] CosePublicKey()
    {
        var point = _key.ExportParameters(includePrivateParameters: false).Q;
        return [0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20, .. point.X!, 0x22, 0x58, 0x20, .. point.Y!];
    }

    public void Dispose() => _key.Dispose();
}

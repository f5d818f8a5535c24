using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScorePortal.Features.Credentials;

/// <summary>A compact JWS split into its parts; <see cref="SigningInput"/> is what the signature covers.</summary>
public sealed record CompactJws(JsonObject Header, JsonObject Payload, byte[] SigningInput, byte[] Signature);

/// <summary>
/// VC-JOSE (W3C "Securing Verifiable Credentials using JOSE and COSE") as far as the portal needs it: compact JWS
/// with ES256 over P-256, header <c>{alg, typ, cty, kid}</c>, the credential JSON itself as the payload (no <c>vc</c>
/// claim). Only the built-in <see cref="ECDsa"/>; its signature format is IEEE P1363 (r‖s, 64 bytes), which is what
/// JWS's ES256 expects.
/// </summary>
public static class Jose
{
    public const string Algorithm = "ES256";
    public const string CredentialType = "vc+jwt";
    public const string CredentialContentType = "vc";

    /// <summary>Media type of a credential secured as a JWT (and of the status list credentials the portal serves).</summary>
    public const string MediaType = "application/vc+jwt";

    /// <summary>Text as UTF-8, not \u escapes: a holder who decodes the payload reads the names as written.</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) };

    public static string Sign(JsonObject payload, string kid, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(key);
        var header = new JsonObject { ["alg"] = Algorithm, ["typ"] = CredentialType, ["cty"] = CredentialContentType, ["kid"] = kid };
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString(Json)))
                    + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString(Json)));
        var signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Null when the text is not three base64url parts with JSON objects in the first two.</summary>
    public static CompactJws? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Trim().Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0)) return null;
        try
        {
            var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) as JsonObject;
            var payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject;
            var signature = Base64Url.DecodeFromChars(parts[2]);
            if (header is null || payload is null) return null;
            return new CompactJws(header, payload, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A P-256 public key as a JWK: kty, crv, x, y.</summary>
    public static JsonObject PublicJwk(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var p = key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(p.Q.X),
            ["y"] = Base64Url.EncodeToString(p.Q.Y),
        };
    }

    /// <summary>The public key of a P-256 JWK, or null when it is anything else (another curve, a private part, garbage).</summary>
    public static ECDsa? FromJwk(JsonNode? jwk)
    {
        if (jwk is not JsonObject o || CredentialVerifier.Text(o["kty"]) != "EC" || CredentialVerifier.Text(o["crv"]) != "P-256" || o.ContainsKey("d")) return null;
        try
        {
            var x = Base64Url.DecodeFromChars(CredentialVerifier.Text(o["x"]));
            var y = Base64Url.DecodeFromChars(CredentialVerifier.Text(o["y"]));
            if (x.Length != 32 || y.Length != 32) return null;
            return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        }
        catch (Exception e) when (e is FormatException or CryptographicException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}

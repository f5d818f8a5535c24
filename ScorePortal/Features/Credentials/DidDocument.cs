using System.Text.Json.Nodes;

namespace ScorePortal.Features.Credentials;

/// <summary>
/// The issuer's DID document (did:web, served at <c>/.well-known/did.json</c> as <see cref="MediaType"/>): every listed
/// key as a <c>JsonWebKey</c> verification method (the type of the W3C Controlled Identifiers / VC-JOSE-COSE
/// specifications, with <c>publicKeyJwk</c>) and referenced from <c>assertionMethod</c>, the relationship a credential's
/// issuer signs under.
/// </summary>
public static class DidDocument
{
    /// <summary>The DID Core media type of a DID document in plain JSON (no JSON-LD processing needed).</summary>
    public const string MediaType = "application/did+json";

    public static JsonObject Build(CredentialIssuer issuer, IEnumerable<CredentialSigningKey> keys)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(keys);
        var methods = new JsonArray();
        var assertion = new JsonArray();
        foreach (var key in keys)
        {
            var id = issuer.KeyId(key);
            methods.Add(new JsonObject
            {
                ["id"] = id,
                ["type"] = "JsonWebKey",
                ["controller"] = issuer.Did,
                ["publicKeyJwk"] = CredentialKeys.PublicJwk(key),
            });
            assertion.Add(id);
        }
        return new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"),
            ["id"] = issuer.Did,
            ["verificationMethod"] = methods,
            ["assertionMethod"] = assertion,
        };
    }
}

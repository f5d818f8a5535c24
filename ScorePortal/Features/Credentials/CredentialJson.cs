using System.Globalization;
using System.Text.Json.Nodes;

namespace ScorePortal.Features.Credentials;

/// <summary>What one certificate's credential says: the facts on the certificate, the holder's name masked, no ID number.</summary>
public sealed record CertificateFacts(
    string MaskedName, string CertificateNumber, string QualificationCode, string QualificationName, string LevelName,
    string SessionCode, string SessionName, DateTimeOffset PassedAt);

/// <summary>
/// The JSON of an Open Badges 3.0 <c>OpenBadgeCredential</c> (W3C VC Data Model 2.0) and the names it is read back by.
/// The JSON-LD contexts are referenced by URL and never fetched: the portal and the verifier read the JSON as JSON.
/// The holder's name is in <c>credentialSubject.identifier</c> as an unhashed <c>IdentityObject</c> of type
/// <c>name</c> (masked: first character only), the certificate number as one of type <c>ext:CertificateNumber</c>.
/// </summary>
public static class CredentialJson
{
    public const string VcContext = "https://www.w3.org/ns/credentials/v2";
    public const string ObContext = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
    public const string NameIdentity = "name";
    public const string CertificateIdentity = "ext:CertificateNumber";

    public static string Timestamp(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Credential(CertificateFacts facts, Guid credentialId, CredentialIssuer issuer, string issuerName,
        int listNumber, int statusIndex, DateTimeOffset issuedAt)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(issuer);
        var index = statusIndex.ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["@context"] = new JsonArray(VcContext, ObContext),
            ["id"] = "urn:uuid:" + credentialId.ToString("D"),
            ["type"] = new JsonArray("VerifiableCredential", "OpenBadgeCredential"),
            ["issuer"] = new JsonObject { ["id"] = issuer.Did, ["type"] = new JsonArray("Profile"), ["name"] = issuerName, ["url"] = issuer.BaseUrl },
            ["validFrom"] = Timestamp(issuedAt),
            ["awardedDate"] = Timestamp(facts.PassedAt),
            ["name"] = facts.QualificationName,
            ["credentialSubject"] = new JsonObject
            {
                ["type"] = new JsonArray("AchievementSubject"),
                ["identifier"] = new JsonArray(
                    Identity(NameIdentity, facts.MaskedName),
                    Identity(CertificateIdentity, facts.CertificateNumber)),
                ["term"] = facts.SessionName,
                ["achievement"] = new JsonObject
                {
                    ["id"] = "urn:scoreportal:qualification:" + Uri.EscapeDataString(facts.QualificationCode),
                    ["type"] = new JsonArray("Achievement"),
                    ["achievementType"] = "Certificate",
                    ["humanCode"] = facts.QualificationCode,
                    ["name"] = facts.QualificationName,
                    ["specialization"] = facts.LevelName,
                    ["inLanguage"] = "zh-CN",
                    ["criteria"] = new JsonObject { ["narrative"] = "在成绩有效期内通过该资格的全部科目。All subjects of the qualification passed within the validity period of their scores." },
                },
            },
            ["credentialStatus"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = issuer.StatusListUrl(StatusBits.Revocation, listNumber) + "#" + index,
                    ["type"] = "BitstringStatusListEntry",
                    ["statusPurpose"] = StatusBits.Revocation,
                    ["statusListIndex"] = index,
                    ["statusListCredential"] = issuer.StatusListUrl(StatusBits.Revocation, listNumber),
                },
                new JsonObject
                {
                    ["id"] = issuer.StatusListUrl(StatusBits.Message, listNumber) + "#" + index,
                    ["type"] = "BitstringStatusListEntry",
                    ["statusPurpose"] = StatusBits.Message,
                    ["statusListIndex"] = index,
                    ["statusListCredential"] = issuer.StatusListUrl(StatusBits.Message, listNumber),
                    ["statusSize"] = 1,
                    ["statusMessage"] = new JsonArray(
                        new JsonObject { ["status"] = "0x0", ["message"] = "valid" },
                        new JsonObject { ["status"] = "0x1", ["message"] = "superseded" }),
                }),
        };
    }

    private static JsonObject Identity(string type, string value) => new()
    {
        ["type"] = "IdentityObject",
        ["identityHash"] = value,
        ["identityType"] = type,
        ["hashed"] = false,
    };
}

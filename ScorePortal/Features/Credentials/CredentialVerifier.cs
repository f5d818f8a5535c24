using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScorePortal.Features.Credentials;

/// <summary>The checks of <see cref="CredentialVerifier"/>, in the order they run.</summary>
public enum CredentialCheck
{
    /// <summary>Not a compact JWS with header alg ES256, typ vc+jwt, a kid, and a VC 2.0 OpenBadgeCredential as payload.</summary>
    Format,

    /// <summary>The kid is not a key of the issuer's DID document listed under assertionMethod (or the issuer is another DID).</summary>
    Key,

    /// <summary>The signature does not match the header and payload: the credential was changed after signing, or forged.</summary>
    Signature,

    /// <summary>Before validFrom or after validUntil.</summary>
    Validity,

    /// <summary>A status list the credential points to is missing, not signed by the issuer, or unreadable.</summary>
    StatusList,

    /// <summary>The bit in the revocation list is set: withdrawn by the holder or the batch was retracted.</summary>
    Revocation,

    /// <summary>The message list says "superseded": the figures behind it changed; ask the holder for the current credential.</summary>
    Message,
}

/// <summary>What a verified (or at least genuinely signed) credential says.</summary>
public sealed record CredentialSummary(string Issuer, string MaskedName, string CertificateNumber, string Qualification, string Level,
    string Session, DateTimeOffset? PassedAt, DateTimeOffset? ValidFrom);

/// <param name="Failed">The first check that failed; null when the credential is valid.</param>
/// <param name="Summary">The credential's facts once its signature holds (also when a later check fails); null before.</param>
public sealed record CredentialVerdict(CredentialCheck? Failed, CredentialSummary? Summary)
{
    public bool IsValid => Failed is null;
}

/// <summary>
/// Verifies a portal credential with nothing but what is handed in: the vc+jwt, the issuer's DID document (the bytes of
/// <c>/.well-known/did.json</c>) and the signed status lists by their URL. It fetches nothing and reads no context, so
/// a verifier can run it offline (docs/credentials.md, "Verifying offline"). Checks run in the order of
/// <see cref="CredentialCheck"/>; the first failure is the answer.
/// </summary>
public static class CredentialVerifier
{
    public static CredentialVerdict Verify(string? credential, string? didDocumentJson, IReadOnlyDictionary<string, string> statusLists, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(statusLists);
        var jws = Jose.Parse(credential);
        if (jws is null || !HeaderFits(jws.Header) || !IsOpenBadge(jws.Payload)) return new(CredentialCheck.Format, null);

        var did = ParseDid(didDocumentJson);
        var kid = Text(jws.Header["kid"])!;
        var issuer = jws.Payload["issuer"] is JsonObject profile ? Text(profile["id"]) : Text(jws.Payload["issuer"]);
        using var key = did is null || issuer != Text(did["id"]) || !kid.StartsWith(issuer + "#", StringComparison.Ordinal) ? null : AssertionKey(did, kid);
        if (key is null) return new(CredentialCheck.Key, null);
        if (!Verifies(key, jws)) return new(CredentialCheck.Signature, null);

        var summary = Summarize(jws.Payload, issuer!);
        var validUntil = Time(jws.Payload["validUntil"]);
        if (summary.ValidFrom is not { } from || from > now || (validUntil is { } until && until <= now)) return new(CredentialCheck.Validity, summary);

        foreach (var (purpose, failed) in new[] { (StatusBits.Revocation, CredentialCheck.Revocation), (StatusBits.Message, CredentialCheck.Message) })
        {
            var bit = StatusBit(jws.Payload, purpose, did!, issuer!, statusLists);
            if (bit is null) return new(CredentialCheck.StatusList, summary);
            if (bit.Value) return new(failed, summary);
        }
        return new(null, summary);
    }

    private static bool HeaderFits(JsonObject header) =>
        Text(header["alg"]) == Jose.Algorithm && Text(header["typ"]) == Jose.CredentialType && Text(header["kid"]) is { Length: > 0 }
        && Text(header["cty"]) is null or Jose.CredentialContentType;

    private static bool IsOpenBadge(JsonObject payload) =>
        payload["@context"] is JsonArray context && context.Count > 0 && Text(context[0]) == CredentialJson.VcContext
        && Types(payload["type"]).Contains("VerifiableCredential") && Types(payload["type"]).Contains("OpenBadgeCredential")
        && payload["credentialSubject"] is JsonObject;

    private static JsonObject? ParseDid(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The public key of <paramref name="kid"/> when the document lists it under assertionMethod.</summary>
    private static ECDsa? AssertionKey(JsonObject did, string kid)
    {
        var id = Text(did["id"]);
        string? Absolute(string? reference) => reference is not null && reference.StartsWith('#') ? id + reference : reference;
        JsonObject? method = null;
        var listed = false;
        foreach (var entry in did["assertionMethod"] as JsonArray ?? [])
        {
            if (entry is JsonObject embedded && Absolute(Text(embedded["id"])) == kid) (listed, method) = (true, embedded);
            else if (Absolute(Text(entry)) == kid) listed = true;
        }
        if (!listed) return null;
        method ??= (did["verificationMethod"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(m => Absolute(Text(m["id"])) == kid);
        return method is null ? null : Jose.FromJwk(method["publicKeyJwk"]);
    }

    private static bool Verifies(ECDsa key, CompactJws jws) =>
        jws.Signature.Length == 64
        && key.VerifyData(jws.SigningInput, jws.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>True/false for the bit, null when the list cannot be trusted or read.</summary>
    private static bool? StatusBit(JsonObject payload, string purpose, JsonObject did, string issuer, IReadOnlyDictionary<string, string> statusLists)
    {
        var entries = payload["credentialStatus"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject single => [single],
            _ => [],
        };
        var entry = entries.FirstOrDefault(e => Text(e["type"]) == "BitstringStatusListEntry" && Text(e["statusPurpose"]) == purpose);
        var url = entry is null ? null : Text(entry["statusListCredential"]);
        if (url is null || !long.TryParse(Text(entry!["statusListIndex"]), NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return null;
        if (!statusLists.TryGetValue(url, out var listText)) return null;

        var list = Jose.Parse(listText);
        if (list is null || !HeaderFits(list.Header) || Text(list.Payload["issuer"]) != issuer || Text(list.Payload["id"]) != url
            || !Types(list.Payload["type"]).Contains("BitstringStatusListCredential")) return null;
        var kid = Text(list.Header["kid"])!;
        if (!kid.StartsWith(issuer + "#", StringComparison.Ordinal)) return null;
        using (var key = AssertionKey(did, kid))
            if (key is null || !Verifies(key, list)) return null;
        if (list.Payload["credentialSubject"] is not JsonObject subject || Text(subject["statusPurpose"]) != purpose) return null;
        return StatusBits.Decode(Text(subject["encodedList"])) is { } bits ? StatusBits.IsSet(bits, index) : null;
    }

    private static CredentialSummary Summarize(JsonObject payload, string issuer)
    {
        var subject = (JsonObject)payload["credentialSubject"]!;
        var identities = (subject["identifier"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        string Identity(string type) => identities.Where(i => Text(i["identityType"]) == type).Select(i => Text(i["identityHash"])).FirstOrDefault() ?? "";
        var achievement = subject["achievement"] as JsonObject;
        return new CredentialSummary(issuer, Identity(CredentialJson.NameIdentity), Identity(CredentialJson.CertificateIdentity),
            Text(achievement?["name"]) ?? "", Text(achievement?["specialization"]) ?? "", Text(subject["term"]) ?? "",
            Time(payload["awardedDate"]), Time(payload["validFrom"]));
    }

    private static IEnumerable<string> Types(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(Text).OfType<string>(),
        JsonValue => Text(node) is { } single ? [single] : [],
        _ => [],
    };

    private static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(Text(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>A JSON string's value; null for anything else (a number, an object, missing).</summary>
    internal static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
}

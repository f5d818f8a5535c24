using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ScorePortal.Features.Credentials;

namespace ScorePortal.Tests.Features.Credentials;

/// <summary>
/// The offline verifier on its own: credentials and status lists signed here with the portal's own builders, checked
/// with nothing but the DID document and the lists, as a verifier without the portal would.
/// </summary>
public sealed class CredentialVerifierTests : IDisposable
{
    private static readonly CredentialIssuer Issuer = CredentialIssuer.For(new Uri("https://scores.example.org:8443"));
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly CertificateFacts Facts = new("王*", "RK20260601000042", "SA", "系统架构设计师", "高级", "2026H1", "2026年上半年", Now.AddMonths(-5));

    private readonly ECDsa _first = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _second = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly CredentialSigningKey _firstKey;
    private readonly CredentialSigningKey _secondKey;

    public CredentialVerifierTests()
    {
        _firstKey = Row(1, _first);
        _secondKey = Row(2, _second);
    }

    [Fact]
    public void Issuer_is_did_web_of_the_host_with_the_port_percent_encoded()
    {
        Assert.Equal("did:web:scores.example.org%3A8443", Issuer.Did);
        Assert.Equal("did:web:scores.example.org", CredentialIssuer.For(new Uri("https://scores.example.org/some/path")).Did);
        Assert.Equal("https://scores.example.org:8443/credentials/status/revocation-1", Issuer.StatusListUrl(StatusBits.Revocation, 1));
    }

    [Fact]
    public void A_signed_credential_verifies_with_the_did_document_and_the_status_lists_alone()
    {
        var credential = Sign(_firstKey, _first, index: 4711);

        var verdict = Verify(credential, Did(_firstKey), Lists(_firstKey, _first));

        Assert.True(verdict.IsValid, verdict.Failed?.ToString());
        Assert.Equal("王*", verdict.Summary!.MaskedName);
        Assert.Equal("RK20260601000042", verdict.Summary.CertificateNumber);
        Assert.Equal("系统架构设计师", verdict.Summary.Qualification);
        Assert.Equal("高级", verdict.Summary.Level);
        Assert.Equal("2026年上半年", verdict.Summary.Session);
        Assert.Equal(Issuer.Did, verdict.Summary.Issuer);

        // VC-JOSE: the header as the specification names it, the credential itself as the claims set.
        var jws = Jose.Parse(credential)!;
        Assert.Equal("ES256", (string?)jws.Header["alg"]);
        Assert.Equal("vc+jwt", (string?)jws.Header["typ"]);
        Assert.Equal("vc", (string?)jws.Header["cty"]);
        Assert.Equal(Issuer.Did + "#key-1", (string?)jws.Header["kid"]);
        Assert.Null(jws.Payload["vc"]);
        Assert.Equal("https://www.w3.org/ns/credentials/v2", (string?)jws.Payload["@context"]![0]);
        Assert.Equal("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", (string?)jws.Payload["@context"]![1]);
        Assert.Equal("AchievementSubject", (string?)jws.Payload["credentialSubject"]!["type"]![0]);
        var status = jws.Payload["credentialStatus"]!.AsArray();
        Assert.Equal(["revocation", "message"], status.Select(s => (string?)s!["statusPurpose"]));
        Assert.All(status, s => Assert.Equal("4711", (string?)s!["statusListIndex"]));
        Assert.Equal("superseded", (string?)status[1]!["statusMessage"]![1]!["message"]);
    }

    [Fact]
    public void A_changed_payload_fails_at_the_signature()
    {
        var credential = Sign(_firstKey, _first, index: 12);
        var parts = credential.Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("王*", "李*", StringComparison.Ordinal);
        var tampered = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload)) + "." + parts[2];

        var verdict = Verify(tampered, Did(_firstKey), Lists(_firstKey, _first));

        Assert.Equal(CredentialCheck.Signature, verdict.Failed);
        Assert.Null(verdict.Summary);
    }

    [Fact]
    public void Something_that_is_no_vc_jwt_fails_at_the_format()
    {
        Assert.Equal(CredentialCheck.Format, Verify("not a credential", Did(_firstKey), Lists(_firstKey, _first)).Failed);
        // A plain JWT (typ JWT) of the same content is not accepted as a credential.
        var payload = CredentialJson.Credential(Facts, Guid.NewGuid(), Issuer, "Portal", 1, 3, Now.AddDays(-1));
        var header = Base64Url.EncodeToString("""{"alg":"ES256","typ":"JWT","kid":"did:web:scores.example.org%3A8443#key-1"}"""u8);
        var body = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = Base64Url.EncodeToString(_first.SignData(Encoding.ASCII.GetBytes(header + "." + body), HashAlgorithmName.SHA256));
        Assert.Equal(CredentialCheck.Format, Verify(header + "." + body + "." + signature, Did(_firstKey), Lists(_firstKey, _first)).Failed);
    }

    [Fact]
    public void A_set_revocation_bit_fails_at_revocation_and_a_set_message_bit_says_superseded()
    {
        var credential = Sign(_firstKey, _first, index: 131_071);

        var revoked = Verify(credential, Did(_firstKey), Lists(_firstKey, _first, revoked: [131_071]));
        Assert.Equal(CredentialCheck.Revocation, revoked.Failed);
        Assert.Equal("RK20260601000042", revoked.Summary!.CertificateNumber);

        var superseded = Verify(credential, Did(_firstKey), Lists(_firstKey, _first, superseded: [131_071]));
        Assert.Equal(CredentialCheck.Message, superseded.Failed);

        // Other positions set change nothing for this one.
        Assert.True(Verify(credential, Did(_firstKey), Lists(_firstKey, _first, revoked: [0, 131_070], superseded: [5])).IsValid);
    }

    [Fact]
    public void A_missing_or_foreign_status_list_fails_at_the_status_list()
    {
        var credential = Sign(_firstKey, _first, index: 99);
        Assert.Equal(CredentialCheck.StatusList, Verify(credential, Did(_firstKey), new Dictionary<string, string>()).Failed);

        // Signed by a key the issuer does not list.
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(CredentialCheck.StatusList, Verify(credential, Did(_firstKey), Lists(_firstKey, stranger)).Failed);
    }

    [Fact]
    public void A_credential_signed_by_a_rotated_key_verifies_while_the_key_is_listed_and_fails_at_the_key_once_it_is_not()
    {
        var old = Sign(_firstKey, _first, index: 7);
        var fresh = Sign(_secondKey, _second, index: 8);
        var bothListed = Did(_firstKey, _secondKey);
        var lists = Lists(_secondKey, _second);

        Assert.True(Verify(old, bothListed, lists).IsValid);
        Assert.True(Verify(fresh, bothListed, lists).IsValid);

        var onlyNew = Did(_secondKey);
        Assert.Equal(CredentialCheck.Key, Verify(old, onlyNew, lists).Failed);
        Assert.True(Verify(fresh, onlyNew, lists).IsValid);
    }

    [Fact]
    public void A_key_outside_assertion_method_or_another_issuer_fails_at_the_key()
    {
        var credential = Sign(_firstKey, _first, index: 1);
        var document = Did(_firstKey);
        var notForAssertions = JsonNode.Parse(document)!.AsObject();
        notForAssertions["assertionMethod"] = new JsonArray();
        Assert.Equal(CredentialCheck.Key, Verify(credential, notForAssertions.ToJsonString(), Lists(_firstKey, _first)).Failed);

        var otherIssuer = CredentialIssuer.For(new Uri("https://elsewhere.example.org"));
        Assert.Equal(CredentialCheck.Key, Verify(credential, DidDocument.Build(otherIssuer, [_firstKey]).ToJsonString(), Lists(_firstKey, _first)).Failed);
    }

    [Fact]
    public void A_credential_before_its_valid_from_fails_at_the_validity()
    {
        var credential = Sign(_firstKey, _first, index: 2, issuedAt: Now.AddDays(2));
        Assert.Equal(CredentialCheck.Validity, Verify(credential, Did(_firstKey), Lists(_firstKey, _first)).Failed);
    }

    [Fact]
    public void The_encoded_list_is_gzip_base64url_multibase_of_131072_bits_left_to_right()
    {
        var encoded = StatusBits.Encode([0, 9, 131_071]);
        Assert.StartsWith("u", encoded);
        var bits = StatusBits.Decode(encoded)!;
        Assert.Equal(16_384, bits.Length);
        Assert.Equal(0x80, bits[0]);
        Assert.Equal(0x40, bits[1]);
        Assert.Equal(0x01, bits[^1]);
        Assert.Null(StatusBits.Decode("zabc"));
    }

    private static CredentialVerdict Verify(string credential, string did, IReadOnlyDictionary<string, string> lists) =>
        CredentialVerifier.Verify(credential, did, lists, Now);

    private static string Sign(CredentialSigningKey row, ECDsa key, int index, DateTimeOffset? issuedAt = null) =>
        Jose.Sign(CredentialJson.Credential(Facts, Guid.NewGuid(), Issuer, "Portal", 1, index, issuedAt ?? Now.AddDays(-1)), Issuer.KeyId(row), key);

    private static string Did(params CredentialSigningKey[] keys) => DidDocument.Build(Issuer, keys).ToJsonString();

    /// <summary>The two lists of list number 1, signed with <paramref name="key"/> under <paramref name="row"/>'s id.</summary>
    private static Dictionary<string, string> Lists(CredentialSigningKey row, ECDsa key, int[]? revoked = null, int[]? superseded = null) => new()
    {
        [Issuer.StatusListUrl(StatusBits.Revocation, 1)] = List(StatusBits.Revocation, revoked ?? [], row, key),
        [Issuer.StatusListUrl(StatusBits.Message, 1)] = List(StatusBits.Message, superseded ?? [], row, key),
    };

    private static string List(string purpose, int[] set, CredentialSigningKey row, ECDsa key)
    {
        var url = Issuer.StatusListUrl(purpose, 1);
        return Jose.Sign(new JsonObject
        {
            ["@context"] = new JsonArray(CredentialJson.VcContext),
            ["id"] = url,
            ["type"] = new JsonArray("VerifiableCredential", "BitstringStatusListCredential"),
            ["issuer"] = Issuer.Did,
            ["validFrom"] = CredentialJson.Timestamp(Now),
            ["credentialSubject"] = new JsonObject
            {
                ["id"] = url + "#list", ["type"] = "BitstringStatusList", ["statusPurpose"] = purpose, ["encodedList"] = StatusBits.Encode(set),
            },
        }, Issuer.KeyId(row), key);
    }

    private static CredentialSigningKey Row(int id, ECDsa key) =>
        new() { Id = id, PublicJwk = Jose.PublicJwk(key).ToJsonString(), CreatedAt = Now };

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}

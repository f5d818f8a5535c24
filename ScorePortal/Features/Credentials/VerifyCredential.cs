using System.Text.Json.Nodes;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Credentials;

public sealed record VerifyCredentialRequest(string? Credential, CredentialIssuer Issuer, string? SourceIp);

/// <summary>
/// The public check of a pasted or uploaded credential (/verify/credential): the same <see cref="CredentialVerifier"/>
/// an offline verifier runs, handed this portal's DID document and the status lists the credential names (read here,
/// not over HTTP; a list of another address is not fetched and fails as "status list"). Every check is audited with its
/// outcome only, never the credential's content.
/// </summary>
public sealed class VerifyCredential(CredentialKeys keys, StatusLists lists, AuditLog audit, TimeProvider time)
{
    /// <summary>The largest credential accepted (64 KB): a portal credential is about 2 KB.</summary>
    public const int MaxBytes = 64 * 1024;

    public async Task<CredentialVerdict> HandleAsync(VerifyCredentialRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var did = DidDocument.Build(request.Issuer, await keys.ListedAsync(ct)).ToJsonString();
        var statusLists = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Jose.Parse(request.Credential)?.Payload["credentialStatus"] is JsonArray entries)
        {
            var prefix = request.Issuer.BaseUrl + CredentialIssuer.StatusPath;
            foreach (var url in entries.OfType<JsonObject>().Select(e => CredentialVerifier.Text(e["statusListCredential"])).OfType<string>().Distinct().Take(4))
            {
                if (!url.StartsWith(prefix, StringComparison.Ordinal)) continue;
                if (await lists.SignedAsync(request.Issuer, url[prefix.Length..], ct) is { } signed) statusLists[url] = signed;
            }
        }
        var verdict = CredentialVerifier.Verify(request.Credential, did, statusLists, time.GetUtcNow());
        await audit.WriteAsync(new AuditRecord(AuditActions.CredentialVerify, SourceIp: request.SourceIp,
            Data: new Dictionary<string, string?> { ["result"] = verdict.Failed?.ToString() ?? "valid" }), CancellationToken.None);
        return verdict;
    }
}

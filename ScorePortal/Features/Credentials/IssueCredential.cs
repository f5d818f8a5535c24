using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Credentials;

public sealed record IssueCredentialRequest(string UserId, int CertificateId, CredentialIssuer Issuer, string? SourceIp);

public abstract record IssueCredentialOutcome
{
    /// <summary>Not a live certificate of the signed-in candidate (another's, revoked, unknown): one answer for all.</summary>
    public sealed record NotFound : IssueCredentialOutcome;

    public sealed record Issued(int CredentialId, string CertificateNumber, string Jws, bool Reused) : IssueCredentialOutcome
    {
        public string FileName => $"credential-{CertificateNumber}.jwt";
    }
}

/// <summary>
/// Hands the candidate the verifiable credential of one of their own live certificates: the one already issued while it
/// is valid (same signature, same status position), else a new one signed by the current key at a fresh random
/// status position. The credential carries the masked name, never the ID number or anything derived from it.
/// </summary>
public sealed class IssueCredential(IDbContextFactory<ScorePortalDbContext> dbFactory, CredentialKeys keys, IOptions<CredentialOptions> options,
    AuditLog audit, TimeProvider time, ILogger<IssueCredential> logger)
{
    // A double click arrives twice at once: both must find one credential (striped per certificate, as reports are).
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<IssueCredentialOutcome> HandleAsync(IssueCredentialRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var stripe = _stripes[(uint)request.CertificateId % (uint)_stripes.Length];
        await stripe.WaitAsync(ct);
        try
        {
            return await IssueOrReuseAsync(request, ct);
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task<IssueCredentialOutcome> IssueOrReuseAsync(IssueCredentialRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var certificate = await db.QualificationOutcomes.AsNoTracking()
            .Where(o => o.Id == request.CertificateId && o.RevokedAt == null && o.Candidate.UserId == request.UserId
                        && o.PassedInSession.PublishedAt != null)
            .Select(o => new
            {
                o.Id, o.CandidateId, o.CertificateNumber,
                QualificationCode = o.Qualification.Code, QualificationName = o.Qualification.NameZh, LevelName = o.Qualification.Level.NameZh,
                SessionCode = o.PassedInSession.Code, SessionName = o.PassedInSession.NameZh, o.PassedInSession.ReleaseAt,
            })
            .FirstOrDefaultAsync(ct);
        // Released: compared here, SQLite cannot compare DateTimeOffset values in a query.
        if (certificate is null || certificate.ReleaseAt > now) return new IssueCredentialOutcome.NotFound();

        var existing = await db.IssuedCredentials.AsNoTracking()
            .Where(c => c.QualificationOutcomeId == certificate.Id && c.Status == CredentialStatus.Valid)
            .OrderByDescending(c => c.Id).FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            await db.IssuedCredentials.Where(c => c.Id == existing.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.DownloadCount, c => c.DownloadCount + 1), ct);
            await AuditAsync(AuditActions.CredentialDownload, request, existing.Id);
            return new IssueCredentialOutcome.Issued(existing.Id, certificate.CertificateNumber, existing.Jws, Reused: true);
        }

        var name = (await db.Candidates.AsNoTracking().FirstAsync(c => c.Id == certificate.CandidateId, ct)).Name;
        var facts = new CertificateFacts(CandidateIdentity.MaskName(name), certificate.CertificateNumber, certificate.QualificationCode,
            certificate.QualificationName, certificate.LevelName, certificate.SessionCode, certificate.SessionName, certificate.ReleaseAt);
        var key = await keys.SigningKeyAsync(ct);
        IssuedCredential issued = null!;
        // Two issues drawing the same free position: the unique index refuses the second, which draws again.
        for (var attempt = 0; ; attempt++)
        {
            var (list, index) = await StatusLists.AllocateAsync(db, ct);
            var credentialId = Guid.NewGuid();
            var payload = CredentialJson.Credential(facts, credentialId, request.Issuer, options.Value.IssuerName, list, index, now);
            using (var ecdsa = CredentialKeys.Open(key))
            {
                issued = new IssuedCredential
                {
                    CredentialId = credentialId,
                    QualificationOutcomeId = certificate.Id,
                    CandidateId = certificate.CandidateId,
                    SigningKeyId = key.Id,
                    ListNumber = list,
                    StatusIndex = index,
                    Status = CredentialStatus.Valid,
                    IssuedAt = now,
                    DownloadCount = 1,
                    Jws = Jose.Sign(payload, request.Issuer.KeyId(key), ecdsa),
                };
            }
            db.IssuedCredentials.Add(issued);
            try
            {
                await db.SaveChangesAsync(ct);
                break;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
        logger.LogInformation("Credential {CredentialRowId} issued for certificate {CertificateId} (list {List})", issued.Id, certificate.Id, issued.ListNumber);
        await AuditAsync(AuditActions.CredentialIssue, request, issued.Id);
        return new IssueCredentialOutcome.Issued(issued.Id, certificate.CertificateNumber, issued.Jws, Reused: false);
    }

    private Task AuditAsync(string action, IssueCredentialRequest request, int credentialRowId) =>
        audit.WriteAsync(new AuditRecord(action, ActorUserId: request.UserId, ActorRole: Roles.Candidate,
            TargetType: "credential", TargetId: credentialRowId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            SourceIp: request.SourceIp,
            Data: new Dictionary<string, string?> { ["certificateId"] = request.CertificateId.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            CancellationToken.None).AsTask();
}

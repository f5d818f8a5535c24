using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Credentials;

public sealed record RevokeCredentialRequest(string UserId, int CredentialRowId, string? SourceIp);

/// <summary>
/// The holder withdraws a credential (handed to the wrong party, lost): its bit in the revocation list is set and every
/// verifier that reads the list from then on sees "revoked". Only a valid credential of their own; anything else is
/// "not found". A new download afterwards issues a new credential at a new position.
/// </summary>
public sealed class RevokeCredential(IDbContextFactory<ScorePortalDbContext> dbFactory, StatusLists lists, AuditLog audit, TimeProvider time)
{
    public async Task<bool> HandleAsync(RevokeCredentialRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var revoked = await db.IssuedCredentials
            .Where(c => c.Id == request.CredentialRowId && c.Candidate.UserId == request.UserId && c.Status == CredentialStatus.Valid)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, CredentialStatus.Revoked).SetProperty(c => c.EndedAt, now), ct);
        if (revoked != 1) return false;
        await lists.ChangedAsync();
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.CredentialRevoke, ActorUserId: request.UserId, ActorRole: Roles.Candidate,
            TargetType: "credential", TargetId: request.CredentialRowId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            SourceIp: request.SourceIp), CancellationToken.None);
        return true;
    }
}

using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;

namespace ScorePortal.Features.Credentials;

/// <summary>
/// Sets the status bits of credentials whose certificate a result change touches, inside the transaction of the
/// change (<see cref="IResultChangedInTransaction"/>, as the report register does: a credential never shows valid in a
/// list built after the commit): a retracted batch revokes the credentials of its candidates (revocation list); a
/// review decision marks the candidate's credentials superseded, and so does a publication for a candidate whose
/// figures it replaces (a new version of a batch) or whose certificate it took away (message list). A first
/// publication of another session leaves an earlier certificate's credential alone: its facts did not change.
/// Running it twice changes nothing more.
/// </summary>
public sealed class CredentialStatusChanges : IResultChangedInTransaction
{
    public async Task OnResultChangedAsync(ScorePortalDbContext db, ResultChanged change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(change);
        var valid = db.IssuedCredentials.Where(c => c.Status == CredentialStatus.Valid);
        switch (change.Kind)
        {
            case ResultChangeKind.ReviewDecided:
                await Mark(valid.Where(c => c.CandidateId == change.CandidateId), CredentialStatus.Superseded, change.At, cancellationToken);
                break;
            case ResultChangeKind.Retracted:
                await Mark(valid.Where(c => db.SubjectScores.Any(s => s.ResultBatchId == change.BatchId && s.Registration.CandidateId == c.CandidateId)),
                    CredentialStatus.Revoked, change.At, cancellationToken);
                break;
            default:
                var correction = await db.ResultBatches.AnyAsync(b => b.Id == change.BatchId && b.SupersedesBatchId != null, cancellationToken);
                var touched = valid.Where(c => db.SubjectScores.Any(s => s.ResultBatchId == change.BatchId && s.Registration.CandidateId == c.CandidateId));
                await Mark(correction ? touched : touched.Where(c => c.QualificationOutcome.RevokedAt != null),
                    CredentialStatus.Superseded, change.At, cancellationToken);
                break;
        }
    }

    private static Task<int> Mark(IQueryable<IssuedCredential> credentials, CredentialStatus status, DateTimeOffset at, CancellationToken ct) =>
        credentials.ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, status).SetProperty(c => c.EndedAt, at), ct);
}

/// <summary>After a result change committed: the cached status lists are dropped so the new bits are served at once.</summary>
public sealed class CredentialStatusCache(StatusLists lists) : IResultChangedSubscriber
{
    public async Task OnResultChangedAsync(ResultChanged change, CancellationToken cancellationToken) => await lists.ChangedAsync();
}

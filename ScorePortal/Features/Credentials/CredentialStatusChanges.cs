using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;

namespace ScorePortal.Features.Credentials;

/// <summary>
/// Sets the status bits of credentials whose certificate a result change touches, inside the transaction of the
/// change (<see cref="IResultChangedInTransaction"/>, as the report register does: a credential never shows valid in a
/// list built after the commit). Touched are the credentials of the change's candidates (everyone with a score in the
/// batch, or the review's candidate) whose certificate was passed in the changed session, or which the recomputation
/// that ran just before in the same transaction (<see cref="Outcomes"/>) took away. A retraction sets their
/// revocation bit; a review decision, or the publication of a new version of a batch, marks them superseded (message
/// list). A first publication marks only the credentials whose certificate it took away: a certificate of another
/// session keeps its credential, its facts did not change. Running it twice changes nothing more.
/// </summary>
public sealed class CredentialStatusChanges : IResultChangedInTransaction
{
    public async Task OnResultChangedAsync(ScorePortalDbContext db, ResultChanged change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(change);
        var valid = db.IssuedCredentials.Where(c => c.Status == CredentialStatus.Valid);
        var candidates = change.Kind == ResultChangeKind.ReviewDecided
            ? valid.Where(c => c.CandidateId == change.CandidateId)
            : valid.Where(c => db.SubjectScores.Any(s => s.ResultBatchId == change.BatchId && s.Registration.CandidateId == c.CandidateId));
        var gone = candidates.Where(c => c.QualificationOutcome.RevokedAt != null);
        var ofSession = candidates.Where(c => c.QualificationOutcome.RevokedAt != null || c.QualificationOutcome.PassedInSessionId == change.SessionId);
        switch (change.Kind)
        {
            case ResultChangeKind.Retracted:
                await Mark(ofSession, CredentialStatus.Revoked, change.At, cancellationToken);
                break;
            case ResultChangeKind.ReviewDecided:
                await Mark(ofSession, CredentialStatus.Superseded, change.At, cancellationToken);
                break;
            default:
                var correction = await db.ResultBatches.AnyAsync(b => b.Id == change.BatchId && b.SupersedesBatchId != null, cancellationToken);
                await Mark(correction ? ofSession : gone, CredentialStatus.Superseded, change.At, cancellationToken);
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

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Limits;
using ScorePortal.Security;

namespace ScorePortal.Features.Enterprises.Consents;

/// <param name="EmployeeId">As typed; normalized here (<see cref="EmployeeIds.Normalize"/>).</param>
/// <param name="ExpiresOn">The last day the consent holds (China time), see <see cref="ConsentDates"/>.</param>
/// <param name="Agreed">The separate agreement (PIPL art. 23), ticked by the candidate for this consent.</param>
public sealed record GrantConsentRequest(string UserId, int EnterpriseId, string? EmployeeId, IReadOnlyCollection<int> QualificationIds,
    DateOnly? ExpiresOn, bool Agreed, string? SourceIp);

public abstract record GrantConsentOutcome
{
    public sealed record Granted(int ConsentId) : GrantConsentOutcome;

    /// <summary>Input to fix; resource keys.</summary>
    public sealed record Invalid(IReadOnlyList<string> ErrorKeys) : GrantConsentOutcome;

    /// <summary>Well-formed but not granted (the employee id is held, too many attempts, …); a resource key.</summary>
    public sealed record Refused(string MessageKey) : GrantConsentOutcome;
}

/// <summary>
/// A candidate grants an enterprise access to the results of chosen qualifications under the employee id that
/// enterprise uses, until a chosen day. The caller has checked the second verification (<c>StepUpPurposes.Consents</c>).
/// <para>
/// One open consent per (enterprise, employee id), held by the unique filtered index over <c>ClosedAt IS NULL</c>: an
/// active one refuses the claim without saying whose it is; an expired one is closed and the new one granted in one
/// transaction; two grants racing for the same pair meet at the index, and the loser gets the same refusal. Every
/// attempt that gets this far counts towards a per-account limit (a refusal tells that an id is held, so guessing ids
/// must stay slow) and is audited by ids only.
/// </para>
/// </summary>
public sealed class GrantConsent(IDbContextFactory<ScorePortalDbContext> dbFactory, ConsentChoices choices, ILimitsStore limits,
    IOptions<ConsentOptions> options, AuditLog audit, TimeProvider time, ILogger<GrantConsent> logger)
{
    public const string EmployeeIdRequired = "Consents.Error.EmployeeIdRequired";
    public const string EmployeeIdInvalid = "Consents.Error.EmployeeIdInvalid";
    public const string QualificationsRequired = "Consents.Error.QualificationsRequired";
    public const string ExpiryRequired = "Consents.Error.ExpiryRequired";
    public const string ExpiryOutOfRange = "Consents.Error.ExpiryOutOfRange";
    public const string AgreementRequired = "Consents.Error.AgreementRequired";
    public const string QualificationNotYours = "Consents.Error.QualificationNotYours";
    public const string EmployeeIdTaken = "Consents.Error.EmployeeIdTaken";
    public const string AlreadyGranted = "Consents.Error.AlreadyGranted";
    public const string EnterpriseUnavailable = "Consents.Error.EnterpriseUnavailable";
    public const string NotLinked = "Consents.Error.NotLinked";
    public const string TooManyAttempts = "Consents.Error.TooManyAttempts";

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>The form's own checks, before the second verification is asked for: nothing here reads the database.</summary>
    public static IReadOnlyList<string> Validate(GrantConsentRequest request, DateTimeOffset now, out string? employeeId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<string>();
        employeeId = EmployeeIds.Normalize(request.EmployeeId);
        if (string.IsNullOrWhiteSpace(request.EmployeeId)) errors.Add(EmployeeIdRequired);
        else if (employeeId is null) errors.Add(EmployeeIdInvalid);
        if (request.QualificationIds is not { Count: > 0 }) errors.Add(QualificationsRequired);
        if (request.ExpiresOn is not { } day) errors.Add(ExpiryRequired);
        else if (!ConsentDates.IsAllowed(day, now)) errors.Add(ExpiryOutOfRange);
        if (!request.Agreed) errors.Add(AgreementRequired);
        return errors;
    }

    public async Task<GrantConsentOutcome> HandleAsync(GrantConsentRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var errors = Validate(request, now, out var employeeId);
        if (errors.Count > 0) return new GrantConsentOutcome.Invalid(errors);

        var perHour = options.Value.GrantsPerAccountPerHour;
        if (perHour > 0 && !(await limits.HitAsync("consent:grant:account:" + request.UserId, Hour, perHour)).Counted)
        {
            await AuditAsync(request, null, "limited");
            return new GrantConsentOutcome.Refused(TooManyAttempts);
        }

        var candidate = await choices.CandidateAsync(request.UserId, ct);
        if (candidate is null) return new GrantConsentOutcome.Refused(NotLinked);
        var qualificationIds = request.QualificationIds.Distinct().Order().ToList();
        if (qualificationIds.Any(id => candidate.Qualifications.All(q => q.Id != id)))
            return new GrantConsentOutcome.Invalid([QualificationNotYours]);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Enterprises.AnyAsync(e => e.Id == request.EnterpriseId && e.SuspendedAt == null, ct))
        {
            await AuditAsync(request, null, "enterprise-unavailable");
            return new GrantConsentOutcome.Refused(EnterpriseUnavailable);
        }

        var open = await OpenConsentAsync(db, request.EnterpriseId, employeeId!, ct);
        if (open is not null && open.RevokedAt is null && now < open.ExpiresAt)
            return await RefuseHeldAsync(request, open.CandidateId == candidate.CandidateId);

        var consent = new Consent
        {
            CandidateId = candidate.CandidateId,
            EnterpriseId = request.EnterpriseId,
            EmployeeId = employeeId!,
            Fields = ConsentFields.AllText,
            GrantedAt = now,
            ExpiresAt = ConsentDates.EndOf(request.ExpiresOn!.Value),
        };
        foreach (var id in qualificationIds) consent.Qualifications.Add(new ConsentQualification { QualificationId = id });
        int? replaced = null;
        try
        {
            await db.InTransactionAsync(async (tx, ct) =>
            {
                replaced = null;
                if (open is not null)
                {
                    // The expired consent stops holding the id in the same commit that gives it to the new one.
                    var closed = await db.Consents.Where(c => c.Id == open.Id && c.ClosedAt == null && c.ExpiresAt <= now)
                        .ExecuteUpdateAsync(set => set.SetProperty(c => c.ClosedAt, now), ct);
                    if (closed == 1) replaced = open.Id;
                }
                db.Consents.Add(consent);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }, async ct => await db.Consents.AsNoTracking().AnyAsync(c => c.Id == consent.Id && c.CandidateId == consent.CandidateId
                                                                           && c.EnterpriseId == consent.EnterpriseId && c.EmployeeId == consent.EmployeeId, ct),
                ct); // granted: a second run would insert it again and answer "held"
        }
        catch (DbUpdateException ex) when (!SqliteRetryingExecutionStrategy.IsTransient(ex))
        {
            // Another grant for the same (enterprise, employee id) committed between the check and this insert.
            db.ChangeTracker.Clear();
            var winner = await OpenConsentAsync(db, request.EnterpriseId, employeeId!, CancellationToken.None);
            if (winner is null) throw;
            return await RefuseHeldAsync(request, winner.CandidateId == candidate.CandidateId);
        }

        logger.LogInformation("Consent {ConsentId} granted by candidate {CandidateId} to enterprise {EnterpriseId}",
            consent.Id, candidate.CandidateId, request.EnterpriseId);
        await AuditAsync(request, consent.Id, "granted", qualificationIds, replaced);
        return new GrantConsentOutcome.Granted(consent.Id);
    }

    private static Task<OpenConsent?> OpenConsentAsync(ScorePortalDbContext db, int enterpriseId, string employeeId, CancellationToken ct) =>
        db.Consents.AsNoTracking()
            .Where(c => c.EnterpriseId == enterpriseId && c.EmployeeId == employeeId && c.ClosedAt == null)
            .Select(c => new OpenConsent(c.Id, c.CandidateId, c.ExpiresAt, c.RevokedAt))
            .FirstOrDefaultAsync(ct);

    private sealed record OpenConsent(int Id, int CandidateId, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt);

    /// <summary>
    /// The id is held by an active consent. Whose it is stays unsaid, except to its own holder (who sees it in their
    /// list anyway): "already yours" tells nobody else anything.
    /// </summary>
    private async Task<GrantConsentOutcome> RefuseHeldAsync(GrantConsentRequest request, bool own)
    {
        await AuditAsync(request, null, own ? "already-granted" : "employee-id-held");
        return new GrantConsentOutcome.Refused(own ? AlreadyGranted : EmployeeIdTaken);
    }

    private Task AuditAsync(GrantConsentRequest request, int? consentId, string result, IReadOnlyList<int>? qualifications = null, int? replaced = null)
    {
        var data = new Dictionary<string, string?>
        {
            ["result"] = result,
            ["enterprise"] = request.EnterpriseId.ToString(CultureInfo.InvariantCulture),
        };
        if (qualifications is not null) data["qualifications"] = string.Join(',', qualifications);
        if (replaced is not null) data["closedExpired"] = replaced.Value.ToString(CultureInfo.InvariantCulture);
        return audit.WriteDurableAsync(new AuditRecord(AuditActions.ConsentGrant, ActorUserId: request.UserId, ActorRole: Roles.Candidate,
            TargetType: consentId is null ? "enterprise" : "consent",
            TargetId: (consentId ?? request.EnterpriseId).ToString(CultureInfo.InvariantCulture),
            SourceIp: request.SourceIp, Data: data), CancellationToken.None);
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Account.Admin;
using ScorePortal.Data;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Privacy;

/// <param name="SubjectUserId">The account found (<see cref="PrivacyRequestFind"/>), or null.</param>
/// <param name="SubjectCandidateId">The record found, or null.</param>
/// <param name="Reason">Why (the paper request's reference, how the person was identified): required, audited.</param>
/// <param name="Culture">The language of the PDF: the person's, as the admin chooses.</param>
public sealed record PrivacyRequestExportRequest(string? SubjectUserId, int? SubjectCandidateId, string? Reason, string? Culture, AccountActor Actor);

/// <summary>
/// An admin answers a request for a copy made on paper: the same copy as <c>/me/data</c> (JSON + PDF), with the ID
/// number masked (docs/data-copy.md), prepared at once and downloadable by that admin for
/// <see cref="DataCopyOptions.LinkLifetime"/>. It needs a reason and the admin's fresh authenticator code like every
/// admin change; the reason is written to the audit log with the subject's ids.
/// </summary>
public sealed class PrivacyRequestExport(IServiceScopeFactory scopes, AuditLog audit, DataCopyPreparer preparer, DataCopySignal signal,
    IOptions<DataCopyOptions> options, TimeProvider time)
{
    public const int ReasonMaxLength = 500;

    public async Task<AccountAdminResult> HandleAsync(PrivacyRequestExportRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length == 0) return AccountAdminResult.Refused("PrivacyRequests.Error.ReasonRequired", "Reason");
        if (reason.Length > ReasonMaxLength) return AccountAdminResult.Refused("PrivacyRequests.Error.ReasonTooLong", "Reason");
        if (request.SubjectUserId is null && request.SubjectCandidateId is null) return AccountAdminResult.Refused(AccountAdminErrors.NotFound);

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        if (await ActingAdmin.CheckAsync(users, audit, request.Actor, AuditActions.PrivacyExportForRequest, request.SubjectUserId) is { } denied)
            return AccountAdminResult.Refused(denied, "Code");

        // The two halves must still be what was found (a link released meanwhile makes a new search necessary).
        if (request.SubjectUserId is { } userId && !await db.Users.AnyAsync(u => u.Id == userId, ct))
            return AccountAdminResult.Refused(AccountAdminErrors.NotFound);
        if (request.SubjectCandidateId is { } candidateId
            && !await db.Candidates.AnyAsync(c => c.Id == candidateId && (request.SubjectUserId == null || c.UserId == null || c.UserId == request.SubjectUserId), ct))
            return AccountAdminResult.Refused(AccountAdminErrors.NotFound);

        var now = time.GetUtcNow();
        var copy = new DataCopy
        {
            SubjectUserId = request.SubjectUserId,
            SubjectCandidateId = request.SubjectCandidateId,
            RequestedByUserId = request.Actor.UserId!,
            ForRequest = true,
            Culture = request.Culture == LocalizationExtensions.EnglishCulture ? LocalizationExtensions.EnglishCulture : LocalizationExtensions.DefaultCulture,
            Status = DataCopyStatus.Preparing,
            RequestedAt = now,
            RemoveAt = now + options.Value.KeepFor,
        };
        db.Add(copy);
        await db.SaveChangesAsync(ct);
        var id = copy.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.PrivacyExportForRequest, request.Actor.UserId, Roles.Admin, "data-copy", id,
            Data: new Dictionary<string, string?>
            {
                ["result"] = "success",
                ["reason"] = reason,
                ["subjectUser"] = request.SubjectUserId,
                ["subjectCandidate"] = request.SubjectCandidateId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }), CancellationToken.None);

        // One person's data: prepared while the admin waits; should it fail, the worker tries again.
        if (!await preparer.PrepareAsync(copy.Id, ct)) signal.Wake();
        return new AccountAdminResult([], request.SubjectUserId);
    }
}

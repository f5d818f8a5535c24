using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;

namespace ScorePortal.Features.Me;

/// <summary>What an admin sees of a record when settling a disputed link: masked, never the full name or ID.</summary>
public sealed record RecordLinkView(int CandidateId, string MaskedName, string MaskedIdNumber, string? LinkedAccountEmail, DateTimeOffset? LinkedAt);

public sealed record ReleaseCandidateLinkRequest(string AdminUserId, int CandidateId, string? Reason);

/// <summary>
/// An admin releases a record's link to an account (a candidate says someone else claimed their record): the record
/// becomes free to link again, its email is told, and the release is audited with the reason.
/// </summary>
public sealed class ReleaseCandidateLink(IDbContextFactory<ScorePortalDbContext> dbFactory, BlindIndex blindIndex, Notices notices,
    AuditLog audit, ILogger<ReleaseCandidateLink> logger)
{
    public const int ReasonMaxLength = 500;

    /// <summary>The record of this ID document, or null (also for input that is not an ID number).</summary>
    public async Task<RecordLinkView?> FindAsync(IdType type, string? idNumber, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(idNumber) || CandidateIdentity.IdNumberError(type, idNumber, out var normalized) is not null) return null;
        var index = blindIndex.Compute(type, normalized);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Candidates.AsNoTracking()
            .Where(c => c.IdType == type && c.IdNumberIndex == index)
            .Select(c => new { c.Id, c.Name, c.IdNumber, c.UserId, c.LinkedAt })
            .FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var email = row.UserId is null ? null
            : await db.Users.Where(u => u.Id == row.UserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        return new RecordLinkView(row.Id, CandidateIdentity.MaskName(row.Name), ResultSheetBuilder.MaskIdNumber(row.IdNumber), email, row.LinkedAt);
    }

    /// <summary>Null when released; otherwise a resource key.</summary>
    public async Task<string?> HandleAsync(ReleaseCandidateLinkRequest request, string culture, CancellationToken ct = default)
    {
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length == 0) return "Admin.Links.ReasonRequired";
        if (reason.Length > ReasonMaxLength) return "Admin.Links.ReasonTooLong";

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var record = await db.Candidates.Where(c => c.Id == request.CandidateId).Select(c => new { c.UserId, c.Email }).FirstOrDefaultAsync(ct);
        if (record?.UserId is null) return "Admin.Links.NotLinked";

        var released = await db.InTransactionAsync(async (tx, ct) =>
        {
            var released = await db.Candidates
                .Where(c => c.Id == request.CandidateId && c.UserId == record.UserId)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.UserId, (string?)null).SetProperty(c => c.LinkedAt, (DateTimeOffset?)null), ct);
            if (released == 0) return false;
            if (record.Email is { Length: > 0 } email)
            {
                notices.Send(db, new NoticeRecipient(email, culture), LinkNotices.Released());
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
            return true;
        }, ct);
        if (!released) return "Admin.Links.NotLinked";

        logger.LogInformation("Admin {AdminId} released the link of candidate {CandidateId}", request.AdminUserId, request.CandidateId);
        // The reason is the admin's own words about the case, not personal data of the candidate.
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.CandidateLinkRelease, ActorUserId: request.AdminUserId, ActorRole: Roles.Admin,
            TargetType: "candidate", TargetId: request.CandidateId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Data: new Dictionary<string, string?> { ["formerUserId"] = record.UserId, ["reason"] = reason }), CancellationToken.None);
        return null;
    }
}

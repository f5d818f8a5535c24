using Microsoft.EntityFrameworkCore;
using ScorePortal.Account;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;

namespace ScorePortal.Features.Me;

public sealed record ConfirmCandidateLinkRequest(string UserId, string? Code, string Culture, string? SourceIp);

/// <summary>The second half of linking a record that has an email: the code sent there.</summary>
public sealed class ConfirmCandidateLink(IDbContextFactory<ScorePortalDbContext> dbFactory, OneTimeCodes codes, Notices notices,
    AuditLog audit, TimeProvider time)
{
    /// <summary>The pending link's record, or null when no code is waiting.</summary>
    public async Task<int?> PendingAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PendingAsync(db, userId, ct);
    }

    /// <summary>Null when linked; otherwise a resource key saying what went wrong.</summary>
    public async Task<string?> HandleAsync(ConfirmCandidateLinkRequest request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await PendingAsync(db, request.UserId, ct) is not { } candidateId) return "Me.Code.ExpiredOrUsed";

        var check = await codes.CheckAsync(db, request.UserId, LinkCandidateRecord.LinkPurposePrefix + candidateId, request.Code, ct);
        string? error = check switch
        {
            CodeCheck.Accepted => null,
            CodeCheck.Wrong => "Me.Code.Wrong",
            CodeCheck.TooManyAttempts => "Me.Code.TooManyAttempts",
            _ => "Me.Code.ExpiredOrUsed",
        };
        var result = check.ToString();
        if (error is null && !await LinkCandidateRecord.LinkAsync(db, candidateId, request.UserId, time.GetUtcNow(),
                notices, request.Culture, ct))
        {
            error = "Me.Link.ClaimedElsewhere";
            result = "claimed-elsewhere";
        }
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.CandidateLinkConfirm, ActorUserId: request.UserId, ActorRole: Roles.Candidate,
            TargetType: "candidate", TargetId: candidateId.ToString(System.Globalization.CultureInfo.InvariantCulture), SourceIp: request.SourceIp,
            Data: new Dictionary<string, string?> { ["result"] = error is null ? "linked" : result }), CancellationToken.None);
        return error;
    }

    private async Task<int?> PendingAsync(ScorePortalDbContext db, string userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // A user has a handful of open codes; SQLite cannot compare DateTimeOffset in SQL, so expiry is checked here.
        var open = await db.OneTimeCodes
            .Where(c => c.UserId == userId && c.UsedAt == null && c.Purpose.StartsWith(LinkCandidateRecord.LinkPurposePrefix))
            .Select(c => new { c.Id, c.Purpose, c.ExpiresAt })
            .ToListAsync(ct);
        var purpose = open.Where(c => c.ExpiresAt > now).OrderByDescending(c => c.Id).Select(c => c.Purpose).FirstOrDefault();
        return purpose is not null && int.TryParse(purpose.AsSpan(LinkCandidateRecord.LinkPurposePrefix.Length),
            System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
    }
}

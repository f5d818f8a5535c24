using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Enterprises.Admin;

/// <param name="Suspend">True to suspend, false to reactivate.</param>
public sealed record SuspendEnterpriseRequest(int EnterpriseId, bool Suspend, string AdminUserId);

/// <summary>
/// An admin suspends an enterprise (its keys are refused from the next call, its people see the suspension on their
/// page) or reactivates it. Keys, members and consents stay as they are, so a reactivation restores exactly what was.
/// The conditional update is the concurrency check: suspending twice, or two admins at once, changes the row once.
/// </summary>
public sealed class SuspendEnterprise(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public const string AlreadySuspended = "EnterpriseAdmin.Error.AlreadySuspended";
    public const string NotSuspended = "EnterpriseAdmin.Error.NotSuspended";

    public async Task<EditResult> HandleAsync(SuspendEnterpriseRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = request.EnterpriseId;
        if (!await db.Enterprises.AnyAsync(e => e.Id == id, ct)) return EditResult.Refused("", UpdateEnterprise.NotFound);

        DateTimeOffset? suspendedAt = request.Suspend ? time.GetUtcNow() : null;
        var changed = request.Suspend
            ? await db.Enterprises.Where(e => e.Id == id && e.SuspendedAt == null).ExecuteUpdateAsync(s => s.SetProperty(e => e.SuspendedAt, suspendedAt), ct)
            : await db.Enterprises.Where(e => e.Id == id && e.SuspendedAt != null).ExecuteUpdateAsync(s => s.SetProperty(e => e.SuspendedAt, suspendedAt), ct);
        if (changed == 0) return EditResult.Refused("", request.Suspend ? AlreadySuspended : NotSuspended);

        await audit.WriteDurableAsync(EnterpriseAudit.Enterprise(request.Suspend ? AuditActions.EnterpriseSuspend : AuditActions.EnterpriseReactivate,
            request.AdminUserId, id), CancellationToken.None);
        return EditResult.Saved(id);
    }
}

using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Enterprises.Admin;

/// <param name="LoadedVersion"><see cref="EnterpriseDetails.VersionOf"/> of the enterprise as the form loaded it.</param>
public sealed record UpdateEnterpriseRequest(int EnterpriseId, EnterpriseDetails Details, string AdminUserId, string? LoadedVersion = null);

/// <summary>
/// An admin corrects an enterprise's details. A change made by another admin since the form loaded is not overwritten
/// (<see cref="EditVersion"/>); the audit entry names the fields that changed, not their values.
/// </summary>
public sealed class UpdateEnterprise(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit)
{
    public const string NotFound = "EnterpriseAdmin.Error.NotFound";

    public async Task<EditResult> HandleAsync(UpdateEnterpriseRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var enterprise = await db.Enterprises.FirstOrDefaultAsync(e => e.Id == request.EnterpriseId, ct);
        if (enterprise is null) return EditResult.Refused("", NotFound);
        if (EditVersion.IsStale(request.LoadedVersion, EnterpriseDetails.VersionOf(enterprise))) return EditResult.Refused("", EditVersion.Stale);

        var check = new EditValidator(db);
        var details = request.Details.Validate(check);
        if (check.Errors.Count > 0) return EditResult.Refused(check.Errors);
        if (details.CreditCode != enterprise.CreditCode
            && await db.Enterprises.AnyAsync(e => e.CreditCode == details.CreditCode && e.Id != enterprise.Id, ct))
            return EditResult.Refused(nameof(Enterprise.CreditCode), EnterpriseDetails.CreditCodeTaken);

        details.ApplyTo(enterprise);
        var changed = db.Entry(enterprise).Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name).ToList();
        if (changed.Count == 0) return EditResult.Saved(enterprise.Id);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return EditResult.Refused(nameof(Enterprise.CreditCode), EnterpriseDetails.CreditCodeTaken);
        }
        await audit.WriteDurableAsync(EnterpriseAudit.Enterprise(AuditActions.EnterpriseUpdate, request.AdminUserId, enterprise.Id,
            new Dictionary<string, string?> { ["changed"] = string.Join(',', changed) }), CancellationToken.None);
        return EditResult.Saved(enterprise.Id);
    }
}

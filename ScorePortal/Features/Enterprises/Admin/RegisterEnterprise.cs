using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Enterprises.Admin;

public sealed record RegisterEnterpriseRequest(EnterpriseDetails Details, string AdminUserId);

/// <summary>
/// An admin registers an employer: its name and unified social credit code (the check character of GB 32100-2015 must
/// hold, and one code is one enterprise), its contact and the purpose it states to candidates. It starts active, with
/// no key, no member and no allow-list (any address); those follow on its page.
/// </summary>
public sealed class RegisterEnterprise(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public async Task<EditResult> HandleAsync(RegisterEnterpriseRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var check = new EditValidator(db);
        var details = request.Details.Validate(check);
        if (check.Errors.Count > 0) return EditResult.Refused(check.Errors);
        if (await db.Enterprises.AnyAsync(e => e.CreditCode == details.CreditCode, ct))
            return EditResult.Refused(nameof(Enterprise.CreditCode), EnterpriseDetails.CreditCodeTaken);

        var enterprise = new Enterprise { CreatedAt = time.GetUtcNow(), CreatedBy = request.AdminUserId };
        details.ApplyTo(enterprise);
        db.Enterprises.Add(enterprise);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Registered by another admin between the check and the insert: the unique index refuses it.
            return EditResult.Refused(nameof(Enterprise.CreditCode), EnterpriseDetails.CreditCodeTaken);
        }
        await audit.WriteDurableAsync(EnterpriseAudit.Enterprise(AuditActions.EnterpriseRegister, request.AdminUserId, enterprise.Id), CancellationToken.None);
        return EditResult.Saved(enterprise.Id);
    }
}

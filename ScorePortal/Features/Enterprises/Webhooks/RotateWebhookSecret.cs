using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Enterprises.Webhooks;

public sealed record RotateWebhookSecretRequest(int EnterpriseId, string? UserId);

/// <summary>
/// Makes a new signing secret (256 random bits) for the enterprise, returned once to be shown once and stored encrypted;
/// every notice sent from then on, retries included, is signed with it. Audited, without the secret.
/// </summary>
public sealed class RotateWebhookSecret(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit)
{
    public async Task<WebhookSettingsResult> HandleAsync(RotateWebhookSecretRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var enterprise = await db.Enterprises.FirstOrDefaultAsync(e => e.Id == request.EnterpriseId, ct);
        if (enterprise is null) return new(SaveWebhookUrl.NotFound);

        var replaced = !string.IsNullOrEmpty(enterprise.WebhookSecret);
        var secret = WebhookSignature.NewSecret();
        enterprise.WebhookSecret = secret;
        await db.SaveChangesAsync(ct);
        await audit.WriteDurableAsync(WebhookAudit.Record(AuditActions.EnterpriseWebhookSecret, request.UserId, Roles.Enterprise, "enterprise",
            WebhookAudit.Id(request.EnterpriseId), request.EnterpriseId, WebhookAudit.Done,
            new Dictionary<string, string?> { ["change"] = replaced ? "rotated" : "created" }), CancellationToken.None);
        return new(null, secret);
    }
}

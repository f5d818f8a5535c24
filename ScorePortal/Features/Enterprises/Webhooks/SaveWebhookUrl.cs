using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Enterprises.Webhooks;

/// <summary>Sets (or, with <paramref name="Clear"/>, removes) an enterprise's callback URL.</summary>
/// <param name="EnterpriseId">The enterprise the signed-in person acts for, resolved on the server (<see cref="EnterpriseMembership"/>).</param>
public sealed record SaveWebhookUrlRequest(int EnterpriseId, string? Url, bool Clear, string? UserId);

/// <summary>What a settings change did: an error key, or success with the new signing secret when one was made (shown once).</summary>
public sealed record WebhookSettingsResult(string? Error, string? NewSecret = null)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// The enterprise saves its HTTPS callback, checked by the same rules the connection applies (<see cref="WebhookUrls"/>).
/// The first URL comes with a signing secret (none can be sent unsigned); clearing the URL stops new notices, and the
/// pending ones stop at their next attempt. Both outcomes are audited (the host only: a URL may carry a token).
/// </summary>
public sealed class SaveWebhookUrl(IDbContextFactory<ScorePortalDbContext> dbFactory, WebhookUrls urls, AuditLog audit)
{
    public const string NotFound = "Webhooks.Error.EnterpriseNotFound";

    public async Task<WebhookSettingsResult> HandleAsync(SaveWebhookUrlRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var enterprise = await db.Enterprises.FirstOrDefaultAsync(e => e.Id == request.EnterpriseId, ct);
        if (enterprise is null) return new(NotFound);

        if (request.Clear)
        {
            if (enterprise.WebhookUrl is null) return new(null);
            enterprise.WebhookUrl = null;
            await db.SaveChangesAsync(ct);
            await audit.WriteDurableAsync(Record(request, WebhookAudit.Done, "cleared", null), CancellationToken.None);
            return new(null);
        }

        var (url, error) = await urls.CheckAsync(request.Url, ct);
        if (url is null)
        {
            await audit.WriteDurableAsync(Record(request, WebhookAudit.Refused, "set", null, error), CancellationToken.None);
            return new(error);
        }
        enterprise.WebhookUrl = url.AbsoluteUri;
        string? secret = null;
        if (string.IsNullOrEmpty(enterprise.WebhookSecret))
        {
            secret = WebhookSignature.NewSecret();
            enterprise.WebhookSecret = secret;
        }
        await db.SaveChangesAsync(ct);
        await audit.WriteDurableAsync(Record(request, WebhookAudit.Done, "set", url.IdnHost, secretCreated: secret is not null), CancellationToken.None);
        return new(null, secret);
    }

    private static AuditRecord Record(SaveWebhookUrlRequest request, string outcome, string change, string? host, string? error = null, bool secretCreated = false)
    {
        var data = new Dictionary<string, string?> { ["change"] = change };
        if (host is not null) data["host"] = host;
        if (error is not null) data["error"] = error;
        if (secretCreated) data["secretCreated"] = "true";
        return WebhookAudit.Record(AuditActions.EnterpriseWebhookUrl, request.UserId, Roles.Enterprise, "enterprise",
            WebhookAudit.Id(request.EnterpriseId), request.EnterpriseId, outcome, data);
    }
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Features.Alerts;

/// <summary>
/// Tells admins when an instance lost the shared limits store (Redis) and counts alone (critical: limits, blocks and
/// spent captcha tokens are per instance until it is back), and when it shares again (info). One alert per instance
/// and change; the alert names the instance, never a key.
/// </summary>
public sealed class LimitsStoreAlerts(IDbContextFactory<ScorePortalDbContext> dbFactory, TimeProvider time, ILogger<LimitsStoreAlerts> logger)
    : ILimitsStoreAlarm
{
    public const string LostKind = "limits.shared-store-lost";
    public const string RestoredKind = "limits.shared-store-restored";

    public Task SharedStoreLostAsync(string instance, string reason) =>
        SaveAsync(LostKind, AlertSeverity.Critical, instance,
            $"Redis did not answer ({reason}). This instance keeps limits, blocks and spent captcha tokens in its own memory " +
            "until it answers again: limits count per instance meanwhile. Check Redis (docs/scale.md).");

    public Task SharedStoreRestoredAsync(string instance, TimeSpan outage) =>
        SaveAsync(RestoredKind, AlertSeverity.Info, instance,
            "Redis answers again; this instance shares its limits after " +
            outage.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture) + " alone. Blocks placed and tokens spent meanwhile were written to Redis.");

    private async Task SaveAsync(string kind, AlertSeverity severity, string instance, string details)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            db.Alerts.Add(new Alert
            {
                RaisedAt = time.GetUtcNow(),
                Kind = kind,
                Severity = severity,
                SubjectKey = instance.Length > 128 ? instance[..128] : instance,
                Details = details.Length > 2000 ? details[..2000] : details,
            });
            await db.SaveChangesAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not store the {Kind} alert", kind);
        }
    }
}

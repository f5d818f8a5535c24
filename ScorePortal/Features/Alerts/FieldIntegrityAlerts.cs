using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Limits;
using ScorePortal.Security;

namespace ScorePortal.Features.Alerts;

/// <summary>
/// Turns an encrypted value that does not open for its row (<see cref="FieldIntegrityException"/>: altered, or copied
/// from another row, in the database) into a critical alert on the admin dashboard, once per column and row per
/// <see cref="Quiet"/>, however many requests trip over it (raised where an entity is read and where a request fails).
/// The alert names the column and the RowKey, never a value.
/// </summary>
public sealed class FieldIntegrityAlerts(IDbContextFactory<ScorePortalDbContext> dbFactory, ILimitsStore limits, TimeProvider time,
    ILogger<FieldIntegrityAlerts> logger) : IIntegrityAlarm
{
    public const string Kind = "data.integrity";

    /// <summary>How long a raised column and row stays quiet.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromHours(1);

    public async Task RaiseAsync(FieldIntegrityException failure, string where)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var now = time.GetUtcNow();
        // Values from before row binding come by the million after an upgrade without rotate-keys: one alert per column.
        var subject = failure.Binding + ":" + (failure.Unbound ? "unbound" : failure.Row.ToString("D", CultureInfo.InvariantCulture));
        // The quiet period is a lock in the limits store: one alert per subject however many requests (or instances) meet it.
        if (!await limits.TryLockAsync("alerts:integrity:" + subject, Quiet)) return;

        logger.LogCritical("Encrypted value {Binding} of row {RowKey} did not open (at {Where})", failure.Binding, failure.Row, where);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            db.Alerts.Add(new Alert
            {
                RaisedAt = now,
                Kind = Kind,
                Severity = AlertSeverity.Critical,
                SubjectKey = subject,
                Details = $"{failure.Message} Reached through {where}. Find the row by its RowKey; restore the value from a backup.",
            });
            await db.SaveChangesAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not store the {Kind} alert", Kind);
        }
    }
}

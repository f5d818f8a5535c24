using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Alerts;
using ScorePortal.Features.Audit;
using ScorePortal.Features.Enterprises;
using ScorePortal.Localization;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Privacy;

/// <summary>
/// Counts the figures of one year (China time) for the data-security report, from the audit log — the live table and
/// the signed archives of older entries (<see cref="AuditArchiveStore"/>), so archiving never makes a year shrink —,
/// the alerts and the enterprise API access log. What each figure counts:
/// <list type="bullet">
/// <item>lookups: <see cref="AuditActions.ScoreLookup"/> entries (every lookup that reached the query), matched or not;</item>
/// <item>protection: address blocks raised by the lookup monitors (critical <c>lookup.*</c> alerts), blocks an admin
/// lifted (<see cref="AuditActions.AddressBlockLift"/>), enterprise API calls refused for rate or quota limits and all
/// refused calls, and the requests the limits turned away: lookups answered 429 and other public form posts refused,
/// from the per-instance tallies each instance writes every five minutes (<see cref="AuditActions.ThrottledRequests"/>:
/// counts only, never one row per refused request on the release-day path);</item>
/// <item>alerts: raised in the year by severity, and how they ended (acknowledged by an admin, or still open);</item>
/// <item>enterprise: API calls answered, and per field returned (what the consented access was used for);</item>
/// <item>rights: copies of data requested by the person (<see cref="AuditActions.PrivacyExportRequest"/>), prepared by
/// an admin for a paper request (<see cref="AuditActions.PrivacyExportForRequest"/>), accounts closed
/// (<see cref="AuditActions.AccountClose"/>) — entries whose result is absent or <c>success</c>;</item>
/// <item>security: key rotations (<see cref="AuditActions.KeyRotation"/>) and incidents: critical alerts other than
/// address blocks (a value that does not open for its row, the shared limits store lost, …);</item>
/// <item>retention: runs of the retention job and, per kind of data, the rows it removed or pseudonymized.</item>
/// </list>
/// </summary>
public sealed class DataSecurityReportFigures(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditArchiveStore archives, TimeProvider time)
{
    private static readonly HashSet<string> Counted = new(StringComparer.Ordinal)
    {
        AuditActions.ScoreLookup, AuditActions.AddressBlockLift, AuditActions.PrivacyExportRequest, AuditActions.PrivacyExportForRequest,
        AuditActions.AccountClose, AuditActions.KeyRotation, AuditActions.RetentionRun, AuditActions.ThrottledRequests,
    };

    /// <summary>The first and the last year a report can be made for: the portal's first audit entry, and this year.</summary>
    public int CurrentYear => PortalFormat.ToChinaTime(time.GetUtcNow()).Year;

    public static (DateTimeOffset From, DateTimeOffset To) YearBounds(int year) =>
        (new DateTimeOffset(year, 1, 1, 0, 0, 0, PortalFormat.ChinaOffset), new DateTimeOffset(year + 1, 1, 1, 0, 0, 0, PortalFormat.ChinaOffset));

    public async Task<DataSecurityFigures> CountAsync(int year, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var (from, end) = YearBounds(year);
        // The current year is counted up to now (and says so); nothing is stamped later than now, so filters use the year's end.
        var to = end < now ? end : now;
        var tally = new Tally();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Entries are in time order along their sequence: the year is a range of sequence numbers (no scan by date).
        var first = await AuditFilter.FirstSequenceFromAsync(db, from, ct);
        var last = await AuditFilter.FirstSequenceFromAsync(db, end, ct);
        var liveFrom = await db.AuditEntries.MinAsync(e => (long?)e.Sequence, ct) ?? long.MaxValue;
        long live = 0;
        await foreach (var e in db.AuditEntries.AsNoTracking()
                           .Where(e => e.Sequence >= first && e.Sequence < last && Counted.Contains(e.Action))
                           .Select(e => new { e.Action, e.DataJson }).AsAsyncEnumerable().WithCancellation(ct))
        {
            tally.Add(e.Action, e.DataJson);
            live++;
        }

        // Archived entries of the year: every archive made after the year began may hold some (archives are made of
        // entries older than Audit:Archive:After, so one made before the year began holds none of it).
        long archived = 0;
        var (manifests, unreadable) = await archives.ListAsync(ct);
        var unreadableCount = unreadable.Count;
        foreach (var manifest in manifests.Where(m => m.CreatedAt >= from && m.FirstSequence < liveFrom))
        {
            try
            {
                await foreach (var e in AuditArchiveStore.ReadEntriesAsync(archives.DataPath(manifest.File), ct))
                {
                    if (e.Sequence >= liveFrom || e.At < from || e.At >= end || !Counted.Contains(e.Action)) continue;
                    tally.Add(e.Action, e.DataJson);
                    archived++;
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                unreadableCount++;
            }
        }

        var figures = new List<DataSecurityFigure>
        {
            new("lookups", "served", tally.Lookups),
            new("lookups", "matched", tally.Matched),
            new("lookups", "noMatch", tally.Lookups - tally.Matched),
        };

        // Alerts are few and never archived; their time column is compared here, the same on both providers.
        var alerts = (await db.Alerts.AsNoTracking().Select(a => new { a.RaisedAt, a.Kind, a.Severity, a.AcknowledgedAt }).ToListAsync(ct))
            .Where(a => a.RaisedAt >= from && a.RaisedAt < end).ToList();
        bool IsBlock(string kind, AlertSeverity severity) => severity == AlertSeverity.Critical && kind.StartsWith("lookup.", StringComparison.Ordinal);

        var calls = await db.ApiAccessLog.AsNoTracking().Where(a => a.At >= from && a.At < end)
            .GroupBy(a => new { a.Outcome, a.Fields }).Select(g => new { g.Key.Outcome, g.Key.Fields, Count = g.LongCount() }).ToListAsync(ct);
        const string success = "success";
        figures.Add(new("protection", "addressBlocks", alerts.LongCount(a => IsBlock(a.Kind, a.Severity))));
        figures.Add(new("protection", "blocksLifted", tally.BlocksLifted));
        figures.Add(new("protection", "lookupsThrottled", tally.LookupsThrottled));
        figures.Add(new("protection", "formsThrottled", tally.FormsThrottled));
        figures.Add(new("protection", "apiThrottled", calls.Where(c => c.Outcome is "rate_limited" or "quota_exhausted").Sum(c => c.Count)));
        figures.Add(new("protection", "apiRefused", calls.Where(c => c.Outcome != success).Sum(c => c.Count)));

        figures.Add(new("alerts", "raised", alerts.Count));
        foreach (var severity in Enum.GetValues<AlertSeverity>().Reverse())
            figures.Add(new("alerts", severity.ToString().ToLowerInvariant(), alerts.LongCount(a => a.Severity == severity)));
        figures.Add(new("alerts", "acknowledged", alerts.LongCount(a => a.AcknowledgedAt is not null)));
        figures.Add(new("alerts", "open", alerts.LongCount(a => a.AcknowledgedAt is null)));

        var answered = calls.Where(c => c.Outcome == success).ToList();
        figures.Add(new("enterprise", "answered", answered.Sum(c => c.Count)));
        foreach (var field in ConsentFields.All)
            figures.Add(new("enterprise", field, answered.Where(c => c.Fields.Split(',').Contains(field)).Sum(c => c.Count)));

        figures.Add(new("rights", "exportRequests", tally.Count(AuditActions.PrivacyExportRequest)));
        figures.Add(new("rights", "exportsForRequests", tally.Count(AuditActions.PrivacyExportForRequest)));
        figures.Add(new("rights", "accountClosings", tally.Count(AuditActions.AccountClose)));

        figures.Add(new("security", "keyRotations", tally.Count(AuditActions.KeyRotation)));
        figures.Add(new("security", "incidents", alerts.LongCount(a => a.Severity == AlertSeverity.Critical && !IsBlock(a.Kind, a.Severity))));

        figures.Add(new("retention", "runs", tally.Count(AuditActions.RetentionRun)));
        foreach (var (rule, count) in tally.Retention.OrderBy(r => r.Key, StringComparer.Ordinal))
            figures.Add(new("retention", rule, count));

        return new DataSecurityFigures(year, from, to, now, live, archived, unreadableCount, figures);
    }

    /// <summary>What the audit entries add up to.</summary>
    private sealed class Tally
    {
        private readonly Dictionary<string, long> _actions = new(StringComparer.Ordinal);

        public long Lookups { get; private set; }
        public long Matched { get; private set; }
        public long BlocksLifted { get; private set; }
        public long LookupsThrottled { get; private set; }
        public long FormsThrottled { get; private set; }
        public Dictionary<string, long> Retention { get; } = new(StringComparer.Ordinal);

        public long Count(string action) => _actions.GetValueOrDefault(action);

        public void Add(string action, string dataJson)
        {
            switch (action)
            {
                case AuditActions.ScoreLookup:
                    Lookups++;
                    // Canonical JSON (AuditChain.CanonicalData): no need to parse a million small objects.
                    if (dataJson.Contains("\"result\":\"matched\"", StringComparison.Ordinal)) Matched++;
                    return;
                case AuditActions.AddressBlockLift:
                    if (Succeeded(dataJson)) BlocksLifted++;
                    return;
                case AuditActions.ThrottledRequests:
                    using (var doc = JsonDocument.Parse(dataJson))
                    {
                        LookupsThrottled += Number(doc.RootElement, ThrottleTally.Lookups);
                        FormsThrottled += Number(doc.RootElement, ThrottleTally.Forms);
                    }
                    return;
                case AuditActions.RetentionRun:
                    _actions[action] = Count(action) + 1;
                    using (var doc = JsonDocument.Parse(dataJson))
                    {
                        foreach (var p in doc.RootElement.EnumerateObject())
                            if (p.Value.ValueKind == JsonValueKind.String && long.TryParse(p.Value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                                Retention[p.Name] = Retention.GetValueOrDefault(p.Name) + n;
                    }
                    return;
                default:
                    if (Succeeded(dataJson)) _actions[action] = Count(action) + 1;
                    return;
            }
        }

        private static long Number(JsonElement data, string name) =>
            data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

        /// <summary>An entry without a result, or with <c>success</c>: refusals (a wrong code, a closed account) are not counted.</summary>
        private static bool Succeeded(string dataJson)
        {
            using var doc = JsonDocument.Parse(dataJson);
            return !doc.RootElement.TryGetProperty("result", out var result) || result.GetString() is "success";
        }
    }
}

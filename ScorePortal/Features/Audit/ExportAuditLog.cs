using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using ScorePortal.Data;
using ScorePortal.Localization;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Audit;

/// <summary>
/// <c>GET /admin/audit/export.csv</c> with the page's filter: the selected entries as CSV, oldest first, streamed in
/// chunks (a year of the log never sits in memory). UTF-8 with a byte order mark, so Excel opens the Chinese headers
/// right; every field quoted, and a field that a spreadsheet would run as a formula (=, +, -, @, tab, return) starts
/// with an apostrophe. Accounts are named as on the page (a candidate's email masked). The export is audited, with
/// the filter as ids (a typed email is stored as the account id it named) and the number of entries, before the
/// first byte leaves.
/// </summary>
public static class ExportAuditLog
{
    public const string Path = "/admin/audit/export.csv";

    /// <summary>Entries read and written per round; the accounts of each chunk are looked up together.</summary>
    internal const int Chunk = 500;

    public static async Task HandleAsync(HttpContext http, IDbContextFactory<ScorePortalDbContext> dbFactory, ILookupNormalizer normalizer,
        AuditLog audit, IStringLocalizer<SharedResource> L, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        var ct = http.RequestAborted;
        var filter = AuditFilter.FromQuery(http.Request.Query);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var applied = await filter.ApplyAsync(db, normalizer, ct);
        var rows = applied.MatchesNothing ? 0 : await applied.Entries.CountAsync(ct);

        var adminId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.AuditExport, adminId, Roles.Admin,
            SourceIp: http.Connection.RemoteIpAddress?.ToString(), Data: new Dictionary<string, string?>
            {
                ["action"] = filter.Action,
                ["actorUserId"] = applied.ActorUserId,
                ["actorFound"] = filter.ActorEmail is null ? null : (applied.ActorUserId is not null).ToString(),
                ["from"] = filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["to"] = filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["object"] = filter.ObjectKind == AuditObjectKind.Any ? null : filter.ObjectKind.ToString().ToLowerInvariant(),
                ["objectId"] = applied.ObjectId,
                ["rows"] = rows.ToString(CultureInfo.InvariantCulture),
            }), CancellationToken.None);

        var stamp = PortalFormat.ToChinaTime(time.GetUtcNow()).ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{stamp}.csv\"";
        http.Response.Headers.CacheControl = "no-store";

        // The writer's encoding emits the byte order mark first.
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 16 * 1024);
        await WriteRowAsync(writer, ["#", L["Audit.At"], L["Audit.Action"], L["Audit.Actor"], L["Audit.ActorRole"], L["Audit.TargetType"],
            L["Audit.TargetId"], L["Audit.Details"], L["Audit.Hash"]]);
        if (applied.MatchesNothing)
        {
            await writer.FlushAsync(ct);
            return;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var after = long.MinValue;
        while (true)
        {
            // Keyset paging on the unique sequence: each chunk is one short query, whatever the log's size.
            var from = after;
            var chunk = await applied.Entries.Where(e => e.Sequence > from).OrderBy(e => e.Sequence).Take(Chunk).ToListAsync(ct);
            if (chunk.Count == 0) break;
            var unknown = chunk.SelectMany(e => new[] { e.ActorUserId, e.TargetType == "user" ? e.TargetId : null })
                .OfType<string>().Where(id => !labels.ContainsKey(id)).Distinct().ToList();
            foreach (var (id, label) in await AuditPeople.LabelsAsync(db, unknown, ct)) labels[id] = label;
            foreach (var e in chunk)
            {
                var target = e.TargetType == "user" && e.TargetId is { } user && labels.TryGetValue(user, out var named) ? named : e.TargetId;
                await WriteRowAsync(writer, [
                    e.Sequence.ToString(CultureInfo.InvariantCulture),
                    PortalFormat.ToChinaTime(e.At).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
                    e.Action,
                    e.ActorUserId is null ? "" : labels.GetValueOrDefault(e.ActorUserId, e.ActorUserId),
                    e.ActorRole,
                    e.TargetType,
                    target,
                    e.DataJson,
                    e.Hash,
                ]);
            }
            after = chunk[^1].Sequence;
            await writer.FlushAsync(ct);
        }
    }

    private static async Task WriteRowAsync(StreamWriter writer, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) await writer.WriteAsync(',');
            await writer.WriteAsync(Field(fields[i]));
        }
        await writer.WriteAsync("\r\n");
    }

    /// <summary>One CSV field: quoted, quotes doubled, and neutralized when a spreadsheet would read it as a formula.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "\"\"";
        var safe = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        return "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Localization;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Audit;

/// <summary>The kinds of object an audit entry can be found by (its <see cref="AuditEntry.TargetType"/> and id).</summary>
public enum AuditObjectKind
{
    Any = 0,
    Batch = 1,
    Review = 2,
    Account = 3,
}

/// <summary>
/// What an admin narrows the audit log to: an action (part of its name), who acted (an account's email), a range of
/// days in China time, and an object (a batch, a review case, an account). Emails are typed, never stored: they are
/// resolved to account ids here, and the entries are matched by id (the log holds no emails).
/// </summary>
public sealed record AuditFilter(
    string? Action = null,
    string? ActorEmail = null,
    DateOnly? From = null,
    DateOnly? To = null,
    AuditObjectKind ObjectKind = AuditObjectKind.Any,
    string? ObjectId = null)
{
    /// <summary>The target types each object kind is written under (a batch's import names the entity, later steps "batch").</summary>
    public static IReadOnlyList<string> TargetTypesOf(AuditObjectKind kind) => kind switch
    {
        AuditObjectKind.Batch => ["batch", "ResultBatch"],
        AuditObjectKind.Review => ["review"],
        AuditObjectKind.Account => ["user"],
        _ => [],
    };

    /// <summary>The filter as the export link's query string (the page and the export read the same filter).</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) parts.Add(name + "=" + Uri.EscapeDataString(value.Trim()));
        }
        Add("action", Action);
        Add("actor", ActorEmail);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (ObjectKind != AuditObjectKind.Any) Add("object", ObjectKind.ToString().ToLowerInvariant());
        if (ObjectKind != AuditObjectKind.Any) Add("id", ObjectId);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>The filter from the export's query string; unreadable values are left out (the export says what it applied).</summary>
    public static AuditFilter FromQuery(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        static DateOnly? Day(string? value) =>
            DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
        var kind = Enum.TryParse<AuditObjectKind>(query["object"].ToString(), ignoreCase: true, out var k) && Enum.IsDefined(k) ? k : AuditObjectKind.Any;
        return new AuditFilter(Text(query["action"]), Text(query["actor"]), Day(query["from"]), Day(query["to"]), kind,
            kind == AuditObjectKind.Any ? null : Text(query["id"]));
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim()[..Math.Min(value.Trim().Length, 256)];

    /// <summary>
    /// The entries this filter selects. An actor or account email that names no account selects nothing (it does not
    /// fall back to "everyone"); the ids it resolved to are returned for the export's own audit entry.
    /// </summary>
    public async Task<Applied> ApplyAsync(ScorePortalDbContext db, ILookupNormalizer normalizer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(normalizer);
        var query = db.AuditEntries.AsNoTracking();
        var none = false;
        if (Action is { } action) query = query.Where(e => e.Action.Contains(action));

        string? actorId = null;
        if (ActorEmail is { } actorEmail)
        {
            actorId = await AccountIdAsync(db, normalizer, actorEmail, ct);
            if (actorId is null) none = true;
            else query = query.Where(e => e.ActorUserId == actorId);
        }

        // Days in China time, as the page shows every time: [from 00:00, to + 1 day 00:00). The log is appended in time
        // order by one writer, so a range of days is a range of sequence numbers: found by bisection on the unique
        // sequence index, it keeps every page and export an index range (and SQLite cannot compare the stored instants).
        if (From is { } from)
        {
            var first = await FirstSequenceFromAsync(db, new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), PortalFormat.ChinaOffset), ct);
            query = query.Where(e => e.Sequence >= first);
        }
        if (To is { } to)
        {
            var end = await FirstSequenceFromAsync(db, new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), PortalFormat.ChinaOffset), ct);
            query = query.Where(e => e.Sequence < end);
        }

        string? objectId = null;
        if (ObjectKind != AuditObjectKind.Any)
        {
            var types = TargetTypesOf(ObjectKind).ToList();
            query = query.Where(e => e.TargetType != null && types.Contains(e.TargetType));
            if (ObjectId is { } typed)
            {
                objectId = await ObjectIdAsync(db, normalizer, typed, ct);
                if (objectId is null) none = true;
                else query = query.Where(e => e.TargetId == objectId);
            }
        }

        if (none) query = query.Where(e => false);
        return new Applied(query, actorId, objectId, none);
    }

    /// <summary>The sequence number of the first entry at or after <paramref name="instant"/>; one past the last entry when none is.</summary>
    internal static async Task<long> FirstSequenceFromAsync(ScorePortalDbContext db, DateTimeOffset instant, CancellationToken ct)
    {
        var entries = db.AuditEntries.AsNoTracking();
        var ends = await entries.OrderBy(e => e.Sequence).Select(e => (long?)e.Sequence).FirstOrDefaultAsync(ct);
        if (ends is not { } low) return 0;
        var high = await entries.MaxAsync(e => e.Sequence, ct) + 1;
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            // The first entry from the middle on (archiving removes a prefix; a gap is not assumed away).
            var probe = await entries.Where(e => e.Sequence >= middle).OrderBy(e => e.Sequence)
                .Select(e => new { e.Sequence, e.At }).FirstAsync(ct);
            if (probe.At >= instant) high = middle;
            else low = probe.Sequence + 1;
        }
        return low;
    }

    /// <summary>A batch by its number, a review by its number or case number (FH…), an account by its email or id.</summary>
    private async Task<string?> ObjectIdAsync(ScorePortalDbContext db, ILookupNormalizer normalizer, string typed, CancellationToken ct)
    {
        switch (ObjectKind)
        {
            case AuditObjectKind.Batch:
                return int.TryParse(typed.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var batch)
                    ? batch.ToString(CultureInfo.InvariantCulture) : null;
            case AuditObjectKind.Review:
                if (int.TryParse(typed.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var review))
                    return review.ToString(CultureInfo.InvariantCulture);
                // A case number ends in the request's number (FH2026H1-31-000012, ApplyForReview.CaseNumber).
                var dash = typed.LastIndexOf('-');
                return typed.StartsWith("FH", StringComparison.OrdinalIgnoreCase) && dash > 0
                    && int.TryParse(typed.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var numbered)
                    ? numbered.ToString(CultureInfo.InvariantCulture) : null;
            case AuditObjectKind.Account:
                return typed.Contains('@', StringComparison.Ordinal)
                    ? await AccountIdAsync(db, normalizer, typed, ct)
                    : await db.Users.AsNoTracking().Where(u => u.Id == typed).Select(u => u.Id).FirstOrDefaultAsync(ct);
            default:
                return null;
        }
    }

    /// <summary>The account with this email: Identity's normalized address (indexed), the way sign-in finds it.</summary>
    private static async Task<string?> AccountIdAsync(ScorePortalDbContext db, ILookupNormalizer normalizer, string email, CancellationToken ct)
    {
        var normalized = normalizer.NormalizeEmail(email.Trim());
        if (string.IsNullOrEmpty(normalized)) return null;
        return await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>The selected entries (not ordered), and what the typed emails and object resolved to.</summary>
    public sealed record Applied(IQueryable<AuditEntry> Entries, string? ActorUserId, string? ObjectId, bool MatchesNothing);
}

using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Limits;
using ScorePortal.Platform.Notices.Sms;
using ScorePortal.Security;

namespace ScorePortal.Features.Sms;

/// <summary>An SMS the gateway received: the sender's number as the gateway gives it, and the text.</summary>
public sealed record SmsQuery(string? From, string? Text, string? SourceIp = null);

/// <summary>What became of one inbound SMS (the callback's answer to the gateway; the sender learns nothing from it).</summary>
public enum SmsQueryOutcome
{
    /// <summary>A reply went into the outbox: the result, or the one fixed message.</summary>
    Replied,

    /// <summary>The sender's number had used its messages of the day: nothing sent.</summary>
    Limited,

    /// <summary>The portal's daily cap was reached: nothing sent.</summary>
    Capped,

    /// <summary>The sender is not a phone number anything could be sent to: nothing sent.</summary>
    Unreadable,
}

/// <summary>
/// Answers one inbound SMS (docs/sms.md). A reply only ever goes to the number that wrote, and it holds data only when
/// that number is the mobile registered for the ID number in the text (compared by blind index); every other case —
/// another number, an unknown ID, a text that is not a query — gets the same fixed message. Each sender number is
/// answered <c>Sms:PerNumberPerDay</c> times a day and the portal at most <c>Sms:DailyCap</c> times, both counted in
/// the limits store (shared through Redis). Audited without the number or the text.
/// </summary>
public sealed class AnswerSmsQuery(IDbContextFactory<ScorePortalDbContext> dbFactory, BlindIndex blindIndex, ResultQuery query,
    ResultCatalog catalog, SessionCatalog sessions, ILimitsStore limits, IOptions<SmsOptions> options, SmsReplyText replies,
    AuditLog audit, TimeProvider time)
{
    // Counters keyed by the day in China time: kept two days, so the whole day is covered whenever the first message came.
    private static readonly TimeSpan CounterLife = TimeSpan.FromDays(2);

    public async Task<SmsQueryOutcome> HandleAsync(SmsQuery request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var from = CandidateMobile.Normalize(request.From);
        if (from is null)
        {
            await AuditAsync(request, null, "unreadable-sender", null, ct);
            return SmsQueryOutcome.Unreadable;
        }
        var senderIndex = blindIndex.ComputeMobile(from);
        var senderRef = Convert.ToHexStringLower(senderIndex.AsSpan(0, 8));
        var day = PortalFormat.ToChinaTime(time.GetUtcNow()).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var settings = options.Value;

        if (await limits.IncrementAsync($"sms:number:{Convert.ToHexStringLower(senderIndex)}:{day}", CounterLife) > settings.PerNumberPerDay)
        {
            await AuditAsync(request, senderRef, "limited", null, ct);
            return SmsQueryOutcome.Limited;
        }

        var (body, candidateId) = await ReplyAsync(request.Text, senderIndex, ct);

        if (await limits.IncrementAsync($"sms:sent:{day}", CounterLife) > settings.DailyCap)
        {
            await AuditAsync(request, senderRef, "capped", null, ct);
            return SmsQueryOutcome.Capped;
        }

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.EnqueueSms(new SmsMessage(from, body, senderRef));
            await db.SaveChangesAsync(ct);
        }
        await AuditAsync(request, senderRef, candidateId is null ? "fixed-reply" : "answered", candidateId, ct);
        return SmsQueryOutcome.Replied;
    }

    /// <summary>The reply's text, and the candidate whose data it holds (null for the fixed message).</summary>
    private async Task<(string Body, int? CandidateId)> ReplyAsync(string? text, byte[] senderIndex, CancellationToken ct)
    {
        foreach (var (type, idNumber) in SmsQueryText.Parse(text))
        {
            var index = blindIndex.Compute(type, idNumber);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var candidate = await db.Candidates.AsNoTracking()
                .Where(c => c.IdType == type && c.IdNumberIndex == index)
                .Select(c => new { c.Id, c.MobileIndex })
                .FirstOrDefaultAsync(ct);
            if (candidate is null) continue;
            // The registered mobile or nothing: an ID number alone, which others may know, never reveals a result.
            if (candidate.MobileIndex is null || !CryptographicOperations.FixedTimeEquals(candidate.MobileIndex, senderIndex)) break;
            return (await ResultTextAsync(type, index, ct), candidate.Id);
        }
        return (replies.Fixed(), null);
    }

    /// <summary>The latest released session's subjects and outcome, in the holder's language.</summary>
    private async Task<string> ResultTextAsync(IdType type, byte[] index, CancellationToken ct)
    {
        var culture = SmsReplyText.CultureOf(type);
        var rows = await query.ByIdNumberAsync(type, index, ct);
        var all = await sessions.AllAsync(ct);
        var now = time.GetUtcNow();
        var latest = rows.DistinctBy(r => r.RegistrationId)
            .Select(r => (Row: r, Session: all.FirstOrDefault(s => s.Id == r.SessionId)))
            .Where(r => r.Session is not null && r.Session.IsReleased(now))
            .MaxBy(r => r.Session!.ReleaseAt);
        if (latest.Row is null) return replies.NothingReleased(culture);
        return await ResultSheetBuilder.BuildAsync(rows, latest.Row, catalog, sessions, ct) is ResultOutcome.Found found
            ? replies.Result(found.Sheet, culture)
            : replies.NothingReleased(culture);
    }

    private async Task AuditAsync(SmsQuery request, string? senderRef, string result, int? candidateId, CancellationToken ct) =>
        await audit.WriteAsync(new AuditRecord(AuditActions.SmsInbound,
            TargetType: candidateId is null ? null : nameof(Candidate),
            TargetId: candidateId?.ToString(CultureInfo.InvariantCulture),
            SourceIp: request.SourceIp,
            Data: new Dictionary<string, string?> { ["sender"] = senderRef, ["result"] = result }), ct);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Limits;
using ScorePortal.Platform.Notices;
using ScorePortal.Platform.Outbox;
using ScorePortal.Security;

namespace ScorePortal.Features.Reminders;

/// <param name="Email">The address as typed; the page has checked its form.</param>
/// <param name="ExamSessionId">A session whose results are not out yet.</param>
/// <param name="Culture">The page's language: the language of every mail of this subscription.</param>
/// <param name="Source">The client's address (limits; the audit log keeps only its keyed hash).</param>
/// <param name="RequestBase">The portal's address as reached; <c>Portal:PublicBaseUrl</c> wins when set.</param>
public sealed record SubscribeToReminderRequest(string Email, int ExamSessionId, string Culture, string? Source, Uri RequestBase);

/// <summary>What happened, for the audit log and tests; the page answers every one but the refusals alike.</summary>
public enum SubscribeOutcome
{
    /// <summary>A confirmation mail was queued (new subscription, an unconfirmed one asked again, or one that had ended).</summary>
    ConfirmationSent,

    /// <summary>Nothing to send: confirmed already, or the last confirmation mail is recent, or the address's daily cap is spent.</summary>
    NothingSent,

    /// <summary>The session is unknown or its results are out already (the page offers only open sessions).</summary>
    SessionClosed,

    /// <summary>This client asked for too many subscriptions today.</summary>
    Limited,
}

/// <summary>
/// Anyone subscribes an address to a session's release (double opt-in): a new or ended subscription gets a confirmation
/// mail; a pending one gets another only after <see cref="RemindersOptions.ConfirmationSpacing"/> and within the
/// address's daily cap; a confirmed one gets nothing. The page says the same in every case, so it tells nobody whether
/// an address is subscribed. The captcha is checked by the page before this runs.
/// </summary>
public sealed class SubscribeToReminder(
    IDbContextFactory<ScorePortalDbContext> dbFactory, ReminderLinks links, Notices notices, ILimitsStore limits,
    IOptions<RemindersOptions> options, SourceAddressHasher sourceHasher, AuditLog audit, TimeProvider time)
{
    public async Task<SubscribeOutcome> HandleAsync(SubscribeToReminderRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        var outcome = await SubscribeAsync(request, settings, ct);
        await audit.WriteAsync(new AuditRecord(AuditActions.ReminderSubscribe, TargetType: "ExamSession",
            TargetId: request.ExamSessionId.ToString(System.Globalization.CultureInfo.InvariantCulture), SourceIp: request.Source,
            Data: new Dictionary<string, string?> { ["outcome"] = outcome.ToString() }), ct);
        return outcome;
    }

    private async Task<SubscribeOutcome> SubscribeAsync(SubscribeToReminderRequest request, RemindersOptions settings, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await db.ExamSessions.AsNoTracking().Where(s => s.Id == request.ExamSessionId)
            .Select(s => new { s.NameZh, s.NameEn, s.ReleaseAt, s.PublishedAt }).FirstOrDefaultAsync(ct);
        if (session is null || (session.PublishedAt is not null && now >= session.ReleaseAt)) return SubscribeOutcome.SessionClosed;

        if (settings.SubscriptionsPerSourcePerDay > 0 && sourceHasher.Hash(request.Source) is { } source
            && !(await limits.HitAsync($"reminders:source:{source}", TimeSpan.FromDays(1), settings.SubscriptionsPerSourcePerDay)).Counted)
            return SubscribeOutcome.Limited;

        var index = links.EmailIndex(request.Email);
        var subscription = await db.ReminderSubscriptions
            .FirstOrDefaultAsync(s => s.ExamSessionId == request.ExamSessionId && s.EmailIndex == index, ct);
        if (subscription is null)
        {
            subscription = new ReminderSubscription
            {
                ExamSessionId = request.ExamSessionId,
                Email = request.Email.Trim(),
                EmailIndex = index,
                Culture = request.Culture,
                Status = ReminderStatus.Pending,
                CreatedAt = now,
            };
            db.ReminderSubscriptions.Add(subscription);
            try
            {
                // The id goes into the links, so the row is saved before its mail is written.
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // The same address asked twice at once: the other request made the subscription and sends its mail.
                return SubscribeOutcome.NothingSent;
            }
        }
        else if (subscription.Status == ReminderStatus.Confirmed
                 || (subscription.Status == ReminderStatus.Pending && subscription.ConfirmationSentAt is { } sent && now - sent < settings.ConfirmationSpacing))
        {
            return SubscribeOutcome.NothingSent;
        }

        // One address's mailbox is not flooded through many sessions or many sources either.
        if (settings.ConfirmationsPerAddressPerDay > 0
            && !(await limits.HitAsync($"reminders:confirm:{Convert.ToHexStringLower(index)}", TimeSpan.FromDays(1), settings.ConfirmationsPerAddressPerDay)).Counted)
        {
            await db.SaveChangesAsync(ct);
            return SubscribeOutcome.NothingSent;
        }

        subscription.Status = ReminderStatus.Pending;
        subscription.Culture = request.Culture;
        subscription.UnsubscribedAt = null;
        subscription.ConfirmationSentAt = now;
        var baseUrl = links.Base(request.RequestBase);
        var mail = notices.RenderEmail(subscription.Email, subscription.Culture, ReminderNotices.Confirm(
            links.ConfirmUrl(baseUrl, subscription), ReminderNotices.SessionName(subscription.Culture, session.NameZh, session.NameEn),
            links.UnsubscribeUrl(baseUrl, subscription)));
        db.EnqueueEmail(mail with { Headers = links.UnsubscribeHeaders(baseUrl, subscription) });
        await db.SaveChangesAsync(ct);
        return SubscribeOutcome.ConfirmationSent;
    }
}

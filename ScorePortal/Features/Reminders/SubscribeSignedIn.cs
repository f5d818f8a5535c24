using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Reminders;

/// <param name="UserId">The signed-in candidate (from the cookie, never from the form).</param>
/// <param name="ExamSessionId">A session whose results are not out yet.</param>
/// <param name="Culture">The page's language: the language of the reminder.</param>
/// <param name="Source">The client's address (the audit log keeps only its keyed hash).</param>
public sealed record SubscribeSignedInRequest(string UserId, int ExamSessionId, string Culture, string? Source);

/// <summary>
/// One click on /me: the account's confirmed address is subscribed, confirmed at once (the account proved the address
/// already). An address subscribed before through the public form is the same subscription and just becomes confirmed.
/// </summary>
public sealed class SubscribeSignedIn(IDbContextFactory<ScorePortalDbContext> dbFactory, ReminderLinks links, AuditLog audit, TimeProvider time)
{
    public async Task<bool> HandleAsync(SubscribeSignedInRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var email = await db.Users.Where(u => u.Id == request.UserId && u.EmailConfirmed).Select(u => u.Email).FirstOrDefaultAsync(ct);
        // Compared here: SQLite cannot order DateTimeOffset values in SQL.
        var session = await db.ExamSessions.AsNoTracking().Where(s => s.Id == request.ExamSessionId)
            .Select(s => new { s.ReleaseAt, s.PublishedAt }).FirstOrDefaultAsync(ct);
        if (email is null || session is null || (session.PublishedAt is not null && now >= session.ReleaseAt)) return false;

        var index = links.EmailIndex(email);
        var subscription = await db.ReminderSubscriptions.FirstOrDefaultAsync(s => s.ExamSessionId == request.ExamSessionId && s.EmailIndex == index, ct);
        if (subscription is null)
        {
            subscription = new ReminderSubscription
            {
                ExamSessionId = request.ExamSessionId, Email = email, EmailIndex = index, CreatedAt = now,
            };
            db.ReminderSubscriptions.Add(subscription);
        }
        subscription.UserId = request.UserId;
        subscription.Culture = request.Culture;
        if (subscription.Status != ReminderStatus.Confirmed)
        {
            subscription.Status = ReminderStatus.Confirmed;
            subscription.ConfirmedAt = now;
            subscription.UnsubscribedAt = null;
        }
        await db.SaveChangesAsync(ct);
        await audit.WriteAsync(new AuditRecord(AuditActions.ReminderSubscribe, ActorUserId: request.UserId, ActorRole: Roles.Candidate,
            TargetType: "ReminderSubscription", TargetId: subscription.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            SourceIp: request.Source, Data: new Dictionary<string, string?> { ["outcome"] = "signed-in" }), ct);
        return true;
    }

    /// <summary>The sessions this account is subscribed to (confirmed), for the card on /me.</summary>
    public async Task<HashSet<int>> SubscribedSessionsAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.ReminderSubscriptions.AsNoTracking()
            .Where(s => s.UserId == userId && s.Status == ReminderStatus.Confirmed).Select(s => s.ExamSessionId).ToListAsync(ct)).ToHashSet();
    }
}

using Microsoft.Extensions.Localization;
using ScorePortal.Data;
using ScorePortal.Localization;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Platform.Notices;

/// <summary>
/// The one place a notice becomes a message: it renders the <see cref="Notice"/> in the recipient's language for the
/// recipient's channel (email today) and adds it to the outbox of the caller's context, so it commits with the change
/// that causes it (the caller saves, inside its transaction if it has one) and is never sent for a rolled-back one.
/// <code>
/// notices.Send(db, new NoticeRecipient(email, request.Culture), ReviewNotices.StatusChanged(caseNumber, status, changed, null));
/// await db.SaveChangesAsync(ct);
/// </code>
/// </summary>
public sealed class Notices(IStringLocalizer<SharedResource> localizer)
{
    /// <summary>Renders <paramref name="notice"/> for <paramref name="to"/> and enqueues it (not saved yet).</summary>
    public OutboxMessage Send(ScorePortalDbContext db, NoticeRecipient to, Notice notice)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(to);
        return to.PreferredChannel switch
        {
            NoticeChannel.Email => db.EnqueueEmail(RenderEmail(to.Email, to.Culture, notice)),
            _ => throw new NotSupportedException($"No notice channel {to.PreferredChannel}."),
        };
    }

    /// <summary>The email of <paramref name="notice"/> in <paramref name="culture"/> (zh-CN unless the portal speaks it).</summary>
    public EmailMessage RenderEmail(string to, string culture, Notice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var template = NoticeTemplates.Find(notice.Template);
        RenderedEmail email;
        // The localizer and the number formats read the thread's culture: the recipient's for the rendering only.
        using (CultureScope.Use(culture))
            email = template.Render(localizer, notice.Data);
        return new EmailMessage(to, email.Subject, email.TextBody, email.HtmlBody);
    }

    /// <summary>j***@example.com: enough to recognize one's own address, not to learn someone else's.</summary>
    public static string MaskEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var at = email.IndexOf('@');
        if (at <= 0) return "***";
        return string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }
}

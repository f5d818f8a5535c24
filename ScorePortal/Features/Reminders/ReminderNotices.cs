using ScorePortal.Platform.Notices;

namespace ScorePortal.Features.Reminders;

/// <summary>What release reminders tell people. Neither notice ever carries a score: the release mail links to /lookup.</summary>
public static class ReminderNotices
{
    /// <summary>Confirm the subscription to <paramref name="sessionName"/> (or ignore the mail; it also says how to stop).</summary>
    public static Notice Confirm(Uri confirmUrl, string sessionName, Uri unsubscribeUrl) =>
        Notice.Of("Reminders.ConfirmMail", confirmUrl.AbsoluteUri, sessionName, unsubscribeUrl.AbsoluteUri);

    /// <summary>The results of <paramref name="sessionName"/> are out: look them up at <paramref name="lookupUrl"/>.</summary>
    public static Notice Released(Uri lookupUrl, string sessionName, Uri unsubscribeUrl) =>
        Notice.Of("Reminders.ReleaseMail", lookupUrl.AbsoluteUri, sessionName, unsubscribeUrl.AbsoluteUri);

    /// <summary>The session's name in the subscriber's language.</summary>
    public static string SessionName(string culture, string nameZh, string nameEn) =>
        culture.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? nameEn : nameZh;
}

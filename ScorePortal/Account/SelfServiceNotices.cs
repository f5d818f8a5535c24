using ScorePortal.Platform.Notices;

namespace ScorePortal.Account;

/// <summary>What a person's own account changes tell them; <see cref="Notices"/> puts it in words.</summary>
public static class SelfServiceNotices
{
    /// <summary>The link that sets a new password, valid for <paramref name="lifetime"/> (said in minutes), once.</summary>
    public static Notice PasswordReset(string link, TimeSpan lifetime) => Notice.Of("SelfService.ResetMail", link, (int)lifetime.TotalMinutes);

    /// <summary>The link, sent to the new address, that makes it the account's address; valid for <paramref name="lifetime"/> (in hours).</summary>
    public static Notice ConfirmNewEmail(string link, TimeSpan lifetime) => Notice.Of("SelfService.NewEmailMail", link, (int)lifetime.TotalHours);

    /// <summary>Sent to the old address once the change is made: the new one, masked.</summary>
    public static Notice EmailChanged(string maskedNewEmail) => Notice.Of("SelfService.EmailChangedMail", maskedNewEmail);
}

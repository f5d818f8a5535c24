using ScorePortal.Platform.Notices;

namespace ScorePortal.Account;

/// <summary>What the account tells its owner; <see cref="Notices"/> puts it in words.</summary>
public static class AccountNotices
{
    /// <summary>The link that confirms a new account's address, valid for <paramref name="lifetime"/>.</summary>
    public static Notice ConfirmEmail(string link, TimeSpan lifetime) => Notice.Of("Email.Confirm", link, (int)lifetime.TotalHours);

    /// <summary>Someone registered again with an address that has an account: the owner learns of it, with a sign-in link.</summary>
    public static Notice AlreadyRegistered(string signInLink) => Notice.Of("Email.Registered", signInLink);

    /// <summary>An admin created an account for the recipient: the link sets its password, valid for <paramref name="lifetime"/>, once.</summary>
    public static Notice Invite(string link, TimeSpan lifetime) => Notice.Of("Email.Invite", link, (int)lifetime.TotalHours);

    /// <summary>The code of the second verification before a report download.</summary>
    public static Notice StepUpCode(string code, TimeSpan validFor) => Notice.Of("Mail.StepUpCode", code, (int)validFor.TotalMinutes);
}

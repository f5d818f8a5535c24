using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Notices;

namespace ScorePortal.Account.Admin;

/// <summary>What an account's holder is told when an admin changed the account; <see cref="Notices"/> puts it in words.</summary>
public static class AccountAdminNotices
{
    public const string RolesChanged = "AccountsAdmin.Mail.RolesChanged";
    public const string Disabled = "AccountsAdmin.Mail.Disabled";
    public const string Enabled = "AccountsAdmin.Mail.Enabled";
    public const string AuthenticatorReset = "AccountsAdmin.Mail.AuthenticatorReset";
    public const string AdminGranted = "AccountsAdmin.Mail.AdminGranted";

    /// <summary>One change, said in the recipient's language (<paramref name="change"/> is one of the keys above).</summary>
    public static Notice Changed(string change) => Notice.Of("AccountsAdmin.Mail", new NoticeText(change));

    /// <summary>Adds the notice of <paramref name="change"/> for <paramref name="user"/> to <paramref name="db"/>'s outbox (saved with the change).</summary>
    internal static void Tell(this Notices notices, ScorePortalDbContext db, ApplicationUser user, string? culture, string change)
    {
        if (string.IsNullOrEmpty(user.Email)) return;
        notices.Send(db, new NoticeRecipient(user.Email, InviteUser.Culture(culture)), Changed(change));
    }
}

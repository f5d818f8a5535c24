using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Notices;

namespace ScorePortal.Account;

/// <summary>
/// The account confirmation email, in the language of the page that asked for it (the culture of the request), with
/// an absolute link to <c>/Account/ConfirmEmail</c>. Register and the resend form both enqueue it through here.
/// </summary>
public static class ConfirmationEmail
{
    public const string ConfirmPath = "Account/ConfirmEmail";

    /// <summary>Generates a link for <paramref name="user"/> and adds the email to <paramref name="db"/>'s outbox (the caller saves).</summary>
    public static async Task EnqueueAsync(ScorePortalDbContext db, UserManager<ApplicationUser> users, ApplicationUser user,
        NavigationManager navigation, Notices notices, EmailConfirmationOptions options)
    {
        var code = await users.GenerateEmailConfirmationTokenAsync(user);
        var page = options.PublicBaseUrl is { } publicBase ? new Uri(publicBase, ConfirmPath) : navigation.ToAbsoluteUri(ConfirmPath);
        var link = navigation.GetUriWithQueryParameters(page.AbsoluteUri,
            new Dictionary<string, object?> { ["userId"] = user.Id, ["code"] = code });
        notices.Send(db, new NoticeRecipient(user.Email!, CultureInfo.CurrentUICulture.Name), AccountNotices.ConfirmEmail(link, options.LinkLifetime));
    }

    /// <summary>
    /// What the owner of an address gets when someone registers with it again: the registration page answers the same
    /// as for a new address (it must not tell which addresses have accounts), and the owner learns of it here instead.
    /// </summary>
    public static void EnqueueAlreadyRegistered(ScorePortalDbContext db, string to, NavigationManager navigation,
        Notices notices, EmailConfirmationOptions options)
    {
        const string signIn = "Account/Login";
        var link = (options.PublicBaseUrl is { } publicBase ? new Uri(publicBase, signIn) : navigation.ToAbsoluteUri(signIn)).AbsoluteUri;
        notices.Send(db, new NoticeRecipient(to, CultureInfo.CurrentUICulture.Name), AccountNotices.AlreadyRegistered(link));
    }
}

using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Outbox;

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
        NavigationManager navigation, IStringLocalizer<SharedResource> L, EmailConfirmationOptions options)
    {
        var code = await users.GenerateEmailConfirmationTokenAsync(user);
        var page = options.PublicBaseUrl is { } publicBase ? new Uri(publicBase, ConfirmPath) : navigation.ToAbsoluteUri(ConfirmPath);
        var link = navigation.GetUriWithQueryParameters(page.AbsoluteUri,
            new Dictionary<string, object?> { ["userId"] = user.Id, ["code"] = code });
        db.EnqueueEmail(Compose(L, user.Email!, link, options.LinkLifetime));
    }

    public static EmailMessage Compose(IStringLocalizer<SharedResource> L, string to, string link, TimeSpan lifetime)
    {
        var hours = (int)lifetime.TotalHours;
        var text = string.Join("\n\n",
            L["Email.Confirm.Greeting"].Value,
            L["Email.Confirm.Text", hours].Value,
            link,
            L["Email.Confirm.Ignore"].Value,
            L["App.Name"].Value);
        var html = HtmlEncoder.Default;
        var htmlBody =
            $"<p>{html.Encode(L["Email.Confirm.Greeting"])}</p>" +
            $"<p>{html.Encode(L["Email.Confirm.Text", hours])}</p>" +
            $"<p><a href=\"{html.Encode(link)}\">{html.Encode(L["Email.Confirm.Button"])}</a></p>" +
            $"<p>{html.Encode(L["Email.Confirm.CopyLink"])}<br>{html.Encode(link)}</p>" +
            $"<p>{html.Encode(L["Email.Confirm.Ignore"])}</p>" +
            $"<p>{html.Encode(L["App.Name"])}</p>";
        return new EmailMessage(to, L["Email.Confirm.Subject", L["App.Name"].Value], text, htmlBody);
    }

    /// <summary>
    /// What the owner of an address gets when someone registers with it again: the registration page answers the same
    /// as for a new address (it must not tell which addresses have accounts), and the owner learns of it here instead.
    /// </summary>
    public static void EnqueueAlreadyRegistered(ScorePortalDbContext db, string to, NavigationManager navigation,
        IStringLocalizer<SharedResource> L, EmailConfirmationOptions options)
    {
        const string signIn = "Account/Login";
        var link = (options.PublicBaseUrl is { } publicBase ? new Uri(publicBase, signIn) : navigation.ToAbsoluteUri(signIn)).AbsoluteUri;
        var html = HtmlEncoder.Default;
        var text = string.Join("\n\n", L["Email.Registered.Text"].Value, link, L["Email.Registered.Ignore"].Value, L["App.Name"].Value);
        var htmlBody =
            $"<p>{html.Encode(L["Email.Registered.Text"])}</p>" +
            $"<p><a href=\"{html.Encode(link)}\">{html.Encode(L["Account.SignIn"])}</a></p>" +
            $"<p>{html.Encode(L["Email.Registered.Ignore"])}</p>" +
            $"<p>{html.Encode(L["App.Name"])}</p>";
        db.EnqueueEmail(new EmailMessage(to, L["Email.Registered.Subject", L["App.Name"].Value], text, htmlBody));
    }
}

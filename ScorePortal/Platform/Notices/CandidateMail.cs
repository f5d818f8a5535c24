using System.Globalization;
using Microsoft.Extensions.Localization;
using ScorePortal.Platform.Outbox;
using ScorePortal.Localization;

namespace ScorePortal.Platform.Notices;

/// <summary>The candidate notices of the candidate area, each in the language the candidate used.</summary>
public sealed class CandidateMail(IStringLocalizer<SharedResource> localizer)
{
    public EmailMessage LinkCode(string to, string code, TimeSpan validFor, string culture) =>
        Message(to, culture, "Mail.LinkCode.Subject", "Mail.LinkCode.Body", code, (int)validFor.TotalMinutes);

    public EmailMessage Linked(string to, string culture) =>
        Message(to, culture, "Mail.Linked.Subject", "Mail.Linked.Body");

    public EmailMessage StepUpCode(string to, string code, TimeSpan validFor, string culture) =>
        Message(to, culture, "Mail.StepUpCode.Subject", "Mail.StepUpCode.Body", code, (int)validFor.TotalMinutes);

    public EmailMessage LinkReleased(string to, string culture) =>
        Message(to, culture, "Mail.LinkReleased.Subject", "Mail.LinkReleased.Body");

    /// <summary>A notice from resource keys, formatted in <paramref name="culture"/> (the review notices use it too).</summary>
    internal EmailMessage Message(string to, string culture, string subjectKey, string bodyKey, params object[] arguments)
    {
        var saved = CultureInfo.CurrentUICulture;
        var savedFormat = CultureInfo.CurrentCulture;
        var target = CultureInfo.GetCultureInfo(LocalizationExtensions.SupportedCultures.Contains(culture) ? culture : LocalizationExtensions.DefaultCulture);
        try
        {
            CultureInfo.CurrentUICulture = target;
            CultureInfo.CurrentCulture = target;
            var body = string.Format(target, localizer[bodyKey].Value, arguments) + "\n\n" + localizer["Mail.Footer"].Value;
            return new EmailMessage(to, localizer[subjectKey].Value, body);
        }
        finally
        {
            CultureInfo.CurrentUICulture = saved;
            CultureInfo.CurrentCulture = savedFormat;
        }
    }

    /// <summary>j***@example.com: enough to recognize one's own address, not to learn someone else's.</summary>
    public static string MaskEmail(string email)
    {
        var at = email.IndexOf('@');
        if (at <= 0) return "***";
        return string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }
}

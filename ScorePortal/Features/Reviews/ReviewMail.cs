using System.Globalization;
using Microsoft.Extensions.Localization;
using ScorePortal.Localization;
using ScorePortal.Platform.Notices;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Reviews;

/// <summary>The email a candidate gets at every step of a review, in the language they applied in.</summary>
public sealed class ReviewMail(CandidateMail mail, IStringLocalizer<SharedResource> localizer)
{
    public EmailMessage StatusChanged(string to, string culture, string caseNumber, ReviewStatus status, bool? changed, string? message)
    {
        var statusText = Localized(culture, ReviewText.StatusKey(status, changed));
        return mail.Message(to, culture, "Mail.Review.Subject", "Mail.Review.Body", caseNumber, statusText,
            string.IsNullOrWhiteSpace(message) ? "" : "\n\n" + message.Trim());
    }

    private string Localized(string culture, string key)
    {
        var saved = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(
                LocalizationExtensions.SupportedCultures.Contains(culture) ? culture : LocalizationExtensions.DefaultCulture);
            return localizer[key].Value;
        }
        finally
        {
            CultureInfo.CurrentUICulture = saved;
        }
    }
}

/// <summary>Resource keys of review values, shared by the pages, the mail and the PDFs.</summary>
public static class ReviewText
{
    public static string StatusKey(ReviewStatus status, bool? changed = null) => status switch
    {
        ReviewStatus.Decided when changed == true => "Review.Status.DecidedChanged",
        ReviewStatus.Decided => "Review.Status.DecidedUnchanged",
        _ => "Review.Status." + status,
    };

    public static string ReasonKey(ReviewReason reason) => "Review.Reason." + reason;

    public static string DeliveryKey(ReviewDelivery delivery) => "Review.Delivery." + delivery;

    public static string FileKindKey(ReviewFileKind kind) => "Review.File." + kind;
}

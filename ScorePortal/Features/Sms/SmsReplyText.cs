using System.Globalization;
using Microsoft.Extensions.Localization;
using ScorePortal.Features.Results;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Platform.Notices.Sms;

namespace ScorePortal.Features.Sms;

/// <summary>
/// The words of a reply, from the resources. A result goes in the holder's language (English for passport holders,
/// Chinese otherwise) and within two messages (134 Chinese characters; 306 GSM characters): the full form names every
/// subject; should a catalog's names not fit, shorter forms drop the subject names, then the session's.
/// </summary>
public sealed class SmsReplyText(IStringLocalizer<SharedResource> localizer)
{
    public const int MaxParts = 2;

    /// <summary>The one reply that says nothing: any sender other than the registered one, an unknown ID, a bad format.</summary>
    public string Fixed()
    {
        using (CultureScope.Use("zh-CN")) return localizer["Sms.Reply.Fixed"].Value;
    }

    /// <summary>To the registered number: no session of this record is released yet.</summary>
    public string NothingReleased(string culture)
    {
        using (CultureScope.Use(culture)) return localizer["Sms.Reply.NothingReleased"].Value;
    }

    public static string CultureOf(IdType type) => type == IdType.Passport ? "en-US" : "zh-CN";

    /// <summary>The session's result in the first form that fits in <see cref="MaxParts"/> messages.</summary>
    public string Result(ResultSheet sheet, string culture)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        using (CultureScope.Use(culture))
        {
            var session = PortalFormat.Name(sheet.SessionNameZh, sheet.SessionNameEn);
            var qualification = PortalFormat.Name(sheet.QualificationNameZh, sheet.QualificationNameEn);
            var verdict = localizer[sheet.QualificationPassed ? "Sms.Reply.Passed" : "Sms.Reply.NotPassed"].Value;
            var separator = localizer["Sms.Reply.Separator"].Value;
            var named = string.Join(separator, sheet.Subjects.Select(s => Subject(s, PortalFormat.Name(s.NameZh, s.NameEn))));
            var unnamed = string.Join(separator, sheet.Subjects.Select(s => Subject(s, "")));
            string[] forms =
            [
                Format("Sms.Reply.Result", session, qualification, named, verdict),
                Format("Sms.Reply.Result", session, qualification, unnamed, verdict),
                Format("Sms.Reply.Short", qualification, unnamed, verdict),
                Format("Sms.Reply.Short", session, unnamed, verdict),
            ];
            return forms.FirstOrDefault(f => SmsLength.Parts(f) <= MaxParts) ?? Format("Sms.Reply.VerdictOnly", verdict);
        }
    }

    private string Subject(SubjectLine line, string name) => line.Status switch
    {
        ScoreStatus.Absent => Format("Sms.Reply.SubjectAbsent", name),
        ScoreStatus.Voided => Format("Sms.Reply.SubjectVoided", name),
        _ when line.Score is null => Format("Sms.Reply.SubjectAbsent", name),
        _ => Format(line.Passed ? "Sms.Reply.SubjectPassed" : "Sms.Reply.SubjectFailed", name,
            line.Score.Value.ToString("0.#", CultureInfo.InvariantCulture)),
    };

    private string Format(string key, params object[] args) =>
        string.Format(CultureInfo.CurrentCulture, localizer[key].Value, args).Trim();
}

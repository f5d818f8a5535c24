using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScorePortal.Account;
using ScorePortal.Features.Me;
using ScorePortal.Features.Reviews;
using ScorePortal.Platform.Notices;
using NoticeService = ScorePortal.Platform.Notices.Notices;

namespace ScorePortal.Tests.Features.Notices;

/// <summary>A notice is rendered from its template and data in the recipient's language, whatever the caller's culture.</summary>
public sealed class NoticeRenderingTests
{
    private static readonly NoticeService Notices = new(new StringLocalizer<SharedResource>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance)));

    private const string ChineseFooter = "此邮件由软考成绩查询门户自动发送，请勿直接回复。如非本人操作，请联系所在地考试机构。";
    private const string EnglishFooter = "This message was sent automatically by the exam score portal; please do not reply. If this was not you, contact your exam center.";

    [Fact]
    public void A_link_code_notice_renders_in_Chinese_and_in_English()
    {
        var notice = LinkNotices.Code("271828", TimeSpan.FromMinutes(5));

        var chinese = Notices.RenderEmail("li.na@example.com", "zh-CN", notice);
        var english = Notices.RenderEmail("li.na@example.com", "en-US", notice);

        Assert.Equal(("li.na@example.com", "考生记录绑定验证码", null), (chinese.To, chinese.Subject, chinese.HtmlBody));
        Assert.Equal("您正在将考生记录绑定到成绩查询门户账号。验证码：271828（5 分钟内有效，仅可使用一次）。\n\n" + ChineseFooter, chinese.TextBody);
        Assert.Equal("Code to link your candidate record", english.Subject);
        Assert.Equal("Someone is linking your candidate record to a score portal account. Your code: 271828 (valid for 5 minutes, single use).\n\n" + EnglishFooter,
            english.TextBody);
    }

    [Fact]
    public void Translated_data_follows_the_recipient_language_not_the_caller_culture()
    {
        var notice = ReviewNotices.StatusChanged("FH2026H1-31-000007", ReviewStatus.Decided, changed: true, message: "  Re-marked by three experts. ");
        var before = CultureInfo.CurrentUICulture;

        var english = Notices.RenderEmail("a@example.com", "en-US", notice);
        var chinese = Notices.RenderEmail("a@example.com", "zh-CN", notice);

        Assert.Equal(before, CultureInfo.CurrentUICulture);
        Assert.Equal("Your score review request was updated", english.Subject);
        Assert.StartsWith("Your score review request (case FH2026H1-31-000007) has a new status: Decided: score changed.\n\nRe-marked by three experts.\n\n",
            english.TextBody);
        Assert.EndsWith(EnglishFooter, english.TextBody);
        Assert.Equal("成绩复核申请状态更新", chinese.Subject);
        Assert.StartsWith("您的成绩复核申请（案件号 FH2026H1-31-000007）状态已更新：已决定：成绩变更。\n\nRe-marked by three experts.\n\n", chinese.TextBody);
    }

    [Fact]
    public void The_confirmation_email_keeps_its_HTML_body_and_encodes_the_link()
    {
        const string link = "https://scores.example.org/Account/ConfirmEmail?userId=u1&code=a<b";

        var english = Notices.RenderEmail("new@example.com", "en-US", AccountNotices.ConfirmEmail(link, TimeSpan.FromHours(24)));
        var chinese = Notices.RenderEmail("new@example.com", "zh-CN", AccountNotices.ConfirmEmail(link, TimeSpan.FromHours(24)));

        Assert.Equal("Confirm your email address - Exam Score Portal", english.Subject);
        Assert.Equal(string.Join("\n\n", "Hello,",
            "Thank you for registering a candidate account. Please open the link below within 24 hours to confirm your email address:",
            link, "If you did not register, please ignore this email; nothing else will happen.", "Exam Score Portal"), english.TextBody);
        Assert.Contains("<a href=\"https://scores.example.org/Account/ConfirmEmail?userId=u1&amp;code=a&lt;b\">Confirm my email address</a>", english.HtmlBody);
        Assert.Contains("<p>If the button does not work, copy this link into your browser:<br>", english.HtmlBody);
        Assert.Equal("请确认您的电子邮箱 - 软考成绩查询", chinese.Subject);
        Assert.StartsWith("<p>您好：</p><p>感谢您注册考生账号。请在 24 小时内打开以下链接", System.Net.WebUtility.HtmlDecode(chinese.HtmlBody));
    }

    [Fact]
    public void A_culture_the_portal_does_not_speak_gets_Chinese()
    {
        var email = Notices.RenderEmail("a@example.com", "fr-FR", LinkNotices.Released());
        Assert.Equal("考生记录绑定已解除", email.Subject);
    }

    [Fact]
    public void Every_template_has_its_words_in_both_languages()
    {
        foreach (var template in NoticeTemplates.Names)
        foreach (var culture in new[] { "zh-CN", "en-US" })
        {
            var email = Notices.RenderEmail("a@example.com", culture, Notice.Of(template, "https://example.org/x", 1, 2));
            Assert.DoesNotContain(template, email.Subject, StringComparison.Ordinal);
            Assert.DoesNotContain(template, email.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("Email.", email.HtmlBody ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_unknown_template_is_refused_and_masking_keeps_one_letter_and_the_domain()
    {
        Assert.Throws<ArgumentException>(() => Notices.RenderEmail("a@example.com", "zh-CN", Notice.Of("Mail.NoSuchThing")));
        Assert.Equal("j***@example.com", NoticeService.MaskEmail("jane@example.com"));
        Assert.Equal("***", NoticeService.MaskEmail("no-at-sign"));
    }
}

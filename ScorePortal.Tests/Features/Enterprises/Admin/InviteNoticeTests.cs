using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScorePortal.Account;
using NoticeService = ScorePortal.Platform.Notices.Notices;

namespace ScorePortal.Tests.Features.Enterprises.Admin;

/// <summary>The invitation email in both languages: the link as text and as a button, the lifetime in hours.</summary>
public sealed class InviteNoticeTests
{
    private static readonly NoticeService Notices = new(new StringLocalizer<SharedResource>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance)));

    [Fact]
    public void The_invitation_reads_in_the_recipients_language_with_its_link_and_lifetime()
    {
        const string link = "https://scores.example.org/Account/AcceptInvite?userId=u1&code=a<b&culture=en-US";
        var notice = AccountNotices.Invite(link, TimeSpan.FromHours(72));

        var english = Notices.RenderEmail("hr@example.com", "en-US", notice);
        var chinese = Notices.RenderEmail("hr@example.com", "zh-CN", notice);

        Assert.Equal("You are invited to Exam Score Portal", english.Subject);
        Assert.Equal(string.Join("\n\n", "Hello,",
            "An administrator has created an account for you. Open the link below within 72 hours to choose your password (the link works once); you will then set up an authenticator.",
            link, "If you do not know who invited you, ignore this email: without a password the account cannot be used.", "Exam Score Portal"),
            english.TextBody);
        Assert.Contains("<a href=\"https://scores.example.org/Account/AcceptInvite?userId=u1&amp;code=a&lt;b&amp;culture=en-US\">Set my password</a>", english.HtmlBody);
        Assert.Equal("邀请您使用 软考成绩查询", chinese.Subject);
        Assert.Contains("请在 72 小时内打开以下链接设置密码", chinese.TextBody);
    }
}

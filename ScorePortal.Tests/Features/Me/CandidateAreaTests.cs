using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Me;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Me.CandidateTestSupport;

namespace ScorePortal.Tests.Features.Me;

public sealed class CandidateAreaTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    [Fact]
    public async Task Anonymous_visitor_of_the_candidate_area_is_sent_to_sign_in()
    {
        using var client = new BrowserlessClient(portal);

        using var response = await client.Http.GetAsync("/me");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.RedirectTarget());
    }

    [Fact]
    public async Task Candidate_links_a_record_without_email_and_sees_its_released_results()
    {
        var (client, _, _) = await SignedInCandidateAsync(portal);
        using var _c = client;
        var tickets = await TicketsAsync(portal, IdType.ResidentId, "110105199003072311");

        var (_, before) = await client.GetAsync("/me");
        Assert.Contains("data-testid=\"me-link\"", before);

        // The ID typed with spaces and the name with full-width spaces around it: the lookup's normalization applies.
        using var linked = await LinkAsync(client, IdType.ResidentId, "110105 19900307 2311", "\u3000张伟 ", tickets[0].ToLowerInvariant());
        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);
        Assert.Equal("/me", linked.RedirectTarget());

        var (status, html) = await client.GetAsync("/me");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-testid=\"result-sheet\"", html);
        Assert.Contains("张伟", html);
        Assert.Contains("110105********2311", html);
        Assert.Contains(">58<", html);
        // 2026H2 is registered but not released: it is not shown.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "data-testid=\"me-session\""));
        Assert.DoesNotContain(tickets[^1], html);
    }

    [Fact]
    public async Task Every_kind_of_mismatch_gets_one_answer_and_wrong_tries_run_out()
    {
        var (client, userId, _) = await SignedInCandidateAsync(portal);
        using var _c = client;
        var ticket = (await TicketsAsync(portal, IdType.ResidentId, "31010419880615478X"))[0];

        string[] answers =
        [
            await ErrorsAsync(await LinkAsync(client, IdType.ResidentId, "31010419880615478X", "李娜娜", ticket)),
            await ErrorsAsync(await LinkAsync(client, IdType.ResidentId, "31010419880615478X", "李娜", "2020H1-31-999999")),
            await ErrorsAsync(await LinkAsync(client, IdType.ResidentId, "110101199001011237", "李娜", ticket)),
        ];
        // The message block is the same for each; only the echoed input differs.
        var messages = answers.Select(FormErrors).ToList();
        Assert.All(messages, m => Assert.Contains("未找到与所填证件、姓名和准考证号相符的考生记录", m));
        Assert.Single(messages.Distinct());

        await ErrorsAsync(await LinkAsync(client, IdType.ResidentId, "31010419880615478X", "李四", ticket));
        await ErrorsAsync(await LinkAsync(client, IdType.ResidentId, "31010419880615478X", "王五", ticket));
        // Five wrong tries spent: even the right details are refused now, and nothing was linked.
        var refused = await ErrorsAsync(await LinkAsync(client, IdType.ResidentId, "31010419880615478x", "李娜", ticket));
        Assert.Contains("尝试次数过多", refused);
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Candidates.AnyAsync(c => c.UserId == userId));
        Assert.True(await db.AuditEntries.CountAsync(e => e.Action == "candidate.link" && e.ActorUserId == userId) >= 6);
    }

    [Fact]
    public async Task Invalid_input_is_refused_with_what_to_fix()
    {
        var (client, _, _) = await SignedInCandidateAsync(portal);
        using var _c = client;

        var html = await ErrorsAsync(await LinkAsync(client, IdType.ResidentId, "110105199003072312", "<script>alert(1)</script>", "x y"));

        Assert.Contains("校验码", html);
        Assert.Contains("准考证号", html);
        Assert.DoesNotContain("<script>alert(1)</script>", html);
    }

    [Fact]
    public async Task Record_with_an_email_is_linked_only_with_the_code_sent_there_and_the_email_is_told()
    {
        var (client, userId, _) = await SignedInCandidateAsync(portal);
        using var _c = client;
        var ticket = (await TicketsAsync(portal, IdType.Passport, "E12345678"))[0];
        const string recordEmail = "john.smith@example.com";
        var before = portal.Mailbox.MessagesTo(recordEmail);

        var sent = await ErrorsAsync(await LinkAsync(client, IdType.Passport, "e1234 5678", "Smith  John", ticket));
        Assert.Contains("data-testid=\"link-code-sent\"", sent);
        Assert.Contains("j***@example.com", sent);
        var code = await NextCodeAsync(portal, recordEmail, before);

        var wrongCode = code == "000000" ? "000001" : "000000";
        using (var wrong = await client.SubmitAsync("/me/link", "link-confirm", new Dictionary<string, string> { ["Code.Value"] = wrongCode }))
            Assert.Contains("验证码不正确", await wrong.Content.ReadAsStringAsync());
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
            Assert.False(await db.Candidates.AnyAsync(c => c.UserId == userId));

        var beforeNotice = portal.Mailbox.MessagesTo(recordEmail);
        using var confirmed = await client.SubmitAsync("/me/link", "link-confirm", new Dictionary<string, string> { ["Code.Value"] = code });
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        var notice = await portal.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, recordEmail) && !beforeNotice.Contains(m), TimeSpan.FromSeconds(30));
        Assert.Contains("绑定", notice.Subject);

        // The code is spent: replaying it links nothing and says so.
        using var replay = await client.SubmitAsync("/me/link?again=1", "link", new Dictionary<string, string>
        {
            ["Input.IdType"] = "Passport", ["Input.IdNumber"] = "E12345678", ["Input.Name"] = "SMITH JOHN", ["Input.Ticket"] = ticket,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Contains("已绑定考生记录", await replay.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_second_account_cannot_claim_a_linked_record_until_an_admin_releases_it()
    {
        var ticket = (await TicketsAsync(portal, IdType.ResidentId, "440106199509216119"))[0];
        var (first, _, _) = await SignedInCandidateAsync(portal);
        using var _f = first;
        using (var linked = await LinkAsync(first, IdType.ResidentId, "440106199509216119", "刘洋", ticket))
            Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);

        var (second, secondId, _) = await SignedInCandidateAsync(portal);
        using var _s = second;
        var claimed = await ErrorsAsync(await LinkAsync(second, IdType.ResidentId, "440106199509216119", "刘洋", ticket));
        Assert.Contains("已被其他账号绑定", claimed);

        var release = portal.Services.GetRequiredService<ReleaseCandidateLink>();
        var view = await release.FindAsync(IdType.ResidentId, "440106199509216119");
        Assert.NotNull(view?.LinkedAccountEmail);
        Assert.Equal("刘*", view!.MaskedName);
        Assert.Equal("Admin.Links.ReasonRequired", await release.HandleAsync(new ReleaseCandidateLinkRequest("admin", view.CandidateId, " "), "zh-CN"));
        Assert.Null(await release.HandleAsync(new ReleaseCandidateLinkRequest("admin", view.CandidateId, "Candidate called: not their account"), "zh-CN"));

        using (var relinked = await LinkAsync(second, IdType.ResidentId, "440106199509216119", "刘洋", ticket))
            Assert.Equal(HttpStatusCode.Redirect, relinked.StatusCode);
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(secondId, await db.Candidates.Where(c => c.Id == view.CandidateId).Select(c => c.UserId).SingleAsync());
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "candidate.link.release" && e.TargetId == view.CandidateId.ToString()));
    }

    [Fact]
    public async Task An_expired_download_code_is_refused_with_a_clear_message()
    {
        var (client, _, email) = await SignedInCandidateAsync(portal);
        using var _c = client;
        var before = portal.Mailbox.MessagesTo(email);
        using (var send = await client.SubmitAsync("/Account/StepUp", "stepup-send", new Dictionary<string, string>()))
            Assert.Contains("data-testid=\"stepup-notice\"", await send.Content.ReadAsStringAsync());
        var code = await NextCodeAsync(portal, email, before);

        portal.Clock.Advance(OneTimeCodeLifetime + TimeSpan.FromSeconds(1));
        using var late = await client.SubmitAsync("/Account/StepUp", "stepup", new Dictionary<string, string>
        {
            ["Input.Password"] = Password,
            ["Input.Code"] = code,
        });

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Contains("验证码已过期或已使用", await late.Content.ReadAsStringAsync());
    }

    private static readonly TimeSpan OneTimeCodeLifetime = ScorePortal.Account.OneTimeCode.Lifetime;

    private static string FormErrors(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"form-errors\">(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;

    private static async Task<string> ErrorsAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
    }
}

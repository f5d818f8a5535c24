using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

public sealed class LookupPageTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string NotFoundZh = "未查询到成绩。请核对考试批次、证件号码（或准考证号）和姓名是否与报名信息完全一致。";

    private async Task<(string Released, string Scheduled)> SessionsAsync()
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var sessions = await db.ExamSessions.AsNoTracking().ToListAsync();
        var released = sessions.Where(s => s.PublishedAt is not null).OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).First();
        var scheduled = sessions.First(s => s.PublishedAt is null);
        return (released.Code, scheduled.Code);
    }

    private async Task<string> LookUpAsync(string idNumber, string name, string? session = null, string idType = "ResidentId", string path = "/lookup")
    {
        session ??= (await SessionsAsync()).Released;
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync(path, "lookup", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = session, ["Input.IdType"] = idType, ["Input.IdNumber"] = idNumber, ["Input.Name"] = name,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private async Task<string> LookUpByTicketAsync(string ticket, string name, string path = "/lookup")
    {
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync(path, "lookup-ticket", new Dictionary<string, string>
        {
            ["Ticket.TicketNumber"] = ticket, ["Ticket.Name"] = name,
            ["Ticket.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Demo_candidate_finds_the_result_sheet_by_id_number_and_name()
    {
        var html = await LookUpAsync("110105199003072311", "张伟");

        Assert.Contains("data-testid=\"result-sheet\"", html);
        Assert.Contains("110105********2311", html);
        Assert.DoesNotContain("110105199003072311", html);
        Assert.Contains("软件设计师", html);
        Assert.Contains(">58<", html);
        Assert.Contains("资格考试合格，证书编号：RK", html);
    }

    [Fact]
    public async Task Demo_candidate_finds_the_result_sheet_in_english()
    {
        var html = await LookUpAsync("110105199003072311", "张伟", path: "/lookup?culture=en-US");

        Assert.Contains("Score report", html);
        Assert.Contains("Qualification passed. Certificate number: RK", html);
    }

    [Fact]
    public async Task Demo_candidate_finds_the_result_sheet_by_ticket_in_both_languages()
    {
        var session = (await SessionsAsync()).Released;
        var zh = await LookUpByTicketAsync($"{session}-11-000001", "张伟");
        var en = await LookUpByTicketAsync($"{session.ToLowerInvariant()}-11-000001", "张伟", "/lookup?culture=en-US");

        Assert.Contains("110105********2311", zh);
        Assert.Contains("成绩单", zh);
        Assert.Contains("110105********2311", en);
        Assert.Contains("Score report", en);
    }

    [Theory]
    [InlineData("杨\U00020BB7")]
    [InlineData("杨U+20BB7")]
    [InlineData("杨&#x20BB7;")]
    public async Task Lookup_with_rare_character_name_matches(string typed)
    {
        var html = await LookUpAsync("320102199211083808", typed);

        Assert.Contains("杨\U00020BB7", html);
        Assert.Contains("系统架构设计师", html);
    }

    [Theory]
    [InlineData("买买提•艾力")]
    [InlineData("买买提・艾力")]
    [InlineData("买买提.艾力")] // the ASCII full stop, as a phone keyboard types it
    [InlineData("买买提．艾力")]
    [InlineData("买买提。艾力")]
    public async Task Middle_dot_look_alikes_match_the_registered_name(string typed)
    {
        var html = await LookUpAsync("650102199302267414", typed);

        Assert.Contains("买买提·艾力", html);
        Assert.Contains("data-testid=\"result-sheet\"", html);
    }

    [Fact]
    public async Task Lower_case_x_check_digit_is_accepted()
    {
        var html = await LookUpAsync("31010419880615478x", "李娜");

        Assert.Contains("310104********478X", html);
        Assert.Contains("不合格", html);
    }

    [Fact]
    public async Task Wrong_name_and_unknown_id_get_the_identical_answer()
    {
        var wrongName = await LookUpAsync("110105199003072311", "张玮");
        var unknownId = await LookUpAsync(ValidUnknownId(), "张伟");

        Assert.Contains(NotFoundZh, wrongName);
        Assert.Contains(NotFoundZh, unknownId);
        Assert.DoesNotContain("result-sheet", wrongName);
        Assert.Equal(Alert(wrongName), Alert(unknownId));
    }

    private static string ValidUnknownId()
    {
        const string first17 = "11010519900101999";
        return first17 + ScorePortal.Model.ResidentIdNumber.ComputeCheckDigit(first17);
    }

    private static string Alert(string html)
    {
        var start = html.IndexOf("data-testid=\"lookup-not-found\"", StringComparison.Ordinal);
        return html.Substring(start, html.IndexOf("</div>", start, StringComparison.Ordinal) - start);
    }

    [Theory]
    [InlineData("110105199003072312", "张伟", "证件号码最后一位校验码不正确")]
    [InlineData("110105199013072311", "张伟", "证件号码第 7–14 位的出生日期无效")]
    [InlineData("11010519900307231", "张伟", "身份证号应为 18 位")]
    [InlineData("", "张伟", "请输入证件号码。")]
    [InlineData("110105199003072311", "", "请输入姓名。")]
    [InlineData("110105199003072311", "杨U+110000", "姓名中的字符编码无效")]
    [InlineData("110105199003072311", "<script>alert(1)</script>", "姓名只能包含文字")]
    [InlineData("110105199003072311", "张伟2", "姓名只能包含文字")]
    public async Task Invalid_input_gets_a_message_saying_what_to_fix(string id, string name, string message)
    {
        var html = await LookUpAsync(id, name);

        Assert.Contains(message, html);
        Assert.DoesNotContain("result-sheet", html);
    }

    [Fact]
    public async Task Name_of_fifty_one_characters_is_too_long()
    {
        var html = await LookUpAsync("110105199003072311", new string('伟', 51));

        Assert.Contains("姓名最多 50 个字。", html);
    }

    [Fact]
    public async Task Passport_number_with_symbols_is_refused_with_the_format()
    {
        var html = await LookUpAsync("E123#", "SMITH JOHN", idType: "Passport");

        Assert.Contains("护照号码应为 5–20 位字母或数字。", html);
    }

    [Fact]
    public async Task Unknown_session_is_refused()
    {
        var html = await LookUpAsync("110105199003072311", "张伟", session: "1999H1");

        Assert.Contains("所选考试批次不存在", html);
    }

    [Fact]
    public async Task Session_not_yet_released_says_when_results_are_published()
    {
        var scheduled = (await SessionsAsync()).Scheduled;

        var html = await LookUpAsync("110105199003072311", "张伟", session: scheduled);

        Assert.Contains("data-testid=\"lookup-not-released\"", html);
        Assert.Contains("尚未发布，预计发布时间：", html);
        Assert.Matches(@"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", html);
    }

    [Fact]
    public async Task Absent_and_voided_subjects_show_their_marks()
    {
        var absent = await LookUpAsync("440106199509216119", "刘洋");
        var voided = await LookUpAsync("370102199608302908", "孙丽");

        Assert.Contains("data-testid=\"mark-absent\">缺考<", absent);
        Assert.Contains("data-testid=\"mark-voided\">违纪<", voided);
    }

    [Fact]
    public async Task Pass_carried_over_from_the_previous_session_is_listed_with_its_validity()
    {
        var html = await LookUpAsync("420106198507191503", "陈静");

        Assert.Contains("data-testid=\"sheet-valid-passes\"", html);
        Assert.Contains("有效期至", html);
        Assert.Contains("资格考试合格，证书编号：RK", html);
    }

    [Fact]
    public async Task Residence_permit_holder_finds_the_result_sheet()
    {
        var html = await LookUpAsync("810000199105038614", "陈家豪", idType: "HkMacaoTaiwanPermit");

        Assert.Contains("810000********8614", html);
        Assert.Contains("数据库系统工程师", html);
    }

    [Fact]
    public async Task Permit_number_must_start_with_81_82_or_83()
    {
        var html = await LookUpAsync("110105199003072311", "张伟", idType: "HkMacaoTaiwanPermit");

        Assert.Contains("港澳台居民居住证号码应为 18 位，并以 81、82 或 83 开头。", html);
    }

    [Fact]
    public async Task Passport_holder_finds_the_result_sheet_whatever_the_letter_case_of_the_name()
    {
        var html = await LookUpAsync("e12345678", "Smith  John", idType: "Passport", path: "/lookup?culture=en-US");

        Assert.Contains("E1*****78", html);
        Assert.Contains("Score report", html);
    }

    [Fact]
    public async Task Registered_candidate_without_scores_is_sent_to_the_provincial_exam_center()
    {
        const string first17 = "11010819800101002";
        var id = first17 + ScorePortal.Model.ResidentIdNumber.ComputeCheckDigit(first17);
        var session = (await SessionsAsync()).Released;
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            var index = portal.Services.GetRequiredService<ScorePortal.Security.BlindIndex>();
            var candidate = new ScorePortal.Model.Candidate
            {
                IdType = ScorePortal.Model.IdType.ResidentId, IdNumber = id,
                IdNumberIndex = index.Compute(ScorePortal.Model.IdType.ResidentId, id), Name = "王无分",
            };
            candidate.Registrations.Add(new ScorePortal.Model.Registration
            {
                ExamSessionId = (await db.ExamSessions.SingleAsync(s => s.Code == session)).Id,
                QualificationId = (await db.Qualifications.FirstAsync()).Id,
                ProvinceCode = "11", TicketNumber = $"{session}-11-999999",
            });
            db.Candidates.Add(candidate);
            await db.SaveChangesAsync();
        }

        var html = await LookUpAsync(id, "王无分");

        Assert.Contains("data-testid=\"lookup-no-scores\"", html);
        Assert.Contains("请联系报考地的考试中心", html);
        // Where to ask: the exam center of the registration's province (11), with every contact it has.
        await using var check = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var center = await check.Provinces.AsNoTracking().SingleAsync(p => p.Code == "11");
        Assert.NotNull(center.ContactPhone);
        Assert.NotNull(center.ContactEmail);
        Assert.Contains($"<strong>{center.ExamCenterNameZh}</strong>", html);
        Assert.Contains($"href=\"tel:{center.ContactPhone}\"", html);
        Assert.Contains($"href=\"mailto:{center.ContactEmail}\"", html);
        if (center.ContactAddress is { } address) Assert.Contains(address, html);
    }

    [Fact]
    public async Task Home_page_leads_to_the_lookup()
    {
        using var client = new BrowserlessClient(portal);
        var (_, html) = await client.GetAsync("/");

        Assert.Contains("href=\"/lookup\"", html);
    }
}

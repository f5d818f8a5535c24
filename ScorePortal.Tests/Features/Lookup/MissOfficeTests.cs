using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>
/// A "not found" answer names the exam office of the province the typed resident ID (or ticket) names, the same for a
/// wrong name and for a number nobody has, so it reveals nothing about whether a record exists.
/// </summary>
public sealed class MissOfficeTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private async Task<string> ReleasedSessionAsync()
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return (await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt != null).ToListAsync())
            .OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).First().Code;
    }

    private async Task<Province> ProvinceAsync(string code)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return await db.Provinces.AsNoTracking().SingleAsync(p => p.Code == code);
    }

    private async Task<string> SubmitAsync(string path, string handler, Dictionary<string, string> fields)
    {
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync(path, handler, fields);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private async Task<string> LookUpAsync(string idNumber, string name, string idType = "ResidentId", string path = "/lookup") =>
        await SubmitAsync(path, "lookup", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = await ReleasedSessionAsync(), ["Input.IdType"] = idType, ["Input.IdNumber"] = idNumber, ["Input.Name"] = name,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });

    private static string ValidId(string first17) => first17 + ResidentIdNumber.ComputeCheckDigit(first17);

    private static string Office(string html)
    {
        var start = html.IndexOf("data-testid=\"lookup-office\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "no office block in the answer");
        return html.Substring(start, html.IndexOf("</div>", start, StringComparison.Ordinal) - start);
    }

    [Fact]
    public async Task A_wrong_name_and_an_unknown_number_of_one_province_name_the_same_office_with_its_contacts()
    {
        var wrongName = await LookUpAsync("110105199003072311", "张玮");
        var unknownId = await LookUpAsync(ValidId("11010519900101999"), "张伟");

        var beijing = await ProvinceAsync("11");
        var office = Office(wrongName);
        Assert.Equal(office, Office(unknownId));
        Assert.Contains("请联系您所填身份证号码所属省份的考试机构", office);
        Assert.Contains($"<strong>{beijing.ExamCenterNameZh}</strong>", office);
        Assert.Contains($"href=\"tel:{beijing.ContactPhone}\"", office);
        Assert.Contains($"href=\"mailto:{beijing.ContactEmail}\"", office);
    }

    [Fact]
    public async Task The_office_follows_the_first_two_digits_in_either_language()
    {
        var shanghai = await ProvinceAsync("31");

        var zh = Office(await LookUpAsync(ValidId("31010419880615999"), "李娜"));
        var en = Office(await LookUpAsync(ValidId("31010419880615999"), "李娜", path: "/lookup?culture=en-US"));

        Assert.Contains(shanghai.ExamCenterNameZh, zh);
        Assert.Contains(shanghai.ExamCenterNameEn, en);
        Assert.Contains("the province your resident ID number belongs to", en);
        Assert.DoesNotContain((await ProvinceAsync("11")).ExamCenterNameZh, zh);
    }

    [Fact]
    public async Task A_ticket_miss_names_the_office_of_the_ticket_s_province()
    {
        var guangdong = await ProvinceAsync("44");
        var html = await SubmitAsync("/lookup", "lookup-ticket", new Dictionary<string, string>
        {
            ["Ticket.TicketNumber"] = $"{await ReleasedSessionAsync()}-44-987654", ["Ticket.Name"] = "陈静",
            ["Ticket.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });

        Assert.Contains("data-testid=\"lookup-not-found\"", html);
        var office = Office(html);
        Assert.Contains("准考证号所属省份", office);
        Assert.Contains(guangdong.ExamCenterNameZh, office);
    }

    [Fact]
    public async Task Documents_that_name_no_province_say_whom_to_ask_instead()
    {
        var passportOnMainForm = Office(await LookUpAsync("E99887766", "SMITH JANE", idType: "Passport"));
        var overseas = Office(await SubmitAsync("/lookup/overseas?culture=en-US", "lookup-overseas", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = await ReleasedSessionAsync(), ["Input.PassportNumber"] = "X98765432", ["Input.Email"] = "nobody@example.com",
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        }));

        Assert.Contains("请联系您报名所在省份的考试机构", passportOnMainForm);
        Assert.DoesNotContain("<strong>", passportOnMainForm);
        Assert.Contains("the exam office you registered with", overseas);
        Assert.Contains("Never use a third-party lookup service", overseas);
    }

    [Fact]
    public async Task A_found_result_carries_no_office_block()
    {
        var html = await LookUpAsync("110105199003072311", "张伟");

        Assert.Contains("data-testid=\"result-sheet\"", html);
        Assert.DoesNotContain("data-testid=\"lookup-office\"", html);
    }
}

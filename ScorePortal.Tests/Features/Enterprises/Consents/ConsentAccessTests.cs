using System.Text.RegularExpressions;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Consents;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Enterprises.Consents.ConsentTestSupport;

namespace ScorePortal.Tests.Features.Enterprises.Consents;

/// <summary>"Who looked at my results" (/me/consents/access): the access log's rows that name the candidate, and no others.</summary>
public sealed partial class ConsentAccessTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private async Task AddAccessAsync(int enterpriseId, int? candidateId, string employeeId, int? qualificationId, string outcome, string fields, DateTimeOffset at)
    {
        await using var db = await DbAsync(portal);
        db.ApiAccessLog.Add(new ApiAccess
        {
            At = at, EnterpriseId = enterpriseId, ApiKeyId = 1, EmployeeId = employeeId, CandidateId = candidateId,
            QualificationId = qualificationId, Outcome = outcome, Fields = fields,
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Who_looked_shows_only_my_rows_newest_first_with_outcomes_and_fields_in_my_language()
    {
        var enterpriseId = await AddEnterpriseAsync(portal, "青岛海岸人力资源有限公司");
        using var me = await LinkedCandidateAsync(portal);
        using var someoneElse = await LinkedCandidateAsync(portal);
        var qualification = (await QualificationsOfAsync(portal, me.CandidateId))[0];
        var at = new DateTimeOffset(2026, 3, 2, 1, 5, 0, TimeSpan.Zero); // 09:05 in China

        await AddAccessAsync(enterpriseId, me.CandidateId, "Q5001", qualification, "success", ConsentFields.AllText, at);
        await AddAccessAsync(enterpriseId, me.CandidateId, "Q5001", qualification, "no_consent", "", at.AddHours(2));
        await AddAccessAsync(enterpriseId, someoneElse.CandidateId, "Q5999", qualification, "success", ConsentFields.AllText, at.AddHours(1));
        await AddAccessAsync(enterpriseId, null, "Q5001", null, "invalid_key", "", at.AddHours(3));

        var (_, html) = await me.Client.GetAsync("/me/consents/access");
        var outcomes = OutcomeAttribute().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["no_consent", "success"], outcomes);
        Assert.DoesNotContain("Q5999", html);
        Assert.Contains("青岛海岸人力资源有限公司", html);
        Assert.Contains("2026年3月2日 09:05", html);
        Assert.Contains("已拒绝：授权已撤回或不含该资格", html);
        Assert.Contains("已返回成绩", html);
        Assert.Contains("证书编号", html);
        Assert.Contains("历次成绩", html);

        // The same rows in English once the candidate switches language.
        (await me.Client.Http.GetAsync("/culture/en-US?returnUrl=%2F")).Dispose();
        var inEnglish = System.Net.WebUtility.HtmlDecode((await me.Client.GetAsync("/me/consents/access")).Html);
        Assert.Contains("Refused: consent revoked or not for this qualification", inEnglish);
        Assert.Contains("2026-03-02 09:05 UTC+8", inEnglish);
        Assert.Contains("Certificate number", inEnglish);

        var (_, other) = await someoneElse.Client.GetAsync("/me/consents/access");
        Assert.Equal(["success"], OutcomeAttribute().Matches(other).Select(m => m.Groups[1].Value));
        Assert.DoesNotContain("Q5001", other);
    }

    [Fact]
    public async Task Who_looked_is_paged_and_says_so_when_nobody_looked()
    {
        using var me = await LinkedCandidateAsync(portal);
        var (_, empty) = await me.Client.GetAsync("/me/consents/access");
        Assert.Contains("data-testid=\"access-empty\"", empty);

        var enterpriseId = await AddEnterpriseAsync(portal, "厦门鹭岛分页有限公司");
        var start = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < MyApiAccess.PageSize + 5; i++)
            await AddAccessAsync(enterpriseId, me.CandidateId, $"P{i:00}", null, "consent_expired", "", start.AddMinutes(i));

        var (_, first) = await me.Client.GetAsync("/me/consents/access");
        Assert.Equal(MyApiAccess.PageSize, Regex.Count(first, "data-testid=\"access-row\""));
        Assert.Contains(">P24<", first);
        Assert.Contains("已拒绝：授权已过期", first);
        var (_, second) = await me.Client.GetAsync("/me/consents/access?page=2");
        Assert.Equal(5, Regex.Count(second, "data-testid=\"access-row\""));
        Assert.Contains(">P00<", second);
    }

    [GeneratedRegex("data-testid=\"access-row\" data-id=\"\\d+\" data-outcome=\"([a-z_]+)\"")]
    private static partial Regex OutcomeAttribute();
}

using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Consents;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Features.Me;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Enterprises.Consents.ConsentTestSupport;

namespace ScorePortal.Tests.Features.Enterprises.Consents;

/// <summary>Granting a consent: the statement, the second verification, the checks, and one open consent per employee id.</summary>
public sealed class GrantConsentTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private GrantConsent Grant => portal.Services.GetRequiredService<GrantConsent>();

    [Fact]
    public async Task Granting_asks_for_the_second_verification_and_comes_back_with_the_choices_kept()
    {
        var enterpriseId = await AddEnterpriseAsync(portal, "北京云图科技有限公司");
        using var candidate = await LinkedCandidateAsync(portal);
        var qualifications = await QualificationsOfAsync(portal, candidate.CandidateId);
        var expires = Today(portal).AddMonths(6);

        // The page states who receives what before anything is agreed.
        var (status, statement) = await candidate.Client.GetAsync(GrantPath(enterpriseId));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("北京云图科技有限公司", statement);
        Assert.Contains("王敏", statement);
        Assert.Contains("010-62345678", statement);
        Assert.Contains("核验员工的职业资格证书", statement);
        foreach (var field in ConsentFields.All) Assert.Contains($"data-field=\"{field}\"", statement);
        Assert.Contains("data-testid=\"consent-stepup-hint\"", statement);

        // Without the second verification: off to /Account/StepUp, nothing stored, the employee id sealed in the draft.
        using (var first = await PostGrantAsync(candidate.Client, GrantPath(enterpriseId), "ｅ２０２３００１", qualifications, expires, agree: true))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
            var target = first.RedirectTarget();
            Assert.StartsWith("/Account/StepUp?returnUrl=", target);
            Assert.DoesNotContain("2023001", Uri.UnescapeDataString(target));
            await using (var db = await DbAsync(portal))
                Assert.False(await db.Consents.AnyAsync(c => c.CandidateId == candidate.CandidateId));

            await CandidateTestSupport.PassStepUpAsync(candidate.Client, portal, candidate.Email);
            var back = QueryHelpers.ParseQuery(new Uri(new Uri("http://localhost"), target).Query)["returnUrl"].ToString();
            Assert.StartsWith(GrantPath(enterpriseId) + "&draft=", back);

            // Back on the form: every choice kept, the agreement to tick again.
            var (_, restored) = await candidate.Client.GetAsync(back);
            Assert.Contains("data-testid=\"consent-draft-restored\"", restored);
            Assert.Contains("value=\"E2023001\"", restored);
            Assert.Contains($"value=\"{Iso(expires)}\"", restored);
            foreach (var id in qualifications) Assert.Matches($"<input type=\"checkbox\" id=\"consent-q-{id}\"[^>]* checked", restored);

            using var granted = await PostGrantAsync(candidate.Client, back, "E2023001", qualifications, expires, agree: true);
            Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);
            Assert.Equal("/me/consents?granted=1", granted.RedirectTarget());
        }

        await using var check = await DbAsync(portal);
        var consent = await check.Consents.Include(c => c.Qualifications).SingleAsync(c => c.CandidateId == candidate.CandidateId);
        Assert.Equal(enterpriseId, consent.EnterpriseId);
        Assert.Equal("E2023001", consent.EmployeeId);
        Assert.Equal(ConsentFields.AllText, consent.Fields);
        Assert.Equal(qualifications, consent.Qualifications.Select(q => q.QualificationId).Order());
        Assert.Equal(portal.Clock.GetUtcNow().ToUnixTimeMilliseconds(), consent.GrantedAt.ToUnixTimeMilliseconds());
        Assert.Equal(ConsentDates.EndOf(expires), consent.ExpiresAt);
        Assert.Null(consent.ClosedAt);

        var audit = await check.AuditEntries.SingleAsync(e => e.Action == AuditActions.ConsentGrant && e.TargetId == consent.Id.ToString());
        Assert.Equal(candidate.UserId, audit.ActorUserId);
        Assert.Contains("\"granted\"", audit.DataJson);
        Assert.DoesNotContain("2023001", audit.DataJson);

        var (_, list) = await candidate.Client.GetAsync("/me/consents?granted=1");
        Assert.Contains("data-testid=\"consents-notice\"", list);
        Assert.Contains("北京云图科技有限公司", list);
        Assert.Contains("data-status=\"Active\"", list);
        Assert.Contains(">E2023001<", list);
    }

    [Fact]
    public async Task The_form_refuses_a_missing_agreement_a_bad_employee_id_and_an_end_date_out_of_range_in_the_candidates_language()
    {
        var enterpriseId = await AddEnterpriseAsync(portal, "上海数衡信息技术有限公司");
        using var candidate = await LinkedCandidateAsync(portal);
        var qualifications = await QualificationsOfAsync(portal, candidate.CandidateId);

        using var refused = await PostGrantAsync(candidate.Client, GrantPath(enterpriseId), "E 2023/001", [], Today(portal).AddDays(-1), agree: false);
        Assert.True(refused.StatusCode == HttpStatusCode.OK, await refused.Content.ReadAsStringAsync());
        var errors = FormErrors(await refused.Content.ReadAsStringAsync());
        Assert.Contains("工号只能包含字母、数字和 - _ . /", errors);
        Assert.Contains("请至少选择一个资格", errors);
        Assert.Contains("到期日不能早于今天", errors);
        Assert.Contains("请阅读并勾选同意", errors);

        // Refused before the second verification is even asked for, and nothing is stored.
        using var tooLate = await PostGrantAsync(candidate.Client, GrantPath(enterpriseId), "E2023001", qualifications,
            ConsentDates.Latest(portal.Clock.GetUtcNow()).AddDays(1), agree: true);
        Assert.Equal(HttpStatusCode.OK, tooLate.StatusCode);
        Assert.Contains("到期日不能早于今天，也不能晚于两年后", FormErrors(await tooLate.Content.ReadAsStringAsync()));
        await using var db = await DbAsync(portal);
        Assert.False(await db.Consents.AnyAsync(c => c.CandidateId == candidate.CandidateId));
    }

    [Fact]
    public void The_end_date_is_today_at_the_earliest_and_at_most_two_years_ahead()
    {
        var now = new DateTimeOffset(2026, 12, 5, 23, 30, 0, TimeSpan.FromHours(8));
        var today = ConsentDates.Today(now);
        Assert.Equal(new DateOnly(2026, 12, 5), today);
        Assert.Equal(new DateOnly(2027, 12, 5), ConsentDates.Default(now));
        Assert.True(ConsentDates.IsAllowed(today, now));
        Assert.False(ConsentDates.IsAllowed(today.AddDays(-1), now));
        var latest = ConsentDates.Latest(now);
        Assert.True(ConsentDates.IsAllowed(latest, now));
        Assert.False(ConsentDates.IsAllowed(latest.AddDays(1), now));
        Assert.True(ConsentDates.EndOf(latest) - now <= Consent.MaxDuration);
        Assert.True(ConsentDates.EndOf(latest.AddDays(1)) - now > Consent.MaxDuration);
        // A consent chosen to last through a day ends at the following midnight in China, and is listed with that day.
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.FromHours(8)), ConsentDates.EndOf(today));
        Assert.Equal(today, ConsentDates.LastDay(ConsentDates.EndOf(today)));

        static IReadOnlyList<string> Errors(DateOnly? day, DateTimeOffset now) =>
            GrantConsent.Validate(Request("u", 1, "E1", [1], day), now, out _);
        Assert.Empty(Errors(latest, now));
        Assert.Equal([GrantConsent.ExpiryOutOfRange], Errors(latest.AddDays(1), now));
        Assert.Equal([GrantConsent.ExpiryOutOfRange], Errors(today.AddDays(-1), now));
        Assert.Equal([GrantConsent.ExpiryRequired], Errors(null, now));
    }

    [Theory]
    [InlineData("E2023001", "E2023001")]
    [InlineData("  e2023001 ", "E2023001")]
    [InlineData("ｅ２０２３００１", "E2023001")]
    [InlineData("hr-2023/01.a_b", "HR-2023/01.A_B")]
    [InlineData("E 2023", null)]
    [InlineData("工号1", null)]
    [InlineData("E2023;DROP", null)]
    public void Employee_ids_are_normalized_as_the_api_will_read_them(string typed, string? expected)
    {
        var errors = GrantConsent.Validate(Request("u", 1, typed, [1], ConsentDates.Default(DateTimeOffset.UtcNow)), DateTimeOffset.UtcNow, out var normalized);
        Assert.Equal(expected, normalized);
        Assert.Equal(expected is null ? [GrantConsent.EmployeeIdInvalid] : [], errors);
    }

    [Fact]
    public async Task A_second_claim_of_an_active_employee_id_is_refused_without_saying_whose_it_is()
    {
        var enterpriseId = await AddEnterpriseAsync(portal, "深圳启明软件股份有限公司");
        var otherEnterpriseId = await AddEnterpriseAsync(portal, "杭州远帆网络有限公司");
        var (first, firstCandidate) = await AccountWithRecordAsync(portal);
        using var second = await LinkedCandidateAsync(portal);
        var expires = Today(portal).AddYears(1);

        var granted = Assert.IsType<GrantConsentOutcome.Granted>(await Grant.HandleAsync(
            Request(first, enterpriseId, "E7001", await QualificationsOfAsync(portal, firstCandidate), expires)));

        // Someone else, the same id at the same enterprise (typed differently): refused, and the page names nobody.
        await CandidateTestSupport.PassStepUpAsync(second.Client, portal, second.Email);
        var secondQualifications = await QualificationsOfAsync(portal, second.CandidateId);
        using (var refused = await PostGrantAsync(second.Client, GrantPath(enterpriseId), " e7001", secondQualifications, expires, agree: true))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Equal("该企业的这个工号已有有效授权，不能再次授权。请核对工号；如有疑问，请联系该企业。", FormErrors(html).Trim());
            await using var names = await DbAsync(portal);
            var holder = await names.Candidates.AsNoTracking().SingleAsync(c => c.Id == firstCandidate);
            Assert.DoesNotContain(holder.Name, html);
        }
        // The holder is told it is theirs already.
        Assert.Equal(GrantConsent.AlreadyGranted, Assert.IsType<GrantConsentOutcome.Refused>(await Grant.HandleAsync(
            Request(first, enterpriseId, "E7001", await QualificationsOfAsync(portal, firstCandidate), expires))).MessageKey);
        // The same id at another enterprise is another pair.
        Assert.IsType<GrantConsentOutcome.Granted>(await Grant.HandleAsync(
            Request(second.UserId, otherEnterpriseId, "E7001", secondQualifications, expires)));

        await using var db = await DbAsync(portal);
        Assert.Equal(granted.ConsentId, await db.Consents.Where(c => c.EnterpriseId == enterpriseId && c.EmployeeId == "E7001").Select(c => c.Id).SingleAsync());
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ConsentGrant && e.ActorUserId == second.UserId
            && e.TargetId == enterpriseId.ToString() && e.DataJson.Contains("employee-id-held")));
    }

    [Fact]
    public async Task An_expired_consent_is_closed_and_the_employee_id_granted_again_in_one_step()
    {
        var enterpriseId = await AddEnterpriseAsync(portal, "成都蜀信科技有限公司");
        var (first, firstCandidate) = await AccountWithRecordAsync(portal);
        var (second, secondCandidate) = await AccountWithRecordAsync(portal);
        var old = Assert.IsType<GrantConsentOutcome.Granted>(await Grant.HandleAsync(
            Request(first, enterpriseId, "E8001", await QualificationsOfAsync(portal, firstCandidate), Today(portal))));

        portal.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var now = portal.Clock.GetUtcNow();
        var renewed = Assert.IsType<GrantConsentOutcome.Granted>(await Grant.HandleAsync(
            Request(second, enterpriseId, "E8001", await QualificationsOfAsync(portal, secondCandidate), Today(portal).AddMonths(3))));

        await using var db = await DbAsync(portal);
        var closed = await db.Consents.AsNoTracking().SingleAsync(c => c.Id == old.ConsentId);
        Assert.Equal(now.ToUnixTimeMilliseconds(), closed.ClosedAt?.ToUnixTimeMilliseconds());
        Assert.Null(closed.RevokedAt);
        Assert.Equal(renewed.ConsentId, await db.Consents.Where(c => c.EnterpriseId == enterpriseId && c.EmployeeId == "E8001" && c.ClosedAt == null)
            .Select(c => c.Id).SingleAsync());
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ConsentGrant && e.TargetId == renewed.ConsentId.ToString()
            && e.DataJson.Contains(old.ConsentId.ToString())));
    }

    [Fact]
    public async Task Only_qualifications_of_the_candidates_registrations_and_enterprises_not_suspended_can_be_chosen()
    {
        var open = await AddEnterpriseAsync(portal, "广州南粤数据服务有限公司");
        var suspended = await AddEnterpriseAsync(portal, "广州南粤数据停用有限公司", suspended: true);
        var (userId, candidateId) = await AccountWithRecordAsync(portal);
        var mine = await QualificationsOfAsync(portal, candidateId);
        var expires = Today(portal).AddYears(1);

        var choices = portal.Services.GetRequiredService<ConsentChoices>();
        Assert.Equal(mine, (await choices.CandidateAsync(userId))!.Qualifications.Select(q => q.Id).Order());
        var notMine = Assert.IsType<GrantConsentOutcome.Invalid>(await Grant.HandleAsync(
            Request(userId, open, "E9001", [.. mine, await OtherQualificationAsync(portal, candidateId)], expires)));
        Assert.Equal([GrantConsent.QualificationNotYours], notMine.ErrorKeys);

        Assert.Equal(GrantConsent.EnterpriseUnavailable, Assert.IsType<GrantConsentOutcome.Refused>(
            await Grant.HandleAsync(Request(userId, suspended, "E9001", mine, expires))).MessageKey);
        Assert.Null(await choices.StatementAsync(suspended));
        Assert.DoesNotContain((await choices.FindEnterprisesAsync("广州南粤")).Matches, e => e.Id == suspended);
        Assert.Contains((await choices.FindEnterprisesAsync("广州南粤")).Matches, e => e.Id == open);
        await using var db = await DbAsync(portal);
        Assert.False(await db.Consents.AnyAsync(c => c.CandidateId == candidateId));
    }

    [Fact]
    public async Task The_search_finds_by_name_or_credit_code_and_never_lists_a_long_register_whole()
    {
        var code = NewCreditCode();
        var wanted = await AddEnterpriseAsync(portal, "武汉光谷100%测试_企业", creditCode: code);
        for (var i = 0; i < ConsentChoices.ListAllUpTo + 1; i++) await AddEnterpriseAsync(portal, $"批量登记企业{i:00}");
        var choices = portal.Services.GetRequiredService<ConsentChoices>();

        var nothingTyped = await choices.FindEnterprisesAsync("");
        Assert.True(nothingTyped.SearchNeeded);
        Assert.Empty(nothingTyped.Matches);
        Assert.Equal([wanted], (await choices.FindEnterprisesAsync("光谷100%测试_")).Matches.Select(e => e.Id));
        Assert.Empty((await choices.FindEnterprisesAsync("光谷100_测试")).Matches); // % and _ are text, not wildcards
        Assert.Equal([wanted], (await choices.FindEnterprisesAsync(" " + code.ToLowerInvariant() + " ")).Matches.Select(e => e.Id));

        using var candidate = await LinkedCandidateAsync(portal);
        var (_, page) = await candidate.Client.GetAsync("/me/consents/new");
        Assert.Contains("data-testid=\"consent-search-needed\"", page);
        Assert.DoesNotContain("批量登记企业", page);
        var (_, found) = await candidate.Client.GetAsync("/me/consents/new?q=" + Uri.EscapeDataString("批量登记"));
        Assert.Equal(ConsentChoices.ListAllUpTo + 1, System.Text.RegularExpressions.Regex.Count(found, "data-testid=\"consent-enterprise\""));
    }
}

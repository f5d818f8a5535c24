using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ScorePortal.Features.Enterprises;
using ScorePortal.Tests.EndToEnd.Accessibility;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Enterprises.Consents.ConsentTestSupport;

namespace ScorePortal.Tests.EndToEnd.Enterprises;

/// <summary>
/// The states of the consent pages the accessibility check looks at (<see cref="AccessiblePages"/>): the context's
/// candidate is linked to a demo record (<see cref="PageStates.LinkADemoRecordAsync"/>), then holds an active consent and
/// one call in the access log, written as rows.
/// </summary>
public static class ConsentPageStates
{
    public static async Task OpenConsentsWithARevokeConfirmationAsync(IPage page, PlaywrightFixture browser)
    {
        var (consentId, _) = await LinkedWithConsentAsync(page, browser);
        await page.GotoAsync($"/me/consents?revoke={consentId.ToString(CultureInfo.InvariantCulture)}");
        await page.WaitForSelectorAsync("[data-testid=consent-revoke-form]");
    }

    public static async Task SearchEnterprisesAsync(IPage page, PlaywrightFixture browser)
    {
        await LinkedWithConsentAsync(page, browser);
        await page.GotoAsync("/me/consents/new?q=" + Uri.EscapeDataString("无障碍"));
        await page.WaitForSelectorAsync("[data-testid=consent-enterprise]");
    }

    /// <summary>The grant form refusing an empty submission: every message in the summary, the fields pointing at it.</summary>
    public static async Task SubmitAnEmptyGrantFormAsync(IPage page, PlaywrightFixture browser)
    {
        var (_, enterpriseId) = await LinkedWithConsentAsync(page, browser);
        await page.GotoAsync(GrantPath(enterpriseId));
        await page.FillAsync("#consent-expires", "");
        await page.ClickAsync("[data-testid=consent-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }

    public static async Task OpenWhoLookedAsync(IPage page, PlaywrightFixture browser)
    {
        await LinkedWithConsentAsync(page, browser);
        await page.GotoAsync("/me/consents/access");
        await page.WaitForSelectorAsync("[data-testid=access-row]");
    }

    /// <summary>The context's candidate, linked, with an active consent to an enterprise and one logged call under it.</summary>
    private static async Task<(int ConsentId, int EnterpriseId)> LinkedWithConsentAsync(IPage page, PlaywrightFixture browser)
    {
        await page.GotoAsync("/me");
        await PageStates.LinkADemoRecordAsync(page, browser);
        var email = await page.Locator(".portal-nav__user").First.GetAttributeAsync("title")
            ?? throw new InvalidOperationException("No signed-in user in the header.");
        var portal = browser.Portal;
        await using var db = await DbAsync(portal);
        var userId = await ScorePortal.Tests.Features.Me.CandidateTestSupport.UserIdAsync(portal, email);
        var candidateId = await db.Candidates.Where(c => c.UserId == userId).Select(c => c.Id).SingleAsync();
        var existing = await db.Consents.Where(c => c.CandidateId == candidateId && c.ClosedAt == null)
            .Select(c => new { c.Id, c.EnterpriseId }).FirstOrDefaultAsync();
        if (existing is not null) return (existing.Id, existing.EnterpriseId);

        var enterpriseId = await AddEnterpriseAsync(portal, "无障碍检查示例企业" + Guid.NewGuid().ToString("N")[..4]);
        var qualification = await db.Registrations.Where(r => r.CandidateId == candidateId).Select(r => r.QualificationId).FirstAsync();
        var now = DateTimeOffset.UtcNow;
        var consent = new Consent
        {
            CandidateId = candidateId, EnterpriseId = enterpriseId, EmployeeId = "A11Y" + candidateId.ToString(CultureInfo.InvariantCulture),
            Fields = ConsentFields.AllText, GrantedAt = now, ExpiresAt = now.AddDays(365),
        };
        consent.Qualifications.Add(new ConsentQualification { QualificationId = qualification });
        db.Consents.Add(consent);
        await db.SaveChangesAsync();
        db.ApiAccessLog.Add(new ApiAccess
        {
            At = now, EnterpriseId = enterpriseId, ApiKeyId = 1, EmployeeId = consent.EmployeeId, ConsentId = consent.Id, CandidateId = candidateId,
            QualificationId = qualification, Outcome = "no_consent", Fields = "",
        });
        db.ApiAccessLog.Add(new ApiAccess
        {
            At = now.AddMinutes(1), EnterpriseId = enterpriseId, ApiKeyId = 1, EmployeeId = consent.EmployeeId, ConsentId = consent.Id,
            CandidateId = candidateId, QualificationId = qualification, Outcome = "success", Fields = ConsentFields.AllText,
        });
        await db.SaveChangesAsync();
        return (consent.Id, enterpriseId);
    }
}

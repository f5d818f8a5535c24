using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Consents;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Enterprises.Consents.ConsentTestSupport;

namespace ScorePortal.Tests.Features.Enterprises.Consents;

/// <summary>Revoking a consent from /me/consents: after a confirmation, at once, and only one's own.</summary>
public sealed class RevokeConsentTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private async Task<int> GrantAsync(string userId, int candidateId, int enterpriseId, string employeeId) =>
        Assert.IsType<GrantConsentOutcome.Granted>(await portal.Services.GetRequiredService<GrantConsent>().HandleAsync(
            Request(userId, enterpriseId, employeeId, await QualificationsOfAsync(portal, candidateId), Today(portal).AddYears(1)))).ConsentId;

    [Fact]
    public async Task Revoking_asks_for_a_confirmation_and_ends_the_consent_at_once()
    {
        var enterpriseId = await AddEnterpriseAsync(portal, "苏州工业园区测评有限公司");
        using var candidate = await LinkedCandidateAsync(portal);
        var consentId = await GrantAsync(candidate.UserId, candidate.CandidateId, enterpriseId, "S3001");

        var (_, list) = await candidate.Client.GetAsync("/me/consents");
        Assert.Contains($"href=\"/me/consents?revoke={consentId}\"", list);
        Assert.DoesNotContain("consent-revoke-form", list);

        var (_, confirm) = await candidate.Client.GetAsync($"/me/consents?revoke={consentId}");
        Assert.Contains("data-testid=\"consent-revoke-form\"", confirm);
        Assert.Contains("苏州工业园区测评有限公司", confirm);
        await using (var before = await DbAsync(portal))
            Assert.Null((await before.Consents.AsNoTracking().SingleAsync(c => c.Id == consentId)).RevokedAt);

        portal.Clock.Advance(TimeSpan.FromMinutes(3));
        var now = portal.Clock.GetUtcNow();
        using var revoked = await candidate.Client.SubmitAsync($"/me/consents?revoke={consentId}", "revoke", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var html = await revoked.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"consents-notice\"", html);
        Assert.Contains("data-status=\"Revoked\"", html);

        await using var db = await DbAsync(portal);
        var consent = await db.Consents.AsNoTracking().SingleAsync(c => c.Id == consentId);
        Assert.Equal(now.ToUnixTimeMilliseconds(), consent.RevokedAt?.ToUnixTimeMilliseconds());
        Assert.Equal(consent.RevokedAt, consent.ClosedAt);
        Assert.False(consent.IsActive(now));
        var audit = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.ConsentRevoke && e.TargetId == consentId.ToString());
        Assert.Equal(candidate.UserId, audit.ActorUserId);
        Assert.DoesNotContain("S3001", audit.DataJson);

        // Revoked is final; the employee id is free for a new consent.
        Assert.False(await portal.Services.GetRequiredService<RevokeConsent>().HandleAsync(new RevokeConsentRequest(candidate.UserId, consentId, null)));
        Assert.NotEqual(consentId, await GrantAsync(candidate.UserId, candidate.CandidateId, enterpriseId, "S3001"));
    }

    [Fact]
    public async Task A_candidate_cannot_see_or_revoke_another_candidates_consent_even_with_a_forged_form()
    {
        var enterpriseId = await AddEnterpriseAsync(portal, "天津滨海认证服务有限公司");
        using var owner = await LinkedCandidateAsync(portal);
        using var other = await LinkedCandidateAsync(portal);
        var ownersConsent = await GrantAsync(owner.UserId, owner.CandidateId, enterpriseId, "T4001");
        var othersConsent = await GrantAsync(other.UserId, other.CandidateId, enterpriseId, "T4002");

        var (_, list) = await other.Client.GetAsync("/me/consents");
        Assert.DoesNotContain("T4001", list);
        Assert.DoesNotContain($"data-id=\"{ownersConsent}\"", list);
        // No confirmation is offered for it…
        await Assert.ThrowsAsync<InvalidOperationException>(() => other.Client.ReadFormAsync($"/me/consents?revoke={ownersConsent}", "revoke"));
        // …and the server refuses it when the form of one's own consent is sent with the other id.
        using var forged = await other.Client.SubmitAsync($"/me/consents?revoke={othersConsent}", "revoke",
            new Dictionary<string, string> { ["ConsentId"] = ownersConsent.ToString() });
        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        Assert.Contains("data-testid=\"consents-error\"", await forged.Content.ReadAsStringAsync());

        await using var db = await DbAsync(portal);
        Assert.Null((await db.Consents.AsNoTracking().SingleAsync(c => c.Id == ownersConsent)).RevokedAt);
        Assert.Null((await db.Consents.AsNoTracking().SingleAsync(c => c.Id == othersConsent)).RevokedAt);
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ConsentRevoke && e.TargetId == ownersConsent.ToString()));
    }

    [Fact]
    public async Task The_list_explains_consent_when_there_is_none_and_pages_a_long_history()
    {
        using var candidate = await LinkedCandidateAsync(portal);
        var (_, empty) = await candidate.Client.GetAsync("/me/consents");
        Assert.Contains("data-testid=\"consents-empty\"", empty);
        Assert.Contains("授权是您单独作出的同意", empty);

        // A long history, as years of consents leave it (written directly: granting is limited per hour).
        var enterpriseId = await AddEnterpriseAsync(portal, "重庆两江历史有限公司");
        var qualification = (await QualificationsOfAsync(portal, candidate.CandidateId))[0];
        var start = portal.Clock.GetUtcNow().AddDays(-400);
        await using (var db = await DbAsync(portal))
        {
            for (var i = 0; i < MyConsents.PageSize + 1; i++)
            {
                var granted = start.AddDays(i);
                var consent = new Consent
                {
                    CandidateId = candidate.CandidateId, EnterpriseId = enterpriseId, EmployeeId = $"H{i:00}", Fields = ConsentFields.AllText,
                    GrantedAt = granted, ExpiresAt = granted.AddDays(1), RevokedAt = i % 2 == 0 ? granted.AddHours(1) : null,
                    ClosedAt = i % 2 == 0 ? granted.AddHours(1) : null,
                };
                consent.Qualifications.Add(new ConsentQualification { QualificationId = qualification });
                db.Consents.Add(consent);
            }
            await db.SaveChangesAsync();
        }

        var (_, first) = await candidate.Client.GetAsync("/me/consents");
        Assert.Equal(MyConsents.PageSize, System.Text.RegularExpressions.Regex.Count(first, "data-testid=\"consent-row\""));
        Assert.Contains(">H20<", first); // newest first
        Assert.Contains("href=\"/me/consents?page=2\"", first);
        var (_, second) = await candidate.Client.GetAsync("/me/consents?page=2");
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(second, "data-testid=\"consent-row\""));
        Assert.Contains(">H00<", second);
        Assert.Contains("data-status=\"Revoked\"", second);
        Assert.Contains("data-status=\"Expired\"", first);
        Assert.DoesNotContain("data-testid=\"consent-revoke\"", first + second); // nothing active to revoke
    }
}

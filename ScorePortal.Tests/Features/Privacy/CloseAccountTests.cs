using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Account.Admin;
using ScorePortal.Features.Audit;
using ScorePortal.Features.Enterprises.Consents;
using ScorePortal.Features.Privacy;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Me;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Enterprises.Consents.ConsentTestSupport;

namespace ScorePortal.Tests.Features.Privacy;

/// <summary>Closing one's own account at /me/close: after the second verification and a confirmation, for good.</summary>
public sealed class CloseAccountTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    /// <summary>Posts the closing form of /me/close (its antiforgery token) to its endpoint, as a browser does.</summary>
    private static async Task<HttpResponseMessage> ConfirmAsync(BrowserlessClient client, string word, bool tick)
    {
        var fields = await client.ReadFormAsync("/me/close", "close-account");
        fields["word"] = word;
        if (tick) fields["understood"] = "true";
        return await client.Http.PostAsync(CloseAccountEndpoint.Path, new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task Closing_is_refused_without_the_second_verification_and_without_the_confirmation()
    {
        using var candidate = await LinkedCandidateAsync(portal);
        var (status, page) = await candidate.Client.GetAsync("/me/close");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-testid=\"close-kept\"", page);
        Assert.Contains("data-testid=\"close-erased\"", page);
        Assert.Contains("data-testid=\"close-stepup\"", page);
        Assert.DoesNotContain("data-testid=\"close-submit\"", page);

        // The use case itself refuses without the verification, whatever a page posts.
        var close = portal.Services.GetRequiredService<CloseAccount>();
        Assert.Equal(CloseAccountOutcome.StepUpRequired, await close.HandleAsync(new CloseAccountRequest(candidate.UserId, false, true, null)));

        await CandidateTestSupport.PassStepUpAsync(candidate.Client, portal, candidate.Email);
        var (_, form) = await candidate.Client.GetAsync("/me/close");
        Assert.Contains("data-testid=\"close-submit\"", form);
        foreach (var (word, tick) in new[] { ("删除", true), ("注销", false), ("", true) })
        {
            using var refused = await ConfirmAsync(candidate.Client, word, tick);
            Assert.Equal("/me/close?error=confirm", refused.RedirectTarget());
            var (_, html) = await candidate.Client.GetAsync(refused.RedirectTarget());
            Assert.Contains("请输入“注销”并勾选确认", html);
        }

        await using var db = await DbAsync(portal);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == candidate.UserId);
        Assert.Null(user.ClosedAt);
        Assert.Equal(candidate.Email, user.Email);
        Assert.Equal(candidate.UserId, (await db.Candidates.AsNoTracking().SingleAsync(c => c.Id == candidate.CandidateId)).UserId);
        var refusals = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.AccountClose && e.ActorUserId == candidate.UserId)
            .Select(e => e.DataJson).ToListAsync();
        Assert.Contains(refusals, d => d!.Contains("step-up-required", StringComparison.Ordinal));
        Assert.Contains(refusals, d => d!.Contains("not-confirmed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Closing_ends_sessions_and_consents_erases_the_account_keeps_the_scores_and_the_audit_chain_stays_valid()
    {
        var enterpriseId = await AddEnterpriseAsync(portal, "无锡测评科技有限公司");
        using var candidate = await LinkedCandidateAsync(portal);
        var consentId = Assert.IsType<GrantConsentOutcome.Granted>(await portal.Services.GetRequiredService<GrantConsent>().HandleAsync(
            Request(candidate.UserId, enterpriseId, "W7001", await QualificationsOfAsync(portal, candidate.CandidateId), Today(portal).AddYears(1)))).ConsentId;
        // A second browser of the same account, and recovery codes (tokens of the account).
        using var other = await PrivacyTestSupport.SignedInAsync(portal, candidate.Email);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/me")).Status);
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByIdAsync(candidate.UserId))!, 10);
        }
        int registrations, scores;
        await using (var db = await DbAsync(portal))
        {
            registrations = await db.Registrations.CountAsync(r => r.CandidateId == candidate.CandidateId);
            scores = await db.SubjectScores.CountAsync(s => s.Registration.CandidateId == candidate.CandidateId);
            Assert.Equal(2, await db.AccountSessions.CountAsync(s => s.UserId == candidate.UserId));
            Assert.True(await db.UserTokens.AnyAsync(t => t.UserId == candidate.UserId));
        }
        Assert.True(registrations > 0 && scores > 0);

        await CandidateTestSupport.PassStepUpAsync(candidate.Client, portal, candidate.Email);
        using (var closed = await ConfirmAsync(candidate.Client, " 注销 ", tick: true))
        {
            Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
            Assert.Equal("/privacy?closed=1", closed.RedirectTarget());
        }

        await using (var db = await DbAsync(portal))
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == candidate.UserId);
            Assert.True(CloseAccount.IsClosedAddress(user.UserName));
            Assert.Equal(user.UserName, user.Email);
            Assert.DoesNotContain(candidate.Email, user.Email!, StringComparison.OrdinalIgnoreCase);
            Assert.Null(user.PasswordHash);
            Assert.False(user.TwoFactorEnabled);
            Assert.True(DisabledAccounts.IsDisabled(user));
            Assert.NotNull(user.ClosedAt);
            Assert.False(await db.UserTokens.AnyAsync(t => t.UserId == user.Id));
            Assert.False(await db.UserRoles.AnyAsync(r => r.UserId == user.Id));
            Assert.False(await db.AccountSessions.AnyAsync(s => s.UserId == user.Id));

            // The consent ended as a revocation does; the record is free again and keeps every registration and score.
            var consent = await db.Consents.AsNoTracking().SingleAsync(c => c.Id == consentId);
            Assert.NotNull(consent.RevokedAt);
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ConsentRevoke && e.TargetId == consentId.ToString()));
            var record = await db.Candidates.AsNoTracking().SingleAsync(c => c.Id == candidate.CandidateId);
            Assert.Null(record.UserId);
            Assert.Equal(registrations, await db.Registrations.CountAsync(r => r.CandidateId == candidate.CandidateId));
            Assert.Equal(scores, await db.SubjectScores.CountAsync(s => s.Registration.CandidateId == candidate.CandidateId));

            var entry = await db.AuditEntries.AsNoTracking()
                .SingleAsync(e => e.Action == AuditActions.AccountClose && e.ActorUserId == candidate.UserId && e.DataJson!.Contains("success"));
            Assert.DoesNotContain(candidate.Email, entry.DataJson!, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\"consentsRevoked\":\"1\"", entry.DataJson);
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.CandidateLinkRelease && e.TargetId == candidate.CandidateId.ToString()));
        }

        var (_, done) = await candidate.Client.GetAsync("/privacy?closed=1");
        Assert.Contains("data-testid=\"close-done\"", done);
        Assert.Contains("data-testid=\"sign-in\"", done);

        // The other browser is signed out; the account cannot sign in again; the address may register anew.
        using (var response = await other.Http.GetAsync("/me"))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/Login", response.RedirectTarget());
        }
        using var fresh = new BrowserlessClient(portal);
        using (var signIn = await fresh.SignInAsync(candidate.Email, CandidateTestSupport.Password))
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        using (var again = await fresh.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
               {
                   ["Input.AcceptNotice"] = "true", ["Input.Email"] = candidate.Email,
                   ["Input.Password"] = "a new password 2027", ["Input.ConfirmPassword"] = "a new password 2027",
               }))
            Assert.StartsWith("/Account/RegisterConfirmation", again.RedirectTarget());
        await using (var db = await DbAsync(portal))
        {
            var newcomer = await db.Users.AsNoTracking().SingleAsync(u => u.NormalizedEmail == candidate.Email.ToUpperInvariant());
            Assert.NotEqual(candidate.UserId, newcomer.Id);
        }

        // Nothing was deleted from the audit log: the chain verifies end to end.
        var output = new StringWriter();
        var exit = await VerifyAuditCommand.Command.RunAsync(portal.Services, new CommandArguments(["--lang", "en-US"]), output);
        Assert.True(exit == 0, output.ToString());
        Assert.Contains("Audit chain intact", output.ToString());
    }

    [Fact]
    public async Task A_staff_account_is_closed_by_an_admin_not_here()
    {
        var email = $"s{Guid.NewGuid():N}@example.org";
        string userId;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, ProvinceCode = "11" };
            Assert.True((await users.CreateAsync(user, CandidateTestSupport.Password)).Succeeded);
            Assert.True((await users.AddToRolesAsync(user, [Roles.Candidate, Roles.Staff])).Succeeded);
            userId = user.Id;
        }
        var outcome = await portal.Services.GetRequiredService<CloseAccount>().HandleAsync(new CloseAccountRequest(userId, true, true, null));
        Assert.Equal(CloseAccountOutcome.NotACandidateAccount, outcome);
        await using var db = await DbAsync(portal);
        Assert.Null((await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId)).ClosedAt);
    }
}

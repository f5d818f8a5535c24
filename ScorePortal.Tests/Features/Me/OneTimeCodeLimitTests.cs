using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Account;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Me.CandidateTestSupport;

namespace ScorePortal.Tests.Features.Me;

/// <summary>Issue #20, rows 2 and 3: emailed codes cannot be re-issued without limit, and wrong step-up codes lock.</summary>
public sealed class OneTimeCodeLimitTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string RecordEmail = "john.smith@example.com";
    private const string SendLimit = "发送的验证码已达每日上限";

    private async Task<string> LinkAgainAsync(BrowserlessClient client, string ticket)
    {
        using var response = await client.SubmitAsync("/me/link?again=1", "link", new Dictionary<string, string>
        {
            ["Input.IdType"] = "Passport", ["Input.IdNumber"] = "E12345678", ["Input.Name"] = "Smith John", ["Input.Ticket"] = ticket,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<string> ConfirmAsync(BrowserlessClient client, string code)
    {
        using var response = await client.SubmitAsync("/me/link", "link-confirm", new Dictionary<string, string> { ["Code.Value"] = code });
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<int> CodesForRecordAsync()
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return await db.OneTimeCodes.CountAsync(c => c.Purpose.StartsWith("link:"));
    }

    [Fact]
    public async Task Sending_the_same_papers_again_after_five_wrong_link_codes_sends_no_fresh_code_to_any_account_until_a_day_passed()
    {
        var ticket = (await TicketsAsync(portal, IdType.Passport, "E12345678"))[0];
        var (guesser, _, _) = await SignedInCandidateAsync(portal);
        using var _g = guesser;
        var before = portal.Mailbox.MessagesTo(RecordEmail);
        Assert.Contains("data-testid=\"link-code-sent\"", await LinkAgainAsync(guesser, ticket));
        var code = await NextCodeAsync(portal, RecordEmail, before);
        var wrong = code == "000000" ? "000001" : "000000";
        for (var i = 0; i < 5; i++) await ConfirmAsync(guesser, wrong);

        var codes = await CodesForRecordAsync();
        Assert.Contains(SendLimit, await LinkAgainAsync(guesser, ticket));
        // Another (free) account with the same papers gets no fresh tries either: the budget is the record's.
        var (other, _, _) = await SignedInCandidateAsync(portal);
        using var _o = other;
        Assert.Contains(SendLimit, await LinkAgainAsync(other, ticket));
        Assert.Equal(codes, await CodesForRecordAsync());
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.CandidateLink && e.DataJson.Contains("code-limited")));

        // A day later the record's owner can be sent a code again, and at most five a day reach the inbox.
        portal.Clock.Advance(OneTimeCodes.Window + TimeSpan.FromMinutes(1));
        var (owner, _, _) = await SignedInCandidateAsync(portal); // the earlier sign-ins expired with the day
        using var _w = owner;
        for (var i = 0; i < OneTimeCodes.MaxSendsPerWindow; i++)
            Assert.Contains("data-testid=\"link-code-sent\"", await LinkAgainAsync(owner, ticket));
        Assert.Contains(SendLimit, await LinkAgainAsync(owner, ticket));
        portal.Clock.Advance(OneTimeCodes.Window + TimeSpan.FromMinutes(1));
    }

    private async Task<bool> LockedOutAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.IsLockedOutAsync((await users.FindByEmailAsync(email))!);
    }

    private static async Task<string> StepUpAsync(BrowserlessClient client, string code)
    {
        using var response = await client.SubmitAsync("/Account/StepUp", "stepup", new Dictionary<string, string>
        {
            ["Input.Password"] = Password, ["Input.Code"] = code,
        });
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Five_wrong_authenticator_codes_at_step_up_lock_the_account()
    {
        var (client, _, email) = await SignedInCandidateAsync(portal);
        using var _c = client;
        var secret = await Authenticators.EnrollAsync(portal, email);
        var wrong = Authenticators.CodeAt(secret, portal.Clock.GetUtcNow().AddHours(3));

        for (var i = 0; i < 4; i++) await StepUpAsync(client, wrong);
        Assert.False(await LockedOutAsync(email));
        var fifth = await StepUpAsync(client, wrong);
        Assert.True(await LockedOutAsync(email));
        Assert.Contains("账号因多次验证失败已被临时锁定", fifth);
        // Even the right code opens nothing while locked.
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Contains("账号因多次验证失败已被临时锁定", await StepUpAsync(client, Authenticators.CodeAt(secret, portal.Clock.GetUtcNow())));
    }

    [Fact]
    public async Task Step_up_codes_by_email_are_capped_per_day_and_wrong_ones_lock_the_account()
    {
        var (client, _, email) = await SignedInCandidateAsync(portal);
        using var _c = client;
        var before = portal.Mailbox.MessagesTo(email);
        string page;
        for (var i = 0; i < OneTimeCodes.MaxSendsPerWindow; i++)
        {
            using var send = await client.SubmitAsync("/Account/StepUp", "stepup-send", new Dictionary<string, string>());
            Assert.DoesNotContain(SendLimit, await send.Content.ReadAsStringAsync());
        }
        using (var sixth = await client.SubmitAsync("/Account/StepUp", "stepup-send", new Dictionary<string, string>()))
            page = await sixth.Content.ReadAsStringAsync();
        Assert.Contains(SendLimit, page);
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            var userId = await UserIdAsync(portal, email);
            Assert.Equal(OneTimeCodes.MaxSendsPerWindow, await db.OneTimeCodes.CountAsync(c => c.UserId == userId && c.Purpose == StepUp.Purpose));
        }

        for (var i = 0; i < 5; i++) await StepUpAsync(client, "000000");
        Assert.True(await LockedOutAsync(email));
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Lookup;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Me.CandidateTestSupport;

namespace ScorePortal.Tests.Features.Me;

/// <summary>A demo portal with the lookup's wrong-name lock and spacing switched on (the test host has them off).</summary>
public sealed class GuardedDemoPortal : IDisposable
{
    public DemoPortal Portal { get; } = new(new Dictionary<string, string?>
    {
        ["Lookup:Limits:WrongNamesBeforeLock"] = "5",
        ["Lookup:Limits:WrongNamesBeforeDelay"] = "5",
    });

    public void Dispose() => Portal.Dispose();
}

/// <summary>
/// Issue #20, row 4: <c>/me/link</c> answers the lookup's question, so it gets the lookup's captcha and per-ID
/// wrong-name lock and spacing; free accounts do not buy fresh guesses.
/// </summary>
public sealed class LinkGuardTests(GuardedDemoPortal fixture) : IClassFixture<GuardedDemoPortal>
{
    private const string IdNumber = "440106199509216119";
    private const string Name = "刘洋";
    private DemoPortal Portal => fixture.Portal;

    private async Task<BrowserlessClient> CandidateFromAsync(string address)
    {
        var (client, _, _) = await SignedInCandidateAsync(Portal);
        client.Http.DefaultRequestHeaders.Add(TestPeerAddress.Header, address);
        return client;
    }

    private static async Task<(HttpStatusCode Status, string Page)> LinkFromAsync(BrowserlessClient client, string name, string ticket, string captcha)
    {
        using var response = await client.SubmitAsync("/me/link", "link", new Dictionary<string, string>
        {
            ["Input.IdType"] = nameof(IdType.ResidentId), ["Input.IdNumber"] = IdNumber, ["Input.Name"] = name, ["Input.Ticket"] = ticket,
            ["Input.CaptchaAnswer"] = captcha,
        });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<bool> LinkedAsync()
    {
        var index = Portal.Services.GetRequiredService<BlindIndex>().Compute(IdType.ResidentId, IdNumber);
        await using var db = await Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return await db.Candidates.AnyAsync(c => c.IdNumberIndex == index && c.UserId != null);
    }

    [Fact]
    public async Task Linking_needs_the_lookups_captcha_and_wrong_papers_from_many_accounts_lock_and_space_out_the_id_like_lookups()
    {
        var ticket = (await TicketsAsync(Portal, IdType.ResidentId, IdNumber))[0];

        // Right papers, wrong captcha: nothing linked.
        using (var noCaptcha = await CandidateFromAsync("203.0.113.10"))
        {
            var (_, page) = await LinkFromAsync(noCaptcha, Name, ticket, "WRONG");
            Assert.Contains("验证码不正确", page);
        }
        Assert.False(await LinkedAsync());
        await using (var db = await Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.CandidateLink && e.DataJson.Contains("captcha-wrong")));

        // Five free accounts behind one address guess a name once each: every per-account budget is untouched.
        for (var i = 0; i < 5; i++)
        {
            using var guesser = await CandidateFromAsync("203.0.113.20");
            var (_, page) = await LinkFromAsync(guesser, "王" + (char)('一' + i), ticket, PortalFactory.CaptchaTestAnswer);
            Assert.Contains("未找到与所填证件、姓名和准考证号相符的考生记录", page);
        }

        // The sixth account from that address is refused like a lookup would be, even with the right name.
        using (var sixth = await CandidateFromAsync("203.0.113.20"))
        {
            var (_, page) = await LinkFromAsync(sixth, Name, ticket, PortalFactory.CaptchaTestAnswer);
            Assert.Contains("该证件号码的查询已暂时锁定", page);
        }
        Assert.False(await LinkedAsync());

        // From everywhere else the ID's lookups (and links) are now spaced out, the wrong names having come from links.
        var idKey = Convert.ToHexString(Portal.Services.GetRequiredService<BlindIndex>().Compute(IdType.ResidentId, IdNumber));
        Assert.True(await Portal.Services.GetRequiredService<LookupThrottle>().ReserveSlotAsync(idKey) > TimeSpan.Zero);
        Assert.Equal(ThrottleVerdict.Allowed, await Portal.Services.GetRequiredService<LookupThrottle>().CheckIdNumberAsync(idKey, "198.51.100.7"));
    }
}

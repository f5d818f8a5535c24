using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Alerts;
using ScorePortal.Features.Captcha;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Platform.Limits;

/// <summary>
/// Fault: Redis (configured) stops mid-run — a real redis-server, stopped. What must hold: lookups keep answering
/// (with their result, not the busy or error page), the admin alert is raised, and a captcha token is still refused
/// the second time on the instance (docs/scale.md, "When Redis is down"; docs/operations.md, the fault table).
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisDownFaultTests(RedisServer redis)
{
    [Fact]
    public async Task With_redis_stopped_lookups_keep_answering_an_alert_is_raised_and_a_token_is_refused_twice()
    {
        await using var portal = new DemoPortal(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Redis:KeyPrefix"] = RedisServer.NewPrefix(),
        });
        var session = await PublishedSessionOfAsync(portal, "31010419880615478X");
        Assert.Contains("李娜", await LookUpAsync(portal, session));
        var captcha = portal.Services.GetRequiredService<CaptchaService>();

        await redis.StopAsync();
        try
        {
            var during = await LookUpAsync(portal, session);
            Assert.Contains("李娜", during);

            var (token, _) = captcha.Issue();
            Assert.Equal(CaptchaCheck.Passed, await captcha.VerifyAsync(token, PortalFactory.CaptchaTestAnswer));
            Assert.Equal(CaptchaCheck.Expired, await captcha.VerifyAsync(token, PortalFactory.CaptchaTestAnswer));
            Assert.Equal(CaptchaCheck.Expired, await captcha.VerifyAsync(token, PortalFactory.CaptchaTestAnswer));

            var alert = await WaitForAlertAsync(portal, LimitsStoreAlerts.LostKind);
            Assert.Equal(AlertSeverity.Critical, alert.Severity);
            Assert.Contains("李娜", await LookUpAsync(portal, session));
        }
        finally
        {
            await redis.StartAsync();
        }
    }

    private static async Task<string> PublishedSessionOfAsync(PortalFactory portal, string idNumber)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var index = portal.Services.GetRequiredService<BlindIndex>().Compute(IdType.ResidentId, idNumber);
        return await db.Registrations.AsNoTracking()
            .Where(r => r.Candidate.IdNumberIndex == index && r.ExamSession.PublishedAt != null)
            .OrderByDescending(r => r.ExamSession.Year).ThenByDescending(r => r.ExamSession.Half)
            .Select(r => r.ExamSession.Code).FirstAsync();
    }

    private static async Task<string> LookUpAsync(PortalFactory portal, string session)
    {
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync("/lookup", "lookup", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = session, ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = "31010419880615478X",
            ["Input.Name"] = "李娜", ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The alert is written beside the request that met the outage: wait for it (bounded).</summary>
    private static async Task<Alert> WaitForAlertAsync(PortalFactory portal, string kind)
    {
        var factory = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync();
            if (await db.Alerts.AsNoTracking().FirstOrDefaultAsync(x => x.Kind == kind) is { } alert) return alert;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"no {kind} alert was raised");
    }
}

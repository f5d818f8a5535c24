using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Alerts;
using ScorePortal.Features.Captcha;
using ScorePortal.Features.Reports;
using ScorePortal.Platform.Limits;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Platform.Limits;

/// <summary>
/// Two portal instances on one database and one redis-server (Redis:Configuration set): a captcha token spent through
/// A is refused through B, a public form's rate limit and a block count across both, and Redis stopped mid-test makes
/// an instance fall back to its memory and raise an admin alert, then share again when Redis is back.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SharedLimitsPortalTests(RedisServer redis)
{
    private (PortalFactory A, PortalFactory B) TwoInstances(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Redis:KeyPrefix"] = RedisServer.NewPrefix(),
        };
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        var a = PortalFactory.With(settings);
        // B shares A's database (Data Protection keys, secrets) and its key folder: the same portal, another process.
        var b = PortalFactory.With(new Dictionary<string, string?>(settings)
        {
            ["ConnectionStrings:ScorePortal"] = a.ConnectionString,
            ["Security:KeyDirectory"] = a.Settings["Security:KeyDirectory"],
        });
        return (a, b);
    }

    [Fact]
    public async Task With_redis_configured_the_portal_uses_the_shared_store_and_reports_it_healthy()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;

        Assert.IsType<RedisLimitsStore>(a.Services.GetRequiredService<ILimitsStore>());
        using var client = OperatorClient(a);
        var health = await client.GetStringAsync("/healthz");
        Assert.Contains("\"limits\":\"Healthy\"", health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_captcha_token_spent_through_instance_A_is_refused_through_instance_B()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        var captchaA = a.Services.GetRequiredService<CaptchaService>();
        var captchaB = b.Services.GetRequiredService<CaptchaService>();
        var (token, _) = captchaA.Issue();

        // B opens A's token (same secrets): only the spent mark can refuse it.
        Assert.Equal(captchaA.AnswerFor(token), captchaB.AnswerFor(token));
        Assert.Equal(CaptchaCheck.Passed, await captchaA.VerifyAsync(token, PortalFactory.CaptchaTestAnswer));
        Assert.Equal(CaptchaCheck.Expired, await captchaB.VerifyAsync(token, PortalFactory.CaptchaTestAnswer));

        var (other, _) = captchaB.Issue();
        Assert.Equal(CaptchaCheck.Passed, await captchaB.VerifyAsync(other, PortalFactory.CaptchaTestAnswer));
        Assert.Equal(CaptchaCheck.Expired, await captchaA.VerifyAsync(other, PortalFactory.CaptchaTestAnswer));
    }

    [Fact]
    public async Task A_public_form_limit_counts_one_address_across_both_instances()
    {
        var (a, b) = TwoInstances(new() { ["PublicForms:VerificationsPerAddressPerMinute"] = "3" });
        await using var _a = a;
        await using var _b = b;
        using var clientA = new BrowserlessClient(a);
        using var clientB = new BrowserlessClient(b);

        Assert.Equal(HttpStatusCode.OK, (await clientA.GetAsync("/verify?code=" + VerificationCode.New())).Status);
        Assert.Equal(HttpStatusCode.OK, (await clientB.GetAsync("/verify?code=" + VerificationCode.New())).Status);
        Assert.Equal(HttpStatusCode.OK, (await clientA.GetAsync("/verify?code=" + VerificationCode.New())).Status);
        // Each instance alone saw fewer than three: B refuses the fourth because it counts A's two as well.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await clientB.GetAsync("/verify?code=" + VerificationCode.New())).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await clientA.GetAsync("/verify?code=" + VerificationCode.New())).Status);
    }

    [Fact]
    public async Task A_block_placed_on_A_holds_on_B_and_is_lifted_for_both()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        var storeA = a.Services.GetRequiredService<ILimitsStore>();
        var storeB = b.Services.GetRequiredService<ILimitsStore>();

        await storeA.BlockAsync("anomaly:block:k", TimeSpan.FromMinutes(15), "burst");
        Assert.True(await storeB.BlockRemainingAsync("anomaly:block:k") > TimeSpan.FromMinutes(14));
        Assert.Equal("anomaly:block:k", Assert.Single(await storeB.ActiveBlocksAsync("anomaly:block:")).Key);
        Assert.True(await storeB.LiftBlockAsync("anomaly:block:k"));
        Assert.Equal(TimeSpan.Zero, await storeA.BlockRemainingAsync("anomaly:block:k"));
    }

    [Fact]
    public async Task Redis_stopped_the_instance_falls_back_raises_an_alert_and_shares_again_when_redis_is_back()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        var store = (RedisLimitsStore)a.Services.GetRequiredService<ILimitsStore>();
        var captcha = a.Services.GetRequiredService<CaptchaService>();
        var (token, _) = captcha.Issue();
        using var client = OperatorClient(a);

        await redis.StopAsync();
        try
        {
            Assert.Equal(CaptchaCheck.Passed, await captcha.VerifyAsync(token, PortalFactory.CaptchaTestAnswer));
            Assert.False(store.IsShared);
            Assert.Equal(CaptchaCheck.Expired, await captcha.VerifyAsync(token, PortalFactory.CaptchaTestAnswer));
            var alert = await WaitForAlertAsync(a, LimitsStoreAlerts.LostKind);
            Assert.Equal(AlertSeverity.Critical, alert.Severity);
            Assert.Equal(store.Instance, alert.SubjectKey);
            Assert.Contains("\"limits\":\"Degraded\"", await client.GetStringAsync("/healthz"), StringComparison.Ordinal);
        }
        finally
        {
            await redis.StartAsync();
        }

        Assert.True(await SharedLimitsTests.RejoinAsync(store));
        Assert.Equal(AlertSeverity.Info, (await WaitForAlertAsync(a, LimitsStoreAlerts.RestoredKind)).Severity);
        Assert.Contains("\"limits\":\"Healthy\"", await client.GetStringAsync("/healthz"), StringComparison.Ordinal);
        // The token spent while A was alone was written to Redis on recovery: B refuses it too.
        var storeB = (RedisLimitsStore)b.Services.GetRequiredService<ILimitsStore>();
        Assert.True(await SharedLimitsTests.RejoinAsync(storeB));
        Assert.Equal(CaptchaCheck.Expired, await b.Services.GetRequiredService<CaptchaService>().VerifyAsync(token, PortalFactory.CaptchaTestAnswer));
    }

    /// <summary>/healthz names its checks to an operator on the machine (a loopback peer) only.</summary>
    private static HttpClient OperatorClient(PortalFactory portal)
    {
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Add(TestPeerAddress.Header, "127.0.0.1");
        return client;
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

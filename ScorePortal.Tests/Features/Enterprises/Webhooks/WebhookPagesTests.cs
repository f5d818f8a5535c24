using System.Globalization;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Webhooks;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Webhooks;

/// <summary>
/// The enterprise's webhook page and the admin's view of one enterprise's notices (services borrowed from a running demo
/// portal; deliveries inserted without outbox messages, so the worker leaves them as they are).
/// </summary>
public sealed class WebhookPagesTests : PortalTestContext, IAsyncLifetime
{
    private readonly WebhookPortal _fixture = new();
    private AsyncServiceScope _scope;
    private BunitAuthorizationContext _auth = null!;
    private WebhookTestData _data = null!;

    public async Task InitializeAsync()
    {
        await _fixture.InitializeAsync();
        _data = new WebhookTestData(_fixture.Portal);
        _scope = _fixture.Portal.Services.CreateAsyncScope();
        var sp = _scope.ServiceProvider;
        Services.AddSingleton(sp.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>());
        Services.AddSingleton(sp.GetRequiredService<TimeProvider>());
        Services.AddSingleton(sp.GetRequiredService<SaveWebhookUrl>());
        Services.AddSingleton(sp.GetRequiredService<RotateWebhookSecret>());
        Services.AddSingleton(sp.GetRequiredService<SendTestNotice>());
        Services.AddSingleton(sp.GetRequiredService<ResendWebhookDelivery>());
        _auth = AddAuthorization();
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _scope.DisposeAsync();
        await _fixture.DisposeAsync();
    }

    private async Task<string> SignedInForAsync(Enterprise enterprise)
    {
        var (userId, email) = await _data.EnterpriseUserAsync(enterprise);
        _auth.SetAuthorized(email).SetRoles(Roles.Enterprise).SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        return userId;
    }

    private async Task<List<AuditEntry>> AuditAsync(string action, string targetId)
    {
        await using var db = _data.Db();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action && e.TargetId == targetId).OrderBy(e => e.Sequence).ToListAsync();
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_enterprise_sees_its_own_notices_only_with_their_attempts_and_re_sends_one_with_an_audit_entry()
    {
        var mine = await _data.EnterpriseAsync(WebhookTestData.Unreachable);
        var theirs = await _data.EnterpriseAsync(WebhookTestData.Unreachable);
        var failed = await _data.DeliveryAsync(mine, null, WebhookEvents.Published, WebhookDeliveryStatus.Failed, enqueue: false, attempts: 2, lastStatus: 500);
        await _data.DeliveryAsync(mine, null, WebhookEvents.Retracted, WebhookDeliveryStatus.Delivered, enqueue: false, attempts: 1, lastStatus: 204);
        await using (var db = _data.Db())
        {
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                EnterpriseId = theirs.Id, EventId = Guid.NewGuid(), Event = WebhookEvents.Published, EmployeeId = "THEIRS-ONLY",
                IdempotencyKey = WebhookDeliveryHandler.NewIdempotencyKey(), CreatedAt = _fixture.Portal.Clock.GetUtcNow(), Status = WebhookDeliveryStatus.Failed,
            });
            await db.SaveChangesAsync();
        }
        var userId = await SignedInForAsync(mine);

        var cut = Render<WebhooksPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=webhook-log] tbody tr").Count));
        Assert.DoesNotContain("THEIRS-ONLY", cut.Markup);
        Assert.Contains(WebhookTestData.Unreachable, cut.Find("[data-testid=webhook-current-url]").TextContent);
        Assert.Contains("已设置签名密钥", cut.Find("[data-testid=webhook-secret-state]").TextContent);
        var failedRow = cut.FindAll("[data-testid=webhook-log] tbody tr").Single(r => r.TextContent.Contains("失败"));
        Assert.Contains("result.published", failedRow.TextContent);

        failedRow.QuerySelector("[data-testid=webhook-attempts]")!.Click();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=webhook-attempt-row]").Count));
        Assert.Contains(failed.IdempotencyKey, cut.Find("[data-testid=webhook-attempt-log]").TextContent);

        cut.FindAll("[data-testid=webhook-log] tbody tr").Single(r => r.TextContent.Contains("失败"))
            .QuerySelector("[data-testid=webhook-resend]")!.Click();
        cut.WaitForAssertion(() => Assert.Contains("通知已重新排队发送", cut.Markup));

        var messages = await _data.MessagesAsync(failed.EventId);
        Assert.True(Assert.Single(messages).Notice.Manual);
        var audited = Assert.Single(await AuditAsync(AuditActions.EnterpriseWebhookResend, Id(failed.Id)));
        Assert.Equal((userId, Roles.Enterprise), (audited.ActorUserId, audited.ActorRole));
    }

    [Fact]
    public async Task An_enterprise_cannot_re_send_or_read_the_attempts_of_another_enterprises_notice()
    {
        var mine = await _data.EnterpriseAsync(WebhookTestData.Unreachable);
        var theirs = await _data.EnterpriseAsync(WebhookTestData.Unreachable);
        var theirNotice = await _data.DeliveryAsync(theirs, null, WebhookEvents.Published, WebhookDeliveryStatus.Failed, enqueue: false, attempts: 1, lastStatus: 500);
        var resend = _fixture.Portal.Services.GetRequiredService<ResendWebhookDelivery>();

        var error = await resend.HandleAsync(new ResendWebhookDeliveryRequest(theirNotice.Id, mine.Id, "hr-of-mine", Roles.Enterprise));

        Assert.Equal(ResendWebhookDelivery.NotFound, error);
        Assert.Equal(WebhookDeliveryStatus.Failed, (await _data.DeliveryAsync(theirNotice.Id)).Status);
        Assert.Empty(await _data.MessagesAsync(theirNotice.EventId));
        await using (var db = _data.Db())
        {
            Assert.Empty(await WebhookDeliveryLog.AttemptsAsync(db, mine.Id, theirNotice.Id));
            Assert.Single(await WebhookDeliveryLog.AttemptsAsync(db, theirs.Id, theirNotice.Id));
            Assert.DoesNotContain((await WebhookDeliveryLog.PageAsync(db, mine.Id, null, 0, 100)).Rows, r => r.Id == theirNotice.Id);
        }
        Assert.Contains("\"outcome\":\"refused\"", Assert.Single(await AuditAsync(AuditActions.EnterpriseWebhookResend, Id(theirNotice.Id))).DataJson);
    }

    [Fact]
    public async Task Saving_a_private_address_says_why_and_the_first_url_comes_with_a_secret_shown_once_and_stored_encrypted()
    {
        var enterprise = await _data.EnterpriseAsync(url: null);
        await SignedInForAsync(enterprise);
        var cut = Render<WebhooksPage>();
        cut.WaitForAssertion(() => Assert.Contains("尚未登记回调地址", cut.Find("[data-testid=webhook-current-url]").TextContent));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=webhook-log-empty]")));

        cut.Find("[data-testid=webhook-settings] input").Change("https://10.0.0.8/hook");
        cut.Find("[data-testid=webhook-url-save]").Click();
        cut.WaitForAssertion(() => Assert.Contains("该主机解析到内网、回环或其他非公网地址，不能用作回调地址。", cut.Find("[data-testid=webhook-settings]").TextContent));

        // Plain HTTP to loopback: accepted here only because this portal runs with the test-only setting.
        cut.Find("[data-testid=webhook-settings] input").Change("http://127.0.0.1:9/hook?token=abc");
        cut.Find("[data-testid=webhook-url-save]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=webhook-secret]")));
        var secret = cut.Find("[data-testid=webhook-secret]").TextContent.Trim();
        Assert.Equal(32, Convert.FromBase64String(secret).Length);
        Assert.Contains("http://127.0.0.1:9/hook?token=abc", cut.Find("[data-testid=webhook-current-url]").TextContent);

        await using (var db = _data.Db())
            Assert.Equal(secret, (await db.Enterprises.AsNoTracking().SingleAsync(e => e.Id == enterprise.Id)).WebhookSecret);
        await using (var connection = new SqliteConnection(_fixture.Portal.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT WebhookSecret FROM Enterprises WHERE Id = " + enterprise.Id.ToString(CultureInfo.InvariantCulture);
            var stored = (string)(await command.ExecuteScalarAsync())!;
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        }
        var audited = await AuditAsync(AuditActions.EnterpriseWebhookUrl, Id(enterprise.Id));
        Assert.Equal(2, audited.Count);
        Assert.Contains("\"outcome\":\"refused\"", audited[0].DataJson);
        Assert.Contains("\"host\":\"127.0.0.1\"", audited[1].DataJson);
        Assert.Contains("\"secretCreated\":\"true\"", audited[1].DataJson);
        Assert.All(audited, e => Assert.DoesNotContain("token", e.DataJson, StringComparison.Ordinal));

        // Shown once: the page opened again says a secret is set and never shows it.
        await DisposeComponentsAsync();
        var again = Render<WebhooksPage>();
        again.WaitForAssertion(() => Assert.Contains("已设置签名密钥", again.Find("[data-testid=webhook-secret-state]").TextContent));
        Assert.DoesNotContain(secret, again.Markup, StringComparison.Ordinal);
        Assert.Empty(again.FindAll("[data-testid=webhook-secret]"));
    }

    [Fact]
    public async Task Rotating_the_secret_and_removing_the_url_ask_first_and_are_audited()
    {
        UseCulture("en-US");
        var enterprise = await _data.EnterpriseAsync(WebhookTestData.Unreachable);
        await SignedInForAsync(enterprise);
        var cut = Render<WebhooksPage>();
        cut.WaitForAssertion(() => Assert.Contains("A signing secret is set.", cut.Find("[data-testid=webhook-secret-state]").TextContent));

        cut.Find("[data-testid=webhook-secret-rotate]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Rotate the signing secret?", cut.Find(".mud-dialog").TextContent));
        cut.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Rotate secret").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=webhook-secret]")));
        var rotated = cut.Find("[data-testid=webhook-secret]").TextContent.Trim();
        Assert.NotEqual(enterprise.WebhookSecret, rotated);

        cut.Find("[data-testid=webhook-url-clear]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Remove the callback URL?", cut.Find(".mud-dialog").TextContent));
        cut.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Remove URL").Click();
        cut.WaitForAssertion(() => Assert.Contains("No callback URL registered.", cut.Find("[data-testid=webhook-current-url]").TextContent));

        await using var db = _data.Db();
        var stored = await db.Enterprises.AsNoTracking().SingleAsync(e => e.Id == enterprise.Id);
        Assert.Equal((null, rotated), (stored.WebhookUrl, stored.WebhookSecret));
        Assert.Contains("\"change\":\"rotated\"", Assert.Single(await AuditAsync(AuditActions.EnterpriseWebhookSecret, Id(enterprise.Id))).DataJson);
        Assert.Contains("\"change\":\"cleared\"", Assert.Single(await AuditAsync(AuditActions.EnterpriseWebhookUrl, Id(enterprise.Id))).DataJson);
    }

    [Fact]
    public async Task An_enterprise_account_without_an_enterprise_sees_no_settings()
    {
        var email = $"hr-{Guid.NewGuid():N}@example.org";
        _auth.SetAuthorized(email).SetRoles(Roles.Enterprise).SetClaims(new Claim(ClaimTypes.NameIdentifier, "no-such-member"));

        var cut = Render<WebhooksPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=webhooks-no-enterprise]")));
        Assert.Empty(cut.FindAll("[data-testid=webhook-settings]"));
        Assert.Empty(cut.FindAll("[data-testid=webhook-log]"));
    }

    [Fact]
    public async Task The_admin_page_shows_the_callback_and_the_enterprises_log_and_re_sends_as_an_admin()
    {
        var enterprise = await _data.EnterpriseAsync(WebhookTestData.Unreachable);
        var other = await _data.EnterpriseAsync(WebhookTestData.Unreachable);
        var stopped = await _data.DeliveryAsync(enterprise, null, WebhookEvents.Superseded, WebhookDeliveryStatus.Stopped, enqueue: false);
        await _data.DeliveryAsync(other, null, WebhookEvents.Changed, WebhookDeliveryStatus.Failed, enqueue: false);
        _auth.SetAuthorized("admin").SetRoles(Roles.Admin).SetClaims(new Claim(ClaimTypes.NameIdentifier, "admin-7"));

        var cut = Render<AdminWebhooksPage>(p => p.Add(c => c.Id, enterprise.Id));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=webhook-log] tbody tr")));
        Assert.Contains(enterprise.Name, cut.Find("[data-testid=webhooks-admin-title]").TextContent);
        Assert.Contains(WebhookTestData.Unreachable, cut.Find("[data-testid=webhooks-admin-url]").TextContent);
        Assert.Contains("result.superseded", cut.Find("[data-testid=webhook-log]").TextContent);
        Assert.DoesNotContain("result.changed", cut.Find("[data-testid=webhook-log]").TextContent);

        cut.Find("[data-testid=webhook-resend]").Click();
        cut.WaitForAssertion(() => Assert.Contains("通知已重新排队发送", cut.Markup));
        Assert.Single(await _data.MessagesAsync(stopped.EventId));
        var audited = Assert.Single(await AuditAsync(AuditActions.EnterpriseWebhookResend, Id(stopped.Id)));
        Assert.Equal(("admin-7", Roles.Admin), (audited.ActorUserId, audited.ActorRole));

        await DisposeComponentsAsync();
        var missing = Render<AdminWebhooksPage>(p => p.Add(c => c.Id, 987654));
        missing.WaitForAssertion(() => Assert.NotNull(missing.Find("[data-testid=webhooks-admin-not-found]")));
    }
}

using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Webhooks;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>
/// The states <see cref="AccessiblePages"/> brings pages into before axe-core looks at them. Every step waits for the
/// state it produces, so the check never runs on the page before it.
/// </summary>
public static class PageStates
{
    public static async Task SubmitEmptyLookupAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=lookup-submit]");
        await page.WaitForSelectorAsync("[data-testid=lookup-form] [data-testid=form-errors]");
    }

    public static async Task SubmitEmptyTicketLookupAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync(".portal-lookup__ticket summary");
        await page.ClickAsync("[data-testid=ticket-form] button[type=submit]");
        await page.WaitForSelectorAsync("[data-testid=ticket-form] [data-testid=form-errors]");
    }

    public static async Task SubmitEmptyOverseasLookupAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=overseas-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }

    /// <summary>A well-formed passport number nobody holds: the answer every kind of mismatch gets.</summary>
    public static async Task LookUpAnUnknownNameAsync(IPage page, PlaywrightFixture browser)
    {
        await page.SelectOptionAsync("#idtype", "Passport");
        await page.FillAsync("#idnumber", "E99999990");
        await page.FillAsync("#name", "无此人");
        await page.FillAsync("#captcha", PortalFactory.CaptchaTestAnswer);
        await page.ClickAsync("[data-testid=lookup-submit]");
        await page.WaitForSelectorAsync("[data-testid=lookup-not-found]");
    }

    /// <summary>The demo candidate 杨𠮷 (CJK Extension B), three subjects passed.</summary>
    public static async Task LookUpYangJiAsync(IPage page, PlaywrightFixture browser)
    {
        await page.SelectOptionAsync("#idtype", "ResidentId");
        await page.FillAsync("#idnumber", "320102199211083808");
        await page.FillAsync("#name", "杨U+20BB7");
        await page.FillAsync("#captcha", PortalFactory.CaptchaTestAnswer);
        await page.ClickAsync("[data-testid=lookup-submit]");
        await page.WaitForSelectorAsync("[data-testid=result-sheet]");
    }

    /// <summary>
    /// The waiting room's page, as a visitor sees it when every slot of the lookup gate is taken: the real form post,
    /// queued; the page's polls are stopped so it stays as it stands, and the gate is freed again at once.
    /// </summary>
    public static async Task WaitInTheWaitingRoomAsync(IPage page, PlaywrightFixture browser)
    {
        await page.RouteAsync("**/lookup/queue/**", route => route.AbortAsync());
        await page.SelectOptionAsync("#idtype", "ResidentId");
        await page.FillAsync("#idnumber", "320102199211083808");
        await page.FillAsync("#name", "杨U+20BB7");
        await page.FillAsync("#captcha", PortalFactory.CaptchaTestAnswer);
        var gate = browser.Portal.Services.GetRequiredService<GateLine>();
        var held = WaitingRoomBrowserTests.FillGate(gate);
        try
        {
            await page.ClickAsync("[data-testid=lookup-submit]");
            await page.WaitForSelectorAsync("[data-testid=waiting-place]");
        }
        finally
        {
            if (held > 0) gate.LookupSlots.Release(held);
            gate.SawLine(TimeSpan.Zero);
        }
    }

    /// <summary>
    /// The "系统繁忙" page as the busy gate writes it when every slot is taken: the gate of the test runs with one slot
    /// held, and the browser receives its page in answer to the real form post (styles and scripts from the portal).
    /// </summary>
    public static async Task ShowBusyPageAsync(IPage page, PlaywrightFixture browser)
    {
        var culture = await page.Locator("html").GetAttributeAsync("lang") ?? "zh-CN";
        await page.RouteAsync("**/lookup", async route =>
        {
            if (route.Request.Method != "POST")
            {
                await route.ContinueAsync();
                return;
            }
            var body = await BusyPageAsync(culture, route.Request.PostData ?? "");
            await route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 503,
                ContentType = "text/html; charset=utf-8",
                Body = body,
                Headers = new Dictionary<string, string>
                {
                    ["Content-Security-Policy"] = SecurityHeaders.ContentSecurityPolicy,
                    ["Retry-After"] = "5",
                },
            });
        });
        await page.ClickAsync("[data-testid=lookup-submit]");
        await page.WaitForSelectorAsync("[data-auto-retry]");
        // The page re-posts itself after its countdown: stop it there, the check needs the page as it stands.
        await page.UnrouteAllAsync();
        await page.RouteAsync("**/lookup", route => route.AbortAsync());
    }

    private static async Task<string> BusyPageAsync(string culture, string form)
    {
        var previous = (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture);
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.CurrentUICulture = new(culture);
        try
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var gate = new BusyGate(async _ => { entered.TrySetResult(); await release.Task; },
                Options.Create(new BusyGateOptions { Paths = ["/lookup"], MaxConcurrent = 1, QueueTimeout = TimeSpan.FromMilliseconds(50) }),
                Localizer());
            var holder = gate.InvokeAsync(Post(""));
            await entered.Task;
            var busy = Post(form);
            var output = new MemoryStream();
            busy.Response.Body = output;
            await gate.InvokeAsync(busy);
            release.SetResult();
            await holder;
            Assert.Equal(503, busy.Response.StatusCode);
            return Encoding.UTF8.GetString(output.ToArray());
        }
        finally
        {
            (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture) = previous;
        }
    }

    private static DefaultHttpContext Post(string form)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/lookup";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(form));
        return context;
    }

    private static IStringLocalizer<SharedResource> Localizer() =>
        new StringLocalizer<SharedResource>(new ResourceManagerStringLocalizerFactory(
            Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));

    /// <summary>An address without an account: the same "wrong email or password" message as a wrong password.</summary>
    public static async Task SubmitLoginWithWrongPasswordAsync(IPage page, PlaywrightFixture browser)
    {
        // A fresh address each time: failures count per address, and this state is the first failure's.
        await page.FillAsync("#login-email", $"nobody-{Guid.NewGuid():N}@example.org");
        await page.FillAsync("#login-password", "not-the-password");
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }

    /// <summary>Three wrong passwords for one address: the form asks for a captcha too.</summary>
    public static async Task SubmitLoginUntilTheCaptchaIsAskedAsync(IPage page, PlaywrightFixture browser)
    {
        var email = $"guessed-{Guid.NewGuid():N}@example.org";
        for (var i = 0; i < 3; i++)
        {
            await page.FillAsync("#login-email", email);
            await page.FillAsync("#login-password", "not-the-password");
            await page.ClickAsync("[data-testid=login-submit]");
            await page.WaitForSelectorAsync("[data-testid=form-errors]");
        }
        await page.WaitForSelectorAsync("#login-captcha");
    }

    public static async Task SubmitEmptyPasswordChangeAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=change-password-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }

    public static async Task SubmitEmptyRegistrationAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=register-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors], .validation-message");
    }

    public static async Task OpenFirstBatchAsync(IPage page, PlaywrightFixture browser)
    {
        await page.Locator("[data-testid=batches] tbody a[href^='/admin/batches/']").First.ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=batch-title]");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
    }

    /// <summary>The new-session form saved empty: every field says what it needs.</summary>
    public static async Task OpenNewSessionFormAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=session-new]");
        await page.WaitForSelectorAsync("[data-testid=session-form]");
        await page.ClickAsync("[data-testid=session-save]");
        await page.WaitForSelectorAsync("[data-testid=session-form] .mud-input-error, [data-testid=session-form] [role=alert]");
    }

    /// <summary>The confirmation before deleting a qualification (left open: nothing is deleted).</summary>
    public static async Task OpenDeleteQualificationDialogAsync(IPage page, PlaywrightFixture browser)
    {
        await page.Locator("[data-testid=qualifications-table] tbody tr").First.Locator("button").Nth(2).ClickAsync();
        await page.WaitForSelectorAsync(".mud-dialog");
    }

    public static async Task SearchCatalogForNothingAsync(IPage page, PlaywrightFixture browser)
    {
        await page.Locator("[data-testid=qualifications-table] .mud-table-toolbar input[type=text]").Last.FillAsync("ZZZ-没有这个资格");
        await page.WaitForSelectorAsync("[data-testid=qualifications-empty]");
    }

    public static async Task SubmitEmptyLinkAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=link-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }

    /// <summary>
    /// "My scores" with a linked record: the Chinese and the English account each link their own demo record (孙丽 with a
    /// voided subject, 陈家豪 with a residence permit). The account stays linked, so a second run finds it linked already.
    /// </summary>
    public static async Task LinkADemoRecordAsync(IPage page, PlaywrightFixture browser)
    {
        if (await page.Locator("[data-testid=me-link]").CountAsync() > 0)
        {
            var english = await page.EvaluateAsync<string>("() => document.documentElement.lang") == "en-US";
            var (type, id, name) = english
                ? (ScorePortal.Model.IdType.HkMacaoTaiwanPermit, "810000199105038614", "陈家豪")
                : (ScorePortal.Model.IdType.ResidentId, "370102199608302908", "孙丽");
            var tickets = await ScorePortal.Tests.Features.Me.CandidateTestSupport.TicketsAsync(browser.Portal, type, id);
            await page.GotoAsync("/me/link");
            await page.SelectOptionAsync("#link-idtype", type.ToString());
            await page.FillAsync("#link-id", id);
            await page.FillAsync("#link-name", name);
            await page.FillAsync("#link-ticket", tickets[0]);
            await page.FillAsync("#link-captcha", PortalFactory.CaptchaTestAnswer);
            await page.ClickAsync("[data-testid=link-submit]");
        }
        await page.WaitForSelectorAsync("[data-testid=result-sheet]");
    }

    /// <summary>A linked record's review page: the window, the prefilled form links and the apply form.</summary>
    public static async Task OpenTheReviewFormAsync(IPage page, PlaywrightFixture browser)
    {
        await LinkADemoRecordAsync(page, browser);
        await page.GotoAsync("/me/reviews");
        await page.WaitForSelectorAsync("[data-testid=review-session]");
    }

    public static async Task SubmitEmptyStepUpAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=stepup-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }

    public static async Task UploadAFileThatIsNotAReportAsync(IPage page, PlaywrightFixture browser)
    {
        await page.SetInputFilesAsync("#verify-file", new FilePayload { Name = "report.pdf", MimeType = "application/pdf", Buffer = "not a pdf"u8.ToArray() });
        await page.ClickAsync("[data-testid=verify-file-submit]");
        await page.WaitForSelectorAsync("[data-testid=verify-file-verdict]");
    }

    /// <summary>
    /// The lookup refused for a blocked address (the browser's own, loopback): the form again with the wait in seconds.
    /// The block is lifted as soon as the page stands, so the other lookups of the run are not refused.
    /// </summary>
    public static async Task LookUpFromABlockedAddressAsync(IPage page, PlaywrightFixture browser)
    {
        var detector = browser.Portal.Services.GetRequiredService<ScorePortal.Features.Alerts.AnomalyDetector>();
        var key = detector.BlockKeyOf("127.0.0.1");
        await browser.Portal.Services.GetRequiredService<ScorePortal.Platform.Limits.ILimitsStore>()
            .BlockAsync(key, TimeSpan.FromMinutes(15), ScorePortal.Features.Alerts.AnomalyDetector.MissedIdNumbers);
        try
        {
            await page.FillAsync("#idnumber", "320102199211083808");
            await page.FillAsync("#name", "杨U+20BB7");
            await page.FillAsync("#captcha", PortalFactory.CaptchaTestAnswer);
            await page.ClickAsync("[data-testid=lookup-submit]");
            await page.WaitForSelectorAsync("[data-testid=wait-seconds]");
        }
        finally
        {
            await detector.LiftBlockAsync(key);
        }
    }

    /// <summary>The dashboard with a lookup block listed and its lift form (reason field) open.</summary>
    public static async Task OpenTheLiftOfABlockAsync(IPage page, PlaywrightFixture browser)
    {
        var detector = browser.Portal.Services.GetRequiredService<ScorePortal.Features.Alerts.AnomalyDetector>();
        await browser.Portal.Services.GetRequiredService<ScorePortal.Platform.Limits.ILimitsStore>()
            .BlockAsync(detector.BlockKeyOf("192.0.2.123"), TimeSpan.FromMinutes(15), ScorePortal.Features.Alerts.AnomalyDetector.MissedIdNumbers);
        await page.ReloadAsync();
        // The dashboard prerenders the row: a click before its circuit is up would be lost.
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await page.ClickAsync("[data-testid=block-lift]");
        await page.WaitForSelectorAsync("[data-testid=lift-form]");
    }

    public static async Task FindARecordLinkAsync(IPage page, PlaywrightFixture browser)
    {
        await page.Locator("input[data-testid=links-id], [data-testid=links-id] input").First.FillAsync("110105199003072311");
        await page.ClickAsync("[data-testid=links-find]");
        await page.WaitForSelectorAsync("[data-testid=links-record]");
    }

    /// <summary>A roster with a duplicate employee id: the refusal and its table of row errors, the stored figures unchanged.</summary>
    public static async Task UploadARosterWithBadRowsAsync(IPage page, PlaywrightFixture browser)
    {
        var content = Encoding.UTF8.GetBytes("employee_id,department,performance\nE1,研发中心,80\nE1,市场部,abc\n");
        for (var attempt = 0; ; attempt++)
        {
            await page.SetInputFilesAsync("[data-testid=roster-file]", new FilePayload { Name = "roster.csv", MimeType = "text/csv", Buffer = content });
            try
            {
                await page.WaitForSelectorAsync("[data-testid=roster-chosen]", new() { Timeout = 3000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                await page.SetInputFilesAsync("[data-testid=roster-file]", Array.Empty<string>());
            }
        }
        await page.ClickAsync("[data-testid=roster-upload]");
        await page.WaitForSelectorAsync("[data-testid=roster-errors]");
    }

    /// <summary>A fresh account of the role (staff bound to Beijing), with the demo password.</summary>
    public static async Task<(string Email, string Password)> CreateAccountAsync(PlaywrightFixture browser, AreaRole role)
    {
        var email = $"a11y-{role.ToString().ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..10]}@example.org";
        var password = browser.Portal.Services.GetRequiredService<IConfiguration>()["Demo:Password"]!;
        await using var scope = browser.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, ProvinceCode = role == AreaRole.Staff ? "11" : null };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role.ToString())).Succeeded);
        // An enterprise account acts for one enterprise; this one has a roster, so its figures page shows tables and charts,
        // a callback with two notices in its webhook log,
        // and keys with calls, so its home page shows usage.
        if (role == AreaRole.Enterprise)
        {
            var enterpriseId = await ScorePortal.Tests.Features.Enterprises.Figures.EnterpriseTestData.EnterpriseWithFiguresAsync(browser.Portal.Services, user.Id, "无障碍测试企业 " + email[..20]);
            await WebhookNoticesAsync(browser, enterpriseId);
            await EnterpriseAdminPageStates.AddKeysAndCallsAsync(browser, enterpriseId);
        }
        return (email, password);
    }

    /// <summary>An enterprise of its own with a callback and two notices in its log, for an admin to open.</summary>
    private static async Task<int> EnterpriseWithNoticesAsync(PlaywrightFixture browser)
    {
        var n = Random.Shared.NextInt64(10_000_000_000_000, 99_999_999_999_999);
        int id;
        await using (var db = browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext())
        {
            var enterprise = new Enterprise
            {
                Name = "无障碍测试企业", CreditCode = "9111" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), ContactName = "联系人",
                ContactEmail = "hr@example.org", Purpose = "核验员工证书", CreatedAt = DateTimeOffset.UtcNow,
            };
            db.Enterprises.Add(enterprise);
            await db.SaveChangesAsync();
            id = enterprise.Id;
        }
        await WebhookNoticesAsync(browser, id);
        return id;
    }

    /// <summary>
    /// A callback (a documentation address: refused at once, so nothing ever leaves the machine), a signing secret and two
    /// notices in the enterprise's log (one failed after two attempts, one delivered), without outbox messages.
    /// </summary>
    private static async Task WebhookNoticesAsync(PlaywrightFixture browser, int enterpriseId)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
        var enterprise = await db.Enterprises.SingleAsync(e => e.Id == enterpriseId);
        enterprise.WebhookUrl = "https://192.0.2.10/scoreportal/notices";
        enterprise.WebhookSecret = WebhookSignature.NewSecret();
        var failed = new WebhookDelivery
        {
            EnterpriseId = enterpriseId, EventId = Guid.NewGuid(), Event = WebhookEvents.Published, EmployeeId = "E2023001",
            IdempotencyKey = WebhookDeliveryHandler.NewIdempotencyKey(), OccurredAt = now, CreatedAt = now, Status = WebhookDeliveryStatus.Failed,
            Attempts = 2, LastAttemptAt = now, LastStatusCode = 500, LastError = "HTTP 500",
        };
        failed.AttemptLog.Add(new WebhookAttempt { At = now.AddMinutes(-1), StatusCode = 503, Error = "HTTP 503", DurationMs = 41 });
        failed.AttemptLog.Add(new WebhookAttempt { At = now, StatusCode = 500, Error = "HTTP 500", DurationMs = 38, Manual = true });
        db.WebhookDeliveries.Add(failed);
        var delivered = new WebhookDelivery
        {
            EnterpriseId = enterpriseId, EventId = Guid.NewGuid(), Event = WebhookEvents.Superseded, EmployeeId = "E2023002",
            IdempotencyKey = WebhookDeliveryHandler.NewIdempotencyKey(), OccurredAt = now.AddHours(-1), CreatedAt = now.AddHours(-1),
            Status = WebhookDeliveryStatus.Delivered, Attempts = 1, LastAttemptAt = now.AddHours(-1), LastStatusCode = 204, DeliveredAt = now.AddHours(-1),
        };
        delivered.AttemptLog.Add(new WebhookAttempt { At = now.AddHours(-1), StatusCode = 204, DurationMs = 25 });
        db.WebhookDeliveries.Add(delivered);
        await db.SaveChangesAsync();
    }

    /// <summary>An admin opens one enterprise's webhook notices (the page the enterprise's detail page links to).</summary>
    public static async Task OpenAnEnterprisesWebhooksAsync(IPage page, PlaywrightFixture browser)
    {
        var id = await EnterpriseWithNoticesAsync(browser);
        await page.GotoAsync($"/admin/enterprises/{id}/webhooks");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await page.WaitForSelectorAsync("[data-testid=webhook-log] tbody tr [data-testid=webhook-status]");
    }

    public static async Task OpenAnEnterprisesWebhookAttemptsAsync(IPage page, PlaywrightFixture browser)
    {
        await OpenAnEnterprisesWebhooksAsync(page, browser);
        await ShowWebhookAttemptsAsync(page, browser);
    }

    /// <summary>The attempts of the log's first notice (the failed one, newest).</summary>
    public static async Task ShowWebhookAttemptsAsync(IPage page, PlaywrightFixture browser)
    {
        await page.WaitForSelectorAsync("[data-testid=webhook-log] tbody tr [data-testid=webhook-attempts]");
        await page.Locator("[data-testid=webhook-attempts]").First.ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=webhook-attempt-row]");
    }

    /// <summary>A callback inside a private network, refused with its reason under the field.</summary>
    public static async Task SaveAPrivateWebhookUrlAsync(IPage page, PlaywrightFixture browser)
    {
        await page.FillAsync("[data-testid=webhook-settings] input", "https://10.0.0.8/hook");
        await page.ClickAsync("[data-testid=webhook-url-save]");
        await page.WaitForSelectorAsync("[data-testid=webhook-settings] .mud-input-error");
    }

    /// <summary>The confirmation before a new signing secret replaces the old one (left open).</summary>
    public static async Task AskToRotateTheWebhookSecretAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=webhook-secret-rotate]");
        await page.WaitForSelectorAsync(".mud-dialog .mud-message-box__yes-button");
    }

    /// <summary>A new signing secret, shown once.</summary>
    public static async Task RotateTheWebhookSecretAsync(IPage page, PlaywrightFixture browser)
    {
        await AskToRotateTheWebhookSecretAsync(page, browser);
        await page.ClickAsync(".mud-dialog .mud-message-box__yes-button");
        await page.WaitForSelectorAsync("[data-testid=webhook-secret]");
    }

    /// <summary>A staff member with an authenticator, after the password: the second-factor page.</summary>
    public static async Task SignInAsEnrolledStaffAsync(IPage page, PlaywrightFixture browser)
    {
        var (email, password) = await CreateAccountAsync(browser, AreaRole.Staff);
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
        }
        await page.GotoAsync("/Account/Login?returnUrl=%2Fstaff");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForSelectorAsync("[data-testid=totp-submit]");
    }

    /// <summary>The second-factor page refusing a malformed code: the message is announced and names the field.</summary>
    public static async Task SubmitAWrongSecondFactorAsync(IPage page, PlaywrightFixture browser)
    {
        await SignInAsEnrolledStaffAsync(page, browser);
        await page.FillAsync("#totp-code", "12");
        await page.ClickAsync("[data-testid=totp-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
        Assert.Contains("form-errors", await page.GetAttributeAsync("#totp-code", "aria-describedby") ?? "");
    }

    /// <summary>An admin who has not set up an authenticator yet lands on the enrollment page (QR code, secret, code field).</summary>
    public static async Task SignInAsUnenrolledAdminAsync(IPage page, PlaywrightFixture browser)
    {
        var (email, password) = await CreateAccountAsync(browser, AreaRole.Admin);
        await page.GotoAsync("/Account/Login?returnUrl=%2Fadmin");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForSelectorAsync("[data-testid=totp-qr]");
    }
}

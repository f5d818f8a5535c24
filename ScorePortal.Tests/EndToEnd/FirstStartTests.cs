using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Data;
using ScorePortal.Features.Reviews;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>A portal started as a developer's first run, with the work the demo gives every role (Demo:Work on).</summary>
public sealed class FirstStartFixture() : PlaywrightFixture(new Dictionary<string, string?> { [PortalFactory.DemoWork] = "true" });

[CollectionDefinition(Name)]
public sealed class FirstStartCollection : ICollectionFixture<FirstStartFixture>
{
    public const string Name = "First start";
}

/// <summary>
/// Issue #23, item 4: on a first start every demo role signs in and finds one item of work on its home page, as the
/// README's tour says. One fresh browser context per role; staff, expert, admin and enterprise accounts have an
/// authenticator enrolled first (the enrollment itself is <see cref="AdminEnrollmentTests"/>).
/// </summary>
[Collection(FirstStartCollection.Name)]
public sealed class FirstStartTests(FirstStartFixture browser)
{
    private string Password => browser.Portal.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Demo:Password"]!;

    private async Task<ScorePortalDbContext> DbAsync() =>
        await browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    [Fact]
    public async Task The_candidate_finds_Li_Nas_released_scores_and_the_way_to_apply_for_a_review()
    {
        var page = await SignInAsync("candidate@scoreportal.demo", "/me", secondFactor: false);

        var session = page.GetByTestId("me-session").First;
        await Assertions.Expect(session).ToContainTextAsync("李娜");
        await Assertions.Expect(session).ToContainTextAsync("41");
        var window = session.GetByTestId("me-review-window");
        await Assertions.Expect(window.Locator("a[href='/me/reviews']")).ToHaveTextAsync("提交复核申请");
        await PlaywrightFixture.ScreenshotAsync(page, "first-start-candidate-zh");
    }

    [Fact]
    public async Task Shanghai_staff_find_the_submitted_review_request_in_their_queue()
    {
        string caseNumber;
        await using (var db = await DbAsync())
            caseNumber = await db.ReviewRequests.Where(r => r.Status == ReviewStatus.Submitted && r.ProvinceCode == "31").Select(r => r.CaseNumber).SingleAsync();

        var page = await SignInAsync("staff.shanghai@scoreportal.demo", "/staff");

        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page);
        var row = page.GetByTestId("staff-queue").Locator("tr", new() { Has = page.GetByText(caseNumber, new() { Exact = true }) });
        await Assertions.Expect(row).ToContainTextAsync("基础知识");
        await PlaywrightFixture.ScreenshotAsync(page, "first-start-staff-zh");
    }

    [Fact]
    public async Task An_expert_of_another_province_finds_the_re_mark_waiting()
    {
        var page = await SignInAsync("expert1@scoreportal.demo", "/expert");

        var assignment = page.GetByTestId("expert-assignment");
        await Assertions.Expect(assignment).ToHaveCountAsync(1);
        await Assertions.Expect(assignment).ToContainTextAsync("应用技术");
        await Assertions.Expect(assignment.GetByTestId("expert-script")).ToBeVisibleAsync();
        await PlaywrightFixture.ScreenshotAsync(page, "first-start-expert-zh");
    }

    [Fact]
    public async Task The_second_admin_finds_the_batch_the_first_one_imported_awaiting_approval()
    {
        int batchId;
        await using (var db = await DbAsync())
            batchId = await db.ResultBatches.Where(b => b.Status == ResultBatchStatus.Validated).Select(b => b.Id).SingleAsync();

        var page = await SignInAsync("admin2@scoreportal.demo", "/admin");

        var batch = page.GetByTestId("admin-awaiting-batch");
        await Assertions.Expect(batch).ToHaveCountAsync(1);
        await Assertions.Expect(batch).ToContainTextAsync("admin@scoreportal.demo");
        var link = batch.GetByTestId("admin-awaiting-link");
        await Assertions.Expect(link).ToHaveTextAsync("核对并审核");
        await Assertions.Expect(link).ToHaveAttributeAsync("href", $"/admin/batches/{batchId}");
        await PlaywrightFixture.ScreenshotAsync(page, "first-start-admin-zh");
    }

    [Fact]
    public async Task The_enterprise_member_finds_its_enterprise_and_what_it_holds()
    {
        var page = await SignInAsync("enterprise@scoreportal.demo", "/enterprise");

        await Assertions.Expect(page.GetByTestId("enterprise-home-title")).ToHaveTextAsync("示例科技有限公司");
        await Assertions.Expect(page.GetByTestId("enterprise-home-keys")).ToBeVisibleAsync();
        await PlaywrightFixture.ScreenshotAsync(page, "first-start-enterprise-zh");
    }

    /// <summary>Password, then (for the areas behind a second factor) a code of the authenticator enrolled here; lands on <paramref name="home"/>.</summary>
    private async Task<IPage> SignInAsync(string email, string home, bool secondFactor = true)
    {
        var secret = secondFactor ? await Authenticators.EnrollAsync(browser.Portal, email) : null;
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Account/Login?returnUrl=" + Uri.EscapeDataString(home));
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", Password);
        await page.ClickAsync("[data-testid=login-submit]");
        if (secret is not null)
        {
            await page.WaitForSelectorAsync("#totp-code");
            await page.FillAsync("#totp-code", Authenticators.CodeAt(secret, DateTimeOffset.UtcNow));
            await page.ClickAsync("[data-testid=totp-submit]");
        }
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == home);
        return page;
    }
}

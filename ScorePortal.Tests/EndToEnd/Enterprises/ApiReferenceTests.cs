using Microsoft.Playwright;
using ScorePortal.Features.Enterprises.Api;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Enterprises;

/// <summary>
/// The API reference page in Chromium: it renders the operation under its own CSP (scripts by nonce, no eval), loading
/// nothing from outside the portal.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiReferenceTests(PlaywrightFixture browser)
{
    [Fact]
    public async Task The_reference_page_renders_the_api_without_a_csp_violation_or_a_request_off_the_portal()
    {
        var page = await browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" || message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                problems.Add("console: " + message.Text);
        };
        page.PageError += (_, error) => problems.Add("page error: " + error);
        var offPortal = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(browser.BaseAddress.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal)
                && !request.Url.StartsWith("blob:", StringComparison.Ordinal))
                offPortal.Add(request.Url);
        };
        page.RequestFailed += (_, request) => problems.Add("failed: " + request.Url + " " + request.Failure);
        // Violations are reported to the page as events too, also for what the console does not print.
        await page.AddInitScriptAsync("""
            window.__cspViolations = [];
            document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + e.sample));
            """);

        var response = await page.GotoAsync(ApiReference.PagePrefix + "/");
        Assert.NotNull(response);
        Assert.Contains("'nonce-", await response.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
        await Assertions.Expect(page.GetByText("/api/v1/exam/result").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("ScorePortal enterprise API").First).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await PlaywrightFixture.ScreenshotAsync(page, "api-reference");

        // One report is expected and harmless: the bundled Zod probes for eval once (`try { Function('') } catch`) and, refused,
        // validates without generated code. Anything else the policy blocked fails the test; eval stays blocked.
        var violations = await page.EvaluateAsync<string[]>("() => window.__cspViolations");
        var unexpected = violations.Where(v => !v.StartsWith("script-src eval ", StringComparison.Ordinal)
                                               || !v.Contains(ApiReference.PagePrefix + "/scalar.js:", StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, string.Join('\n', unexpected));
        Assert.True(violations.Length <= 1, string.Join('\n', violations));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(offPortal.Count == 0, string.Join('\n', offPortal));
    }
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using OtpNet;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>
/// Two accessibility engines check every page of <see cref="AccessiblePages"/> in Chinese and English: axe-core against
/// WCAG 2.1 A and AA on a desktop window and on a 390 px phone, then HTML_CodeSniffer against WCAG 2 AA (its errors
/// fail, its warnings and notices are for people to review; <see cref="HtmlcsExceptions"/> lists what is excused and
/// why). Both are loaded by a Playwright init script, which the page's Content-Security-Policy does not govern, so the
/// policy stays exactly as the portal serves it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(PlaywrightFixture browser)
{
    public static readonly int[] Widths = [1280, 390];

    /// <summary>axe-core 4.14 as Deque ships it with its .NET binding.</summary>
    private static readonly Lazy<string> AxeScript = new(() => new Deque.AxeCore.Commons.BundledAxeScriptProvider().GetScript());

    /// <summary>HTML_CodeSniffer 2.5.1's browser bundle, taken from its npm package by the build (ScorePortal.Tests.csproj).</summary>
    private static readonly Lazy<string> HtmlcsScript = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "htmlcs", "HTMLCS.js")));

    /// <summary>
    /// HTML_CodeSniffer's WCAG2AA standard over the whole document, errors only (type 1); messages in English whatever
    /// the page's language, so a failure reads the same in both runs. One engine bug is corrected, not excused: looking
    /// for a text's background, 2.5.1 walks up past "transparent" and "rgba(0, 0, 0, 0)" only, so a fully transparent
    /// colour of another hue (a focused MudBlazor text button's rgba(26, 77, 143, 0)) stops the walk and the text is
    /// measured against itself (1:1). Such a contrast error is dropped; axe-core measures the same text against what is
    /// really behind it.
    /// </summary>
    private const string RunHtmlcs = """
        () => new Promise((resolve, reject) => {
            const measuredAgainstNothing = element => {
                for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
                    const background = getComputedStyle(node).backgroundColor;
                    if (background !== 'transparent' && background !== 'rgba(0, 0, 0, 0)') return /^rgba\(.*,\s*0\)$/.test(background);
                }
                return false;
            };
            HTMLCS.process('WCAG2AA', document, () => resolve(HTMLCS.getMessages()
                .filter(m => m.type === HTMLCS.ERROR)
                .filter(m => !(m.code.includes('1_4_3') && m.element && m.element.nodeType === 1 && measuredAgainstNothing(m.element)))
                .map(m => ({
                    code: m.code, message: m.msg,
                    html: (m.element && m.element.outerHTML ? m.element.outerHTML : (m.element ? m.element.nodeName : '')).slice(0, 300),
                    // For a contrast error, the colours the engine walked through (element and ancestors), to tell a real
                    // problem from a state the page was caught in.
                    colours: m.code.includes('1_4_3') && m.element && m.element.nodeType === 1
                        ? [m.element, m.element.parentElement, m.element.parentElement && m.element.parentElement.parentElement].filter(e => e)
                            .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} color=${getComputedStyle(e).color} background=${getComputedStyle(e).backgroundColor}${e.matches(':hover') ? ' :hover' : ''}${e.matches(':focus') ? ' :focus' : ''}`).join(' < ')
                        : '',
                }))), () => reject(new Error('HTML_CodeSniffer could not run the WCAG2AA standard')), 'en');
        })
        """;

    /// <summary>One error HTML_CodeSniffer reports (filled by Playwright from the page's JSON).</summary>
    private sealed class HtmlcsMessage
    {
        public string Code { get; set; } = "";
        public string Message { get; set; } = "";
        public string Html { get; set; } = "";
        public string Colours { get; set; } = "";
    }

    /// <summary>
    /// WCAG 2.0/2.1 A and AA only, and violations only: collecting the passing nodes as well doubled the time of a run
    /// on this machine. The result is reduced in the page to what a failure message shows.
    /// </summary>
    private const string RunWcagAA = """
        async () => {
            const result = await axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                resultTypes: ['violations'],
            });
            return result.violations.flatMap(v => v.nodes.map(n => ({
                rule: v.id, impact: v.impact ?? '', help: v.help, target: n.target.join(' '), html: n.html, summary: n.failureSummary ?? '',
            })));
        }
        """;

    /// <summary>One element axe-core flags (Playwright fills it from the page's JSON, hence settable properties).</summary>
    private sealed class AxeViolation
    {
        public string Rule { get; set; } = "";
        public string Impact { get; set; } = "";
        public string Help { get; set; } = "";
        public string Target { get; set; } = "";
        public string Html { get; set; } = "";
        public string Summary { get; set; } = "";
    }

    /// <summary>One signed-in browser context per role and language, shared by the cases of one run.</summary>
    private static readonly ConditionalWeakTable<PlaywrightFixture, ConcurrentDictionary<(AreaRole, string), Lazy<Task<IBrowserContext>>>> Contexts = [];

    public static TheoryData<string, string> Cases => AccessiblePages.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Page_has_no_WCAG_21_AA_violation(string name, string culture)
    {
        var target = AccessiblePages.All.Single(p => p.Name == name);
        var context = await ContextAsync(target.Role, culture);
        var page = await context.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(Widths[0], 900);
            await page.GotoAsync(target.Url);
            var interactive = target.Role is AreaRole.Staff or AreaRole.Expert or AreaRole.Admin or AreaRole.Enterprise;
            if (interactive) await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
            Assert.Equal(culture, await page.Locator("html").GetAttributeAsync("lang"));
            if (target.Setup is not null) await target.Setup(page, browser);

            var found = new List<string>();
            foreach (var width in Widths)
            {
                await page.SetViewportSizeAsync(width, width < 600 ? 844 : 900);
                // Let media queries and MudBlazor's breakpoint listener settle before looking.
                await page.WaitForTimeoutAsync(150);
                var result = await page.EvaluateAsync<AxeViolation[]>(RunWcagAA);
                var violations = Unexcused(result).ToList();
                found.AddRange(violations.Select(v => $"[{width}px] {v}"));
                // A picture of what failed, for the person fixing it.
                if (violations.Count > 0) await PlaywrightFixture.ScreenshotAsync(page, $"a11y-{name}-{culture}-{width}");
            }
            // The second engine reads markup and computed styles, not the layout: once, at the phone width the page is at.
            var errors = (await page.EvaluateAsync<HtmlcsMessage[]>(RunHtmlcs))
                .Where(m => !HtmlcsExceptions.All.Any(e => m.Code.StartsWith(e.CodePrefix, StringComparison.Ordinal) && (e.Markup is null || m.Html.Contains(e.Markup, StringComparison.Ordinal))))
                .Select(m => $"HTML_CodeSniffer {m.Code}: {m.Message}\n    {m.Html}" + (m.Colours.Length > 0 ? $"\n    {m.Colours}" : "")).ToList();
            found.AddRange(errors);
            if (errors.Count > 0) await PlaywrightFixture.ScreenshotAsync(page, $"htmlcs-{name}-{culture}");
            Assert.True(found.Count == 0, $"{name} ({culture}) {target.Url}: {found.Count} violation(s)\n" + string.Join("\n", found));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public void Exceptions_never_excuse_contrast_or_missing_names_and_each_gives_a_reason()
    {
        foreach (var e in AxeExceptions.All)
        {
            Assert.DoesNotContain(e.RuleId, AxeExceptions.ForbiddenRules);
            Assert.Contains("mud-", e.Selector, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(e.Reason), $"{e.RuleId} {e.Selector} has no reason");
        }
        Assert.Equal(AccessiblePages.All.Length, AccessiblePages.All.Select(p => p.Name).Distinct().Count());
        foreach (var e in HtmlcsExceptions.All)
        {
            Assert.StartsWith("WCAG2AA.", e.CodePrefix, StringComparison.Ordinal);
            Assert.DoesNotContain("Guideline1_4.1_4_3", e.CodePrefix, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(e.Reason), $"{e.CodePrefix} has no reason");
        }
    }

    private static IEnumerable<string> Unexcused(AxeViolation[] violations) =>
        from v in violations
        where !AxeExceptions.All.Any(e => e.RuleId == v.Rule && v.Target.Contains(e.Selector, StringComparison.Ordinal))
        select $"{v.Rule} ({v.Impact}): {v.Help}\n    at {v.Target}\n    {v.Html}\n    {v.Summary.Replace("\n", "\n    ")}";

    private Task<IBrowserContext> ContextAsync(AreaRole role, string culture) =>
        Contexts.GetOrCreateValue(browser).GetOrAdd((role, culture), key => new Lazy<Task<IBrowserContext>>(() => CreateContextAsync(key.Item1, key.Item2))).Value;

    /// <summary>A context in the given language, signed in as a fresh account of the role (its own, so no other test's sign-in is disturbed).</summary>
    private async Task<IBrowserContext> CreateContextAsync(AreaRole role, string culture)
    {
        var page = await browser.NewPageAsync(locale: culture);
        // Loaded before the page's own scripts in every document of the context; an init script is not subject to
        // the page's Content-Security-Policy, which therefore stays exactly as the portal serves it.
        await page.Context.AddInitScriptAsync(AxeScript.Value);
        await page.Context.AddInitScriptAsync(HtmlcsScript.Value);
        await page.GotoAsync($"/culture/{culture}?returnUrl=%2F");
        if (role != AreaRole.Public) await SignInAsync(page, role, culture);
        await page.CloseAsync();
        return page.Context;
    }

    private async Task SignInAsync(IPage page, AreaRole role, string culture)
    {
        var (email, password) = await PageStates.CreateAccountAsync(browser, role);
        var home = role switch
        {
            AreaRole.Staff => "/staff", AreaRole.Expert => "/expert", AreaRole.Admin => "/admin", AreaRole.Enterprise => "/enterprise", _ => "/",
        };
        await page.GotoAsync($"/Account/Login?returnUrl={Uri.EscapeDataString(home)}");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("[data-testid=login-submit]");
        if (role == AreaRole.Candidate)
        {
            // The sign-in cookie comes with the redirect: the context holds it once the next page has committed. Waiting
            // for that page's load event as well (the default) adds nothing this context needs and, while the whole
            // suite starts up on two cores, timed out once after the network had gone idle.
            await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal),
                new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            return;
        }
        await page.WaitForSelectorAsync("[data-testid=totp-secret]");
        var secret = (await page.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
        await page.FillAsync("#totp-code", new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow));
        await page.ClickAsync("[data-testid=totp-submit]");
        await page.ClickAsync("[data-testid=continue]");
        await page.WaitForURLAsync("**" + home);
    }
}

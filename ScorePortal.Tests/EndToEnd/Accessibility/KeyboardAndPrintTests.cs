using System.Diagnostics;
using Microsoft.Playwright;
using ScorePortal.Tests.Infrastructure;
using PdfPigDocument = UglyToad.PdfPig.PdfDocument;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>What a keyboard user meets first, what axe-core itself must catch, and the result sheet on paper.</summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardAndPrintTests(PlaywrightFixture browser)
{
    /// <summary>Where focus is: the element, whether it is in main, its outline, and its position.</summary>
    private const string Focused = """
        () => {
            const e = document.activeElement;
            const style = getComputedStyle(e);
            const box = e.getBoundingClientRect();
            return {
                id: e.id || '', tag: e.tagName.toLowerCase(), cls: e.className || '', inMain: !!e.closest('main'),
                outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
                visible: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.left < innerWidth,
            };
        }
        """;

    public sealed class FocusInfo
    {
        public string Id { get; set; } = "";
        public string Tag { get; set; } = "";
        public string Cls { get; set; } = "";
        public bool InMain { get; set; }
        public double Outline { get; set; }
        public bool Visible { get; set; }
        public override string ToString() => $"{Tag}#{Id}.{Cls}";
    }

    /// <summary>The Blazor pages' skip link (MainLayout) stays on the page as well and moves focus to the content.</summary>
    [Fact]
    public async Task Skip_link_of_a_Blazor_page_leads_into_its_main_content()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        // Blazor's FocusOnNavigate puts focus on the page's heading, inside main, before any Tab.
        var start = await page.EvaluateAsync<FocusInfo>(Focused);
        Assert.True(start.Tag == "h1" && start.InMain, $"focus starts at {start}");
        await page.FocusAsync(".skip-link");
        var skip = await page.EvaluateAsync<FocusInfo>(Focused);
        Assert.True(skip.Visible && skip.Outline >= 2, $"the skip link is not visible with focus: {skip}");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Tab");
        var first = await page.EvaluateAsync<FocusInfo>(Focused);
        Assert.Contains("/Account/Login", page.Url);
        Assert.True(first.Id == "login-email", $"Tab after the skip link went to {first}, at {page.Url}");
        Assert.True(first.Outline >= 2, $"no visible focus on {first}");
    }

    [Fact]
    public async Task Keyboard_user_skips_to_the_form_and_sees_focus_on_every_control_in_reading_order()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/lookup");

        // The first Tab shows the skip link on screen; Enter moves focus to the main content.
        await page.Keyboard.PressAsync("Tab");
        var skip = await page.EvaluateAsync<FocusInfo>(Focused);
        Assert.Contains("skip-link", skip.Cls);
        Assert.True(skip.Visible && skip.Outline >= 2, $"the skip link is not visible with focus: {skip}");
        await PlaywrightFixture.ScreenshotAsync(page, "keyboard-skip-link");
        await page.Keyboard.PressAsync("Enter");
        Assert.EndsWith("/lookup#main", page.Url);
        Assert.Equal("main", (await page.EvaluateAsync<FocusInfo>(Focused)).Id);

        // From there Tab walks the form in reading order, past the header, and every stop shows where it is.
        var stops = new List<FocusInfo>();
        for (var i = 0; i < 10; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var stop = await page.EvaluateAsync<FocusInfo>(Focused);
            Assert.True(stop.InMain, $"Tab {i + 1} left the main content for {stop}");
            Assert.True(stop.Visible && stop.Outline >= 2, $"no visible focus on {stop} (outline {stop.Outline}px)");
            stops.Add(stop);
        }
        var ids = stops.Select(s => s.Id).Where(id => id.Length > 0).ToList();
        Assert.Equal(["session", "idtype", "idnumber", "name", "captcha"], ids.Take(5));
        Assert.Contains(stops, s => s.Cls.Contains("portal-captcha__refresh"));
        Assert.Contains(stops, s => s.Cls.Contains("portal-captcha__audio"));
        Assert.Contains(stops, s => s.Tag == "button" && s.Cls.Contains("portal-button"));
        await PlaywrightFixture.ScreenshotAsync(page, "keyboard-focus-lookup");

        // Enter in a field sends the form; its errors are announced (role=alert is an assertive live region).
        await page.FocusAsync("#name");
        await page.Keyboard.PressAsync("Enter");
        var errors = page.Locator("[data-testid=lookup-form] [data-testid=form-errors]");
        await Assertions.Expect(errors).ToHaveAttributeAsync("role", "alert");
        // Each field to fix is marked invalid and names its own message, which a screen reader reads on the field.
        foreach (var field in new[] { "#idnumber", "#name" })
        {
            await Assertions.Expect(page.Locator(field)).ToHaveAttributeAsync("aria-invalid", "true");
            var message = (await page.Locator(field).GetAttributeAsync("aria-describedby"))!.Split(' ')[0];
            await Assertions.Expect(errors.Locator($"#{message}")).Not.ToBeEmptyAsync();
        }
        await Assertions.Expect(page.Locator("#session")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await PlaywrightFixture.ScreenshotAsync(page, "keyboard-form-errors");
    }

    /// <summary>The axe run of <see cref="AccessibilityTests"/> is not a formality: the footer's old grey is caught.</summary>
    [Fact]
    public async Task Axe_reports_the_contrast_the_footer_caption_had_before_the_theme_fix()
    {
        var page = await browser.NewPageAsync();
        await page.Context.AddInitScriptAsync(new Deque.AxeCore.Commons.BundledAxeScriptProvider().GetScript());
        await page.GotoAsync("/");
        await page.EvaluateAsync("() => document.querySelector('.portal-footer .mud-typography-caption').style.color = '#717274'");
        var rules = await page.EvaluateAsync<string[]>("""
            async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2aa'] }, resultTypes: ['violations'] }))
                .violations.map(v => v.id)
            """);
        Assert.Contains("color-contrast", rules);
    }

    [Fact]
    public async Task Printed_result_sheet_is_one_A4_page_with_the_portal_name_masked_id_time_and_no_navigation()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/lookup");
        await PageStates.LookUpYangJiAsync(page, browser);
        await Assertions.Expect(page.GetByTestId("sheet-print")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("sheet-generated")).ToContainTextAsync("北京时间");

        var pdf = await page.PdfAsync(new PagePdfOptions { Format = "A4", PreferCSSPageSize = true });
        var folder = Path.Combine(PlaywrightFixture.RepositoryRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        var pdfPath = Path.Combine(folder, "result-sheet-print.pdf");
        await File.WriteAllBytesAsync(pdfPath, pdf);

        using (var document = PdfPigDocument.Open(pdf))
        {
            Assert.Equal(1, document.NumberOfPages);
            var sheet = document.GetPage(1);
            Assert.InRange(sheet.Width, 590, 600); // A4: 595 × 842 pt
            Assert.InRange(sheet.Height, 837, 847);
            var text = string.Concat(sheet.Letters.Select(l => l.Value)).Replace(" ", "");
            Assert.Contains("软考成绩查询", text);
            Assert.Contains("320102********3808", text);
            Assert.DoesNotContain("320102199211083808", text);
            Assert.Contains("北京时间", text);
            Assert.Contains("不是成绩证明", text);
            Assert.Contains("/verify", text);
            // No navigation, language switch, buttons or links to look up again.
            Assert.DoesNotContain("English", text);
            Assert.DoesNotContain("打印成绩单", text);
            Assert.DoesNotContain("查询其他成绩", text);
            Assert.DoesNotContain("登录", text.Replace("请登录", ""));
        }

        // A picture of the paper, for a person to look at.
        using var pdftoppm = Process.Start(new ProcessStartInfo("pdftoppm", ["-png", "-r", "80", "-singlefile", pdfPath, Path.Combine(folder, "result-sheet-print")]))
            ?? throw new InvalidOperationException("pdftoppm did not start (apt-get install poppler-utils)");
        await pdftoppm.WaitForExitAsync();
        Assert.Equal(0, pdftoppm.ExitCode);
        Assert.True(new FileInfo(Path.Combine(folder, "result-sheet-print.png")).Length > 10_000);
    }
}

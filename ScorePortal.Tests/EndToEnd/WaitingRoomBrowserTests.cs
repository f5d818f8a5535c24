using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Features.Lookup;
using ScorePortal.Operations;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>
/// The waiting room in Chromium: with every slot of the lookup gate held, two visitors post the lookup form and wait in
/// line; as slots free one at a time, the second visitor (a phone, in English) watches their place advance and gets
/// their result sheet without touching anything.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WaitingRoomBrowserTests(PlaywrightFixture browser)
{
    /// <summary>Takes every free slot of the portal's lookup gate (lookups in progress); returns how many.</summary>
    internal static int FillGate(GateLine gate)
    {
        var held = 0;
        while (gate.LookupSlots.Wait(0)) held++;
        return held;
    }

    private static async Task FillLookupFormAsync(IPage page, string idNumber, string name)
    {
        await page.SelectOptionAsync("#idtype", "ResidentId");
        await page.FillAsync("#idnumber", idNumber);
        await page.FillAsync("#name", name);
        await page.FillAsync("#captcha", PortalFactory.CaptchaTestAnswer);
    }

    [Fact]
    public async Task A_visitor_waits_watches_the_place_advance_and_gets_the_sheet_when_the_turn_comes()
    {
        var gate = browser.Portal.Services.GetRequiredService<GateLine>();
        var room = browser.Portal.Services.GetRequiredService<WaitingRoom>();
        var held = FillGate(gate);
        var pages = new List<IPage>();
        try
        {
            var first = await browser.NewPageAsync();
            pages.Add(first);
            await first.GotoAsync("/lookup");
            await FillLookupFormAsync(first, "110105199003072311", "张伟");
            await first.ClickAsync("[data-testid=lookup-submit]");
            await Assertions.Expect(first.Locator("[data-testid=waiting-place]")).ToContainTextAsync("第 1 位");

            var second = await browser.NewPageAsync(mobile: true, locale: "en-US");
            pages.Add(second);
            var sockets = new List<string>();
            second.WebSocket += (_, socket) => sockets.Add(socket.Url);
            await second.GotoAsync("/lookup?culture=en-US");
            await FillLookupFormAsync(second, "320102199211083808", "杨U+20BB7");
            await second.ClickAsync("[data-testid=lookup-submit]");
            var place = second.Locator("[data-testid=waiting-place]");
            await Assertions.Expect(place).ToContainTextAsync("Your place in the line: 2.");
            Assert.Equal("polite", await place.GetAttributeAsync("aria-live"));
            var scrollWidth = await second.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= PlaywrightFixture.MobileWidth, $"page is {scrollWidth}px wide on a {PlaywrightFixture.MobileWidth}px screen");
            await PlaywrightFixture.ScreenshotAsync(second, "waiting-room-mobile-en");

            // A slot frees for a moment: the head of the line (the first visitor) is admitted, and the second moves up
            // while the gate is full again.
            var firstTicket = await first.Locator("input[name='Queue.Ticket']").InputValueAsync();
            gate.LookupSlots.Release();
            var admitted = await room.CheckAsync(firstTicket);
            Assert.True(gate.LookupSlots.Wait(0));
            Assert.Equal(PlaceState.Admitted, admitted.State);
            await Assertions.Expect(place).ToContainTextAsync("Your place in the line: 1.");

            // Every slot frees: the first comes in, then the second's page posts the kept form itself, with the ticket
            // in place of the captcha.
            gate.LookupSlots.Release(held);
            held = 0;
            await first.WaitForSelectorAsync("[data-testid=result-sheet]");
            await second.WaitForSelectorAsync("[data-testid=result-sheet]");
            Assert.Equal("杨\U00020BB7", await second.TextContentAsync("[data-testid=sheet-name]"));
            Assert.DoesNotContain(sockets, url => url.Contains("/_blazor", StringComparison.Ordinal));
        }
        finally
        {
            // Closed pages stop polling, so the line is empty again for the next browser test.
            foreach (var page in pages) await page.Context.CloseAsync();
            if (held > 0) gate.LookupSlots.Release(held);
            gate.SawLine(TimeSpan.Zero);
        }
    }
}

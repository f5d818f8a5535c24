using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Features.Lookup;
using ScorePortal.Operations;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>
/// The waiting room in Chromium: on a portal whose lookup gate has one slot, held, two visitors post the lookup form and wait in
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

    /// <summary>A portal of its own whose gate has one slot, so that the line starts empty.</summary>
    private static (PortalFactory Portal, string Address) StartOneSlotPortal()
    {
        var portal = PortalFactory.With(new Dictionary<string, string?>
        {
            [PortalFactory.DemoSeed] = "true",
            [PortalFactory.DemoCandidates] = "50",
            ["BusyGate:MaxConcurrent"] = "1",
            ["BusyGate:QueueTimeout"] = "00:00:00.010",
        });
        portal.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        portal.StartServer();
        var address = portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (portal, address.TrimEnd('/') + "/");
    }

    private async Task<IPage> NewPageAsync(string address, bool mobile = false, string locale = "zh-CN")
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = address,
            Locale = locale,
            TimezoneId = "Asia/Shanghai",
            ViewportSize = mobile ? new ViewportSize { Width = PlaywrightFixture.MobileWidth, Height = 780 } : new ViewportSize { Width = 1280, Height = 900 },
            IsMobile = mobile,
            HasTouch = mobile,
            DeviceScaleFactor = mobile ? 2 : 1,
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    [Fact]
    public async Task A_visitor_waits_watches_the_place_advance_and_gets_the_sheet_when_the_turn_comes()
    {
        var (portal, address) = StartOneSlotPortal();
        await using var ownPortal = portal;
        var gate = portal.Services.GetRequiredService<GateLine>();
        var room = portal.Services.GetRequiredService<WaitingRoom>();
        var held = FillGate(gate);
        var pages = new List<IPage>();
        try
        {
            var first = await NewPageAsync(address);
            pages.Add(first);
            await first.GotoAsync("/lookup");
            await FillLookupFormAsync(first, "110105199003072311", "张伟");
            await first.ClickAsync("[data-testid=lookup-submit]");
            await Assertions.Expect(first.Locator("[data-testid=waiting-place]")).ToContainTextAsync("第 1 位");

            var second = await NewPageAsync(address, mobile: true, locale: "en-US");
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
            foreach (var page in pages) await page.Context.CloseAsync();
            if (held > 0) gate.LookupSlots.Release(held);
        }
    }
}

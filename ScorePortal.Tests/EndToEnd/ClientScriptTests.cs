using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using ScorePortal.Operations;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>The two client scripts, in Chromium: captcha.js (refresh before expiry) and retry.js (re-post after "busy").</summary>
[Collection(BrowserCollection.Name)]
public sealed class ClientScriptTests(PlaywrightFixture browser)
{
    [Fact]
    public async Task An_expiring_captcha_is_replaced_with_a_new_token_and_image_and_the_answer_is_cleared()
    {
        var page = await browser.NewPageAsync();
        // The page's own timers run on a clock the test moves; the server answers in real time.
        await page.Clock.InstallAsync();
        await page.GotoAsync("/lookup");
        var box = page.Locator("[data-captcha]").First;
        var token = box.Locator("[data-captcha-token]");
        var image = box.Locator("[data-captcha-image]");
        var answer = box.Locator("input[type=text]");
        var firstToken = await token.InputValueAsync();
        var firstImage = await image.GetAttributeAsync("src");
        await answer.FillAsync("ABCD");

        // Until 10 s before the token expires nothing happens; then the script fetches a new challenge.
        var untilExpiry = await page.EvaluateAsync<double>("() => Number(document.querySelector('[data-captcha]').dataset.expires) - Date.now()");
        await page.Clock.RunForAsync((long)Math.Max(2_000, untilExpiry));

        await Assertions.Expect(token).Not.ToHaveValueAsync(firstToken);
        Assert.NotEqual(firstImage, await image.GetAttributeAsync("src"));
        Assert.Equal("", await answer.InputValueAsync());
    }

    [Fact]
    public async Task The_busy_page_posts_the_visitors_own_form_again_after_its_countdown()
    {
        var page = await browser.NewPageAsync();
        var posts = new List<string>();
        await page.RouteAsync("**/lookup", async route =>
        {
            if (route.Request.Method != "POST")
            {
                await route.ContinueAsync();
                return;
            }
            posts.Add(route.Request.PostData ?? "");
            // The first post meets a saturated portal: the real busy page, as BusyGate writes it for this form.
            if (posts.Count == 1)
                await route.FulfillAsync(new() { Status = 503, ContentType = "text/html; charset=utf-8", Body = await BusyPageAsync(posts[0]) });
            else
                await route.ContinueAsync();
        });
        await page.GotoAsync("/lookup");
        await page.SelectOptionAsync("#idtype", "ResidentId");
        await page.FillAsync("#idnumber", "320102199211083808");
        await page.FillAsync("#name", "杨U+20BB7");
        await page.FillAsync("#captcha", PortalFactory.CaptchaTestAnswer);

        await page.ClickAsync("[data-testid=lookup-submit]");

        await page.WaitForSelectorAsync("[data-testid=result-sheet]", new() { Timeout = 20_000 });
        Assert.Equal(2, posts.Count);
        Assert.Equal(Fields(posts[0]), Fields(posts[1]));
        Assert.Equal("杨\U00020BB7", await page.TextContentAsync("[data-testid=sheet-name]"));
    }

    private static List<string> Fields(string form) => form.Split('&').Order(StringComparer.Ordinal).ToList();

    private async Task<string> BusyPageAsync(string form)
    {
        var localizer = browser.Portal.Services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new BusyGate(async _ => { entered.TrySetResult(); await release.Task; },
            Options.Create(new BusyGateOptions { Paths = ["/lookup"], MaxConcurrent = 1, QueueTimeout = TimeSpan.FromMilliseconds(10), RetryAfterSeconds = 1 }),
            localizer);
        var holder = gate.InvokeAsync(Post("a=1"));
        await entered.Task;
        var busy = Post(form);
        await gate.InvokeAsync(busy);
        release.SetResult();
        await holder;
        Assert.Equal(503, busy.Response.StatusCode);
        busy.Response.Body.Position = 0;
        return await new StreamReader(busy.Response.Body).ReadToEndAsync();
    }

    private static DefaultHttpContext Post(string form)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/lookup";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(form));
        context.Response.Body = new MemoryStream();
        return context;
    }
}

using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScorePortal.Operations;

namespace ScorePortal.Tests.Features.Operations;

public sealed class BusyGateTests
{
    private static readonly IStringLocalizer<SharedResource> Chinese = new StringLocalizer<SharedResource>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance));

    private static DefaultHttpContext FormPost(string path, string form)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = path;
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(form));
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static async Task<string> BodyOf(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return await new StreamReader(context.Response.Body).ReadToEndAsync();
    }

    [Fact]
    public async Task A_saturated_portal_answers_busy_with_retry_after_and_keeps_the_form()
    {
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("zh-CN");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var gate = new BusyGate(async _ => { Interlocked.Increment(ref calls); entered.TrySetResult(); await release.Task; },
            Options.Create(new BusyGateOptions { Paths = ["/lookup"], MaxConcurrent = 1, QueueTimeout = TimeSpan.FromMilliseconds(100), RetryAfterSeconds = 5 }),
            Chinese);

        var first = gate.InvokeAsync(FormPost("/lookup", "Input.Name=a"));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var second = FormPost("/lookup", "Input.IdNumber=11010519900307231X&Input.Name=" + Uri.EscapeDataString("杨\U00020BB7 <b>"));
        await gate.InvokeAsync(second);

        Assert.Equal(503, second.Response.StatusCode);
        Assert.Equal("5", second.Response.Headers.RetryAfter.ToString());
        var html = await BodyOf(second);
        Assert.Contains("系统繁忙", html);
        Assert.Contains("data-auto-retry=\"5\"", html);
        Assert.Contains("name=\"Input.IdNumber\" value=\"11010519900307231X\"", html);
        Assert.Contains("&lt;b&gt;", html); // echoed back as text, never as markup
        Assert.DoesNotContain("<b>", html);

        // The first request ends: its slot is freed, so the same gate lets the next one through.
        release.SetResult();
        await first;
        var third = FormPost("/lookup", "Input.Name=c");
        await gate.InvokeAsync(third);
        Assert.Equal(200, third.Response.StatusCode);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task The_busy_page_carries_over_only_the_lookup_forms_fields()
    {
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("zh-CN");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new BusyGate(async _ => { entered.TrySetResult(); await release.Task; },
            Options.Create(new BusyGateOptions { MaxConcurrent = 1, QueueTimeout = TimeSpan.FromMilliseconds(50) }), Chinese);
        var first = gate.InvokeAsync(FormPost("/lookup", "Input.Name=a"));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var busy = FormPost("/lookup", "_handler=lookup&Input.IdNumber=110105199003072311&Input.Name=" + Uri.EscapeDataString("张伟")
            + "&Ticket.TicketNumber=2026H1-11-000001&attacker=" + Uri.EscapeDataString("<marker-one>")
            + "&" + Uri.EscapeDataString("<marker-two>") + "=x&Input.Name=" + Uri.EscapeDataString("second-name-value")
            + "&Input.Email=" + new string('a', 600));
        await gate.InvokeAsync(busy);
        release.SetResult();
        await first;

        var html = await BodyOf(busy);
        Assert.Equal(503, busy.Response.StatusCode);
        Assert.Contains("name=\"_handler\" value=\"lookup\"", html);
        Assert.Contains("name=\"Input.IdNumber\" value=\"110105199003072311\"", html);
        Assert.Contains("name=\"Input.Name\" value=\"张伟\"", html);
        Assert.Contains("name=\"Ticket.TicketNumber\" value=\"2026H1-11-000001\"", html);
        Assert.DoesNotContain("attacker", html);
        Assert.DoesNotContain("marker", html);
        Assert.DoesNotContain("second-name-value", html);
        Assert.DoesNotContain("Input.Email", html); // longer than any real value
    }

    [Fact]
    public async Task Captcha_pictures_and_challenges_pass_a_gate_of_their_own()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lookups = 0;
        var drawings = 0;
        var gate = new BusyGate(async context =>
            {
                // The first picture holds its slot until released; any other request that gets through returns at once.
                if (!context.Request.Path.StartsWithSegments("/captcha")) Interlocked.Increment(ref lookups);
                else if (Interlocked.Increment(ref drawings) == 1) { entered.TrySetResult(); await release.Task; }
            },
            Options.Create(new BusyGateOptions { MaxConcurrent = 1, ChallengeMaxConcurrent = 1, QueueTimeout = TimeSpan.FromMilliseconds(50), RetryAfterSeconds = 7 }),
            Chinese);

        var drawing = gate.InvokeAsync(new DefaultHttpContext { Request = { Method = "GET", Path = "/captcha/image" } });
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var image = new DefaultHttpContext { Request = { Method = "GET", Path = "/captcha/image" }, Response = { Body = new MemoryStream() } };
        var fresh = new DefaultHttpContext { Request = { Method = "GET", Path = "/captcha/new" }, Response = { Body = new MemoryStream() } };
        await gate.InvokeAsync(image);
        await gate.InvokeAsync(fresh);
        // The lookups keep their own slots while the pictures are saturated.
        var lookup = FormPost("/lookup", "Input.Name=a");
        await gate.InvokeAsync(lookup);
        release.SetResult();
        await drawing;

        Assert.Equal(503, image.Response.StatusCode);
        Assert.Equal("7", image.Response.Headers.RetryAfter.ToString());
        Assert.Equal(0, image.Response.Body.Length);
        Assert.Equal(503, fresh.Response.StatusCode);
        Assert.Equal(1, drawings);
        Assert.Equal(200, lookup.Response.StatusCode);
        Assert.Equal(1, lookups);
    }

    [Fact]
    public async Task Requests_outside_the_hot_paths_never_wait()
    {
        var calls = 0;
        var gate = new BusyGate(_ => { calls++; return Task.CompletedTask; },
            Options.Create(new BusyGateOptions { Paths = ["/lookup"], MaxConcurrent = 1 }), Chinese);

        await gate.InvokeAsync(new DefaultHttpContext { Request = { Method = "GET", Path = "/lookup" } });
        await gate.InvokeAsync(FormPost("/Account/Login", "x=1"));

        Assert.Equal(2, calls);
    }
}

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

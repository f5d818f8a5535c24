using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Outbox;

public sealed class SmtpSettingsTests
{
    [Theory]
    [InlineData("Smtp:Host", "", "Smtp:Host is required")]
    [InlineData("Smtp:From", "not an address", "Smtp:From must be one email address")]
    [InlineData("Smtp:Port", "70000", "Smtp:Port must be between 1 and 65535")]
    [InlineData("Outbox:LeaseDuration", "00:00:30", "Outbox:LeaseDuration must exceed three times Smtp:Timeout")]
    public async Task The_portal_refuses_to_start_with_unusable_mail_settings(string key, string value, string message)
    {
        await using var portal = PortalFactory.With(new Dictionary<string, string?> { [key] = value });

        // The binary as an operator starts it: one message, exit 1, before any migration (Operations/StartupRefusal).
        var run = await PortalProcess.RunAsync("Testing", portal, []);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task A_configured_public_address_wins_over_the_host_a_request_claims()
    {
        await using var portal = PortalFactory.With(new Dictionary<string, string?>
        {
            ["Portal:PublicBaseUrl"] = "https://score.example.cn",
        });
        var email = $"host-{Guid.NewGuid():N}@example.org";
        using var client = new BrowserlessClient(portal);
        client.Http.DefaultRequestHeaders.Host = "evil.example";

        using var registered = await client.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.AcceptNotice"] = "true",
            ["Input.Email"] = email,
            ["Input.Password"] = "correct horse 42",
            ["Input.ConfirmPassword"] = "correct horse 42",
        });
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);

        var mail = await portal.Mailbox.WaitForMessageToAsync(email, TimeSpan.FromSeconds(10));
        Assert.Contains("https://score.example.cn/Account/ConfirmEmail?userId=", mail.TextBody);
        Assert.DoesNotContain("evil.example", mail.TextBody);
        Assert.DoesNotContain("evil.example", mail.HtmlBody);
        await using var scope = portal.Services.CreateAsyncScope();
        Assert.NotNull(await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email));
    }
}

using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Webhooks;

/// <summary>
/// Who may open the two webhook pages, over real HTTP: the enterprise page needs the Enterprise role with its second
/// factor, the admin page the Admin role; anyone else is sent to sign in or refused.
/// </summary>
public sealed class WebhookAuthorizationTests(WebhookPortal fixture) : IClassFixture<WebhookPortal>
{
    private DemoPortal Portal => fixture.Portal;

    [Theory]
    [InlineData("/enterprise/webhooks")]
    [InlineData("/admin/enterprises/1/webhooks")]
    public async Task An_anonymous_visitor_is_sent_to_sign_in(string path)
    {
        using var client = new BrowserlessClient(Portal);

        using var response = await client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.RedirectTarget());
    }

    [Theory]
    [InlineData("/enterprise/webhooks")]
    [InlineData("/admin/enterprises/1/webhooks")]
    public async Task A_candidate_is_refused(string path)
    {
        using var client = new BrowserlessClient(Portal);
        using var _ = await client.SignInAsync("candidate@scoreportal.demo", Portal.DemoPassword);

        using var response = await client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.RedirectTarget());
    }

    [Fact]
    public async Task An_enterprise_user_with_a_second_factor_opens_its_own_page_and_is_refused_the_admin_page()
    {
        var data = new WebhookTestData(Portal);
        var enterprise = await data.EnterpriseAsync(WebhookTestData.Unreachable);
        var (_, email) = await data.EnterpriseUserAsync(enterprise);
        string key;
        await using (var scope = Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
        }
        using var client = new BrowserlessClient(Portal);
        using var password = await client.SignInAsync(email, Portal.DemoPassword);
        Assert.StartsWith("/Account/LoginWith2fa", password.RedirectTarget());
        Portal.Clock.Advance(TimeSpan.FromSeconds(30));
        using var second = await client.SubmitAsync(password.RedirectTarget(), "login-2fa",
            new Dictionary<string, string> { ["Input.Code"] = Authenticators.CodeAt(key, Portal.Clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);

        var (status, html) = await client.GetAsync("/enterprise/webhooks");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(WebhookTestData.Unreachable, html);

        using var admin = await client.Http.GetAsync($"/admin/enterprises/{enterprise.Id}/webhooks");
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", admin.RedirectTarget());
    }
}

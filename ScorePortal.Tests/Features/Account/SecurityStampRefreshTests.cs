using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Account;

/// <summary>
/// Every 5 minutes the cookie's security stamp is checked and the principal rebuilt from the database. The rebuilt
/// principal must keep how the session was established (amr=mfa): otherwise every admin, staff member and expert
/// is thrown out of their area 5 minutes after signing in with their authenticator.
/// </summary>
public sealed class SecurityStampRefreshTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    [Theory]
    [InlineData(Roles.Admin, "/admin")]
    [InlineData(Roles.Staff, "/staff")]
    public async Task A_second_factor_session_keeps_its_area_after_the_periodic_security_stamp_check(string role, string area)
    {
        var email = $"stamp.{role.ToLowerInvariant()}@example.com";
        using (var scope = portal.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, ProvinceCode = "11" };
            Assert.True((await users.CreateAsync(user, portal.DemoPassword)).Succeeded);
            await users.AddToRoleAsync(user, role);
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
        }
        string key;
        using (var scope = portal.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            key = (await users.GetAuthenticatorKeyAsync((await users.FindByEmailAsync(email))!))!;
        }
        using var client = new BrowserlessClient(portal);
        using var password = await client.SignInAsync(email, portal.DemoPassword);
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        using var second = await client.SubmitAsync(password.RedirectTarget(), "login-2fa",
            new Dictionary<string, string> { ["Input.Code"] = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(portal.Clock.GetUtcNow().UtcDateTime) });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(area)).Status);

        // Past the 5-minute validation interval, well inside the 20-minute idle limit: the stamp is checked again.
        portal.Clock.Advance(TimeSpan.FromMinutes(6));
        using var afterCheck = await client.Http.GetAsync(area);
        portal.Clock.Advance(TimeSpan.FromMinutes(6));
        using var later = await client.Http.GetAsync(area);

        Assert.Equal(HttpStatusCode.OK, afterCheck.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }
}

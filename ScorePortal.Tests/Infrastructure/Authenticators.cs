using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using ScorePortal.Account;
using ScorePortal.Model;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>Enrolled authenticators for tests that act as an admin with a second factor (the batch commands).</summary>
internal static class Authenticators
{
    /// <summary>Enrolls the account's authenticator when it has none; returns its secret either way.</summary>
    public static async Task<string> EnrollAsync(PortalFactory portal, string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = (PortalUserManager)scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No account {email}.");
        if (!await users.GetTwoFactorEnabledAsync(user))
        {
            await users.NewEnrollmentKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
        }
        return (await users.GetAuthenticatorKeyAsync(user))!;
    }

    public static string CodeAt(string secret, DateTimeOffset at) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(at.UtcDateTime);

    /// <summary>
    /// A code of a time step not used yet: the portal's clock moves on by one step first, since a step is accepted once.
    /// </summary>
    public static async Task<string> NextCodeAsync(DemoPortal portal, string email)
    {
        var secret = await EnrollAsync(portal, email);
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        return CodeAt(secret, portal.Clock.GetUtcNow());
    }
}

using Microsoft.AspNetCore.Identity;
using ScorePortal.Account;
using ScorePortal.Model;
using ScorePortal.Operations;

namespace ScorePortal.Features.Demo;

/// <summary>
/// <c>demo-authenticator --user admin@scoreportal.demo</c>: enrolls a demo account's authenticator (when it has none)
/// and prints its secret, so benchmark scripts can compute the <c>--code</c> that status-changing commands ask for
/// (<c>oathtool --totp -b SECRET</c>, or a few lines of Python). Development and Testing only, demo accounts only:
/// everywhere else, and for any other account, it refuses and changes nothing.
/// </summary>
public static class DemoAuthenticatorCommand
{
    public static readonly PortalCommand Command = new("demo-authenticator",
        "Development/Testing only: enroll a demo account's authenticator and print its secret: --user <demo email>", RunAsync,
        CommandNeeds.DemoData);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        if (!services.GetRequiredService<IHostEnvironment>().IsDevelopmentOrTesting())
        {
            output.WriteLine("demo-authenticator exists for development and benchmarks only; enroll at /Account/Authenticator.");
            return 2;
        }
        var email = args.Get("user")?.Trim();
        if (email is null || !DemoAccounts.All.Any(a => string.Equals(a.Email, email, StringComparison.OrdinalIgnoreCase)))
        {
            output.WriteLine("--user must name a demo account (" + string.Join(", ", DemoAccounts.All.Select(a => a.Email)) + ").");
            return 2;
        }
        var users = (PortalUserManager)services.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            output.WriteLine($"No account {email}: start with Demo:Seed=true first.");
            return 1;
        }
        if (!await users.GetTwoFactorEnabledAsync(user))
        {
            await users.NewEnrollmentKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
        }
        output.WriteLine((await users.GetAuthenticatorKeyAsync(user))!);
        return 0;
    }
}

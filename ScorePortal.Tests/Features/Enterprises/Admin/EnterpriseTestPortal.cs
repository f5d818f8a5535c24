using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using OtpNet;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Admin;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Admin;

/// <summary>
/// A portal without demo data whose clock tests move (rotation overlaps, invitation expiry, TOTP steps). Invitation
/// links live two hours here: moving a fake clock by three days would fire three days of the portal's timers.
/// </summary>
public sealed class EnterpriseTestPortal : PortalFactory
{
    public static readonly TimeSpan InviteLifetime = TimeSpan.FromHours(2);

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero));

    protected override void ConfigureSettings(IDictionary<string, string?> settings) =>
        settings["Account:Invite:LinkLifetime"] = InviteLifetime.ToString();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Enterprises, accounts and sign-ins for the enterprise tests.</summary>
internal static partial class EnterpriseTestSupport
{
    public const string Password = "Enterprise#2026pass";
    public const string AdminId = "test-admin";

    /// <summary>Valid GB 32100-2015 codes (checked by hand and by <see cref="UnifiedCreditCode"/>).</summary>
    public static readonly string[] ValidCodes = ["91350100M000100Y43", "91110000802100433B", "91440300708461136T", "9144030071526726XG"];

    private static int _next;

    /// <summary>A fresh valid credit code: 17 characters made unique, then their check character.</summary>
    public static string NewCreditCode()
    {
        var n = Interlocked.Increment(ref _next);
        var first17 = "91310000" + n.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
        return first17 + UnifiedCreditCode.CheckCharacter(first17);
    }

    public static EnterpriseDetails Details(string? name = null, string? code = null) =>
        new(name ?? $"测试科技有限公司 {Guid.NewGuid().ToString("N")[..6]}", code ?? NewCreditCode(), "王经理", "hr@example.com", "010-12345678",
            "核验新入职员工的软考证书");

    public static async Task<T> RunAsync<T, TCase>(PortalFactory portal, Func<TCase, Task<T>> action) where TCase : notnull
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TCase>());
    }

    public static ScorePortalDbContext Db(PortalFactory portal) =>
        portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    public static async Task<int> RegisterAsync(PortalFactory portal, string? name = null)
    {
        var result = await RunAsync<ScorePortal.Components.Forms.EditResult, RegisterEnterprise>(portal,
            h => h.HandleAsync(new RegisterEnterpriseRequest(Details(name), AdminId)));
        Assert.True(result.Succeeded, string.Join(", ", result.Keys));
        return result.Id!.Value;
    }

    public static async Task<(int KeyId, string Key)> IssueAsync(PortalFactory portal, int enterpriseId, string label = "HR system")
    {
        var issued = await RunAsync<IssuedKey, IssueApiKey>(portal,
            h => h.HandleAsync(new IssueApiKeyRequest(enterpriseId, label, 60, 1000, AdminId)));
        Assert.True(issued.Succeeded, string.Join(", ", issued.Result.Keys));
        return (issued.Result.Id!.Value, issued.Key!);
    }

    public static async Task<List<AuditEntry>> AuditAsync(PortalFactory portal, string action, string targetType, string? targetId)
    {
        await using var db = Db(portal);
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action && e.TargetType == targetType && e.TargetId == targetId)
            .OrderBy(e => e.Sequence).ToListAsync();
    }

    /// <summary>An account of <paramref name="role"/> with a known password and, when <paramref name="enterpriseId"/> is set, its membership.</summary>
    public static async Task<string> AccountAsync(PortalFactory portal, string role, int? enterpriseId = null, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.org";
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser
        {
            UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow, ProvinceCode = role == Roles.Staff ? "11" : null,
        };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        if (enterpriseId is { } id)
        {
            var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
            db.EnterpriseMembers.Add(new EnterpriseMember { UserId = user.Id, EnterpriseId = id, AddedAt = DateTimeOffset.UtcNow, AddedBy = AdminId });
            await db.SaveChangesAsync();
        }
        return email;
    }

    /// <summary>
    /// A client signed in as <paramref name="email"/>: with the password only, or (privileged accounts) with an
    /// enrolled authenticator and a code of the portal's clock, as the area policies require.
    /// </summary>
    public static async Task<BrowserlessClient> SignedInAsync(EnterpriseTestPortal portal, string email, bool secondFactor)
    {
        var client = new BrowserlessClient(portal);
        if (!secondFactor)
        {
            using var signIn = await client.SignInAsync(email, Password);
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            return client;
        }
        var secret = await Authenticators.EnrollAsync(portal, email);
        using var password = await client.SignInAsync(email, Password);
        Assert.StartsWith("/Account/LoginWith2fa", password.RedirectTarget());
        portal.Clock.Advance(TimeSpan.FromSeconds(30)); // a time step no earlier sign-in of this account used
        var code = Authenticators.CodeAt(secret, portal.Clock.GetUtcNow());
        using var second = await client.SubmitAsync(password.RedirectTarget(), "login-2fa", new Dictionary<string, string> { ["Input.Code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        return client;
    }

    /// <summary>The invitation link of a mail, as an absolute URI.</summary>
    public static Uri InviteLink(MimeMessage mail)
    {
        var match = InviteLinkPattern().Match(mail.TextBody ?? "");
        Assert.True(match.Success, "No invitation link in: " + mail.TextBody);
        return new Uri(match.Value);
    }

    public static string TotpNow(string secret, DateTimeOffset at) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(at.UtcDateTime);

    [GeneratedRegex(@"https?://\S+/Account/AcceptInvite\?\S+")]
    private static partial Regex InviteLinkPattern();
}

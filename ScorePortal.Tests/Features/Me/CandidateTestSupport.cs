using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Data;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Me;

/// <summary>Candidate accounts, demo records and the second verification, for tests of the candidate area.</summary>
internal static partial class CandidateTestSupport
{
    public const string Password = "Candidate#2026pass";

    /// <summary>A new candidate account with a confirmed email, signed in on a fresh client.</summary>
    public static async Task<(BrowserlessClient Client, string UserId, string Email)> SignedInCandidateAsync(PortalFactory portal)
    {
        var email = $"c{Guid.NewGuid():N}@example.org";
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            var created = await users.CreateAsync(user, Password);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync(user, Roles.Candidate);
        }
        var client = new BrowserlessClient(portal);
        using var signIn = await client.SignInAsync(email, Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var userId = await UserIdAsync(portal, email);
        return (client, userId, email);
    }

    public static async Task<string> UserIdAsync(PortalFactory portal, string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(email))!.Id;
    }

    /// <summary>The admission tickets of a demo record (session codes follow the clock, so they are read, not assumed).</summary>
    public static async Task<IReadOnlyList<string>> TicketsAsync(PortalFactory portal, IdType type, string idNumber)
    {
        var index = portal.Services.GetRequiredService<BlindIndex>().Compute(type, CandidateIdentity.NormalizeIdNumber(type, idNumber));
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return await db.Registrations.Where(r => r.Candidate.IdType == type && r.Candidate.IdNumberIndex == index)
            .OrderBy(r => r.ExamSession.Year).ThenBy(r => r.ExamSession.Half).Select(r => r.TicketNumber).ToListAsync();
    }

    public static Task<HttpResponseMessage> LinkAsync(BrowserlessClient client, IdType type, string idNumber, string name, string ticket) =>
        client.SubmitAsync("/me/link", "link", new Dictionary<string, string>
        {
            ["Input.IdType"] = type.ToString(),
            ["Input.IdNumber"] = idNumber,
            ["Input.Name"] = name,
            ["Input.Ticket"] = ticket,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });

    /// <summary>Passes the second verification with a code sent by email, as a candidate without an authenticator does.</summary>
    public static async Task PassStepUpAsync(BrowserlessClient client, PortalFactory portal, string email)
    {
        var before = portal.Mailbox.MessagesTo(email);
        using (var send = await client.SubmitAsync("/Account/StepUp", "stepup-send", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.OK, send.StatusCode);
        var code = await NextCodeAsync(portal, email, before);
        using var verify = await client.SubmitAsync("/Account/StepUp", "stepup", new Dictionary<string, string>
        {
            ["Input.Password"] = Password,
            ["Input.Code"] = code,
        });
        Assert.Equal(HttpStatusCode.Redirect, verify.StatusCode);
    }

    /// <summary>The six-digit code of the first message to <paramref name="email"/> that is not one of <paramref name="before"/>.</summary>
    public static async Task<string> NextCodeAsync(PortalFactory portal, string email, IReadOnlyList<MimeKit.MimeMessage> before)
    {
        var message = await portal.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, email) && !before.Contains(m), TimeSpan.FromSeconds(30));
        return SixDigits().Match(message.TextBody ?? "").Value;
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}

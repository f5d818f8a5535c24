using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Me;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Privacy;

internal static class PrivacyTestSupport
{
    /// <summary>A candidate account with a confirmed email that accepted <paramref name="noticeVersion"/> (null: none recorded).</summary>
    public static async Task<(string UserId, string Email)> CandidateAsync(PortalFactory portal, int? noticeVersion)
    {
        var email = $"p{Guid.NewGuid():N}@example.org";
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser
        {
            UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow,
            PrivacyNoticeVersion = noticeVersion, PrivacyNoticeAcceptedAt = noticeVersion is null ? null : DateTimeOffset.UtcNow.AddDays(-30),
        };
        var created = await users.CreateAsync(user, CandidateTestSupport.Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRoleAsync(user, Roles.Candidate)).Succeeded);
        return (user.Id, email);
    }

    public static async Task<BrowserlessClient> SignedInAsync(PortalFactory portal, string email)
    {
        var client = new BrowserlessClient(portal);
        using var signIn = await client.SignInAsync(email, CandidateTestSupport.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return client;
    }

    public static async Task<ScorePortalDbContext> DbAsync(PortalFactory portal) =>
        await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    /// <summary>Where a GET of <paramref name="path"/> sends the client, or null when it answers itself.</summary>
    public static async Task<string?> RedirectOfAsync(BrowserlessClient client, string path)
    {
        using var response = await client.Http.GetAsync(path);
        return response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found ? response.RedirectTarget() : null;
    }
}

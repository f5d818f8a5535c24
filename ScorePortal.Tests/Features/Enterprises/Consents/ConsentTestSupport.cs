using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Consents;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Me;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Consents;

/// <summary>Enterprises inserted as rows, candidate accounts bound to demo records, and the grant form posted as a browser does.</summary>
internal static partial class ConsentTestSupport
{
    public static async Task<ScorePortalDbContext> DbAsync(PortalFactory portal) =>
        await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    /// <summary>An enterprise row as the admin part would register it; its credit code is random (unique).</summary>
    public static async Task<int> AddEnterpriseAsync(PortalFactory portal, string name, bool suspended = false, string? creditCode = null)
    {
        await using var db = await DbAsync(portal);
        var enterprise = new Enterprise
        {
            Name = name,
            CreditCode = creditCode ?? NewCreditCode(),
            ContactName = "王敏",
            ContactEmail = "hr@" + Guid.NewGuid().ToString("N")[..8] + ".example.com",
            ContactPhone = "010-62345678",
            Purpose = "核验员工的职业资格证书，用于岗位聘任",
            CreatedAt = DateTimeOffset.UtcNow,
            SuspendedAt = suspended ? DateTimeOffset.UtcNow : null,
        };
        db.Enterprises.Add(enterprise);
        await db.SaveChangesAsync();
        return enterprise.Id;
    }

    public static string NewCreditCode() => "91" + Convert.ToHexString(Guid.NewGuid().ToByteArray())[..16];

    /// <summary>
    /// A new candidate account, signed in on a fresh client, bound directly to a demo record nobody holds yet (the link
    /// page is tested elsewhere). <paramref name="idNumber"/> picks a featured record; otherwise any free one with a
    /// registration.
    /// </summary>
    public static async Task<LinkedCandidate> LinkedCandidateAsync(DemoPortal portal, string? idNumber = null)
    {
        var (client, userId, email) = await CandidateTestSupport.SignedInCandidateAsync(portal);
        var candidateId = await BindAsync(portal, userId, idNumber);
        return new LinkedCandidate(client, userId, email, candidateId);
    }

    /// <summary>A candidate account bound to a free demo record, without a client: for use-case tests.</summary>
    public static async Task<(string UserId, int CandidateId)> AccountWithRecordAsync(PortalFactory portal)
    {
        var email = $"c{Guid.NewGuid():N}@example.org";
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await users.CreateAsync(user, CandidateTestSupport.Password)).Succeeded);
            await users.AddToRoleAsync(user, Roles.Candidate);
        }
        var userId = await CandidateTestSupport.UserIdAsync(portal, email);
        return (userId, await BindAsync(portal, userId, null));
    }

    /// <summary>Binds the account to the featured record <paramref name="idNumber"/>, or to any free record with a registration.</summary>
    public static async Task<int> BindAsync(PortalFactory portal, string userId, string? idNumber)
    {
        await using var db = await DbAsync(portal);
        var now = DateTimeOffset.UtcNow;
        if (idNumber is not null)
        {
            var index = portal.Services.GetRequiredService<BlindIndex>().Compute(IdType.ResidentId, idNumber);
            var id = await db.Candidates.Where(c => c.IdType == IdType.ResidentId && c.IdNumberIndex == index).Select(c => c.Id).SingleAsync();
            Assert.Equal(1, await db.Candidates.Where(c => c.Id == id && c.UserId == null)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.UserId, userId).SetProperty(c => c.LinkedAt, now)));
            return id;
        }
        foreach (var id in await db.Candidates.Where(c => c.UserId == null && db.Registrations.Any(r => r.CandidateId == c.Id))
                     .OrderByDescending(c => c.Id).Select(c => c.Id).Take(50).ToListAsync())
        {
            if (await db.Candidates.Where(c => c.Id == id && c.UserId == null)
                    .ExecuteUpdateAsync(set => set.SetProperty(c => c.UserId, userId).SetProperty(c => c.LinkedAt, now)) == 1)
                return id;
        }
        throw new InvalidOperationException("No free demo record left.");
    }

    public static async Task<int[]> QualificationsOfAsync(PortalFactory portal, int candidateId)
    {
        await using var db = await DbAsync(portal);
        return await db.Registrations.Where(r => r.CandidateId == candidateId).Select(r => r.QualificationId).Distinct().OrderBy(id => id).ToArrayAsync();
    }

    /// <summary>A qualification of the catalog the candidate never registered for.</summary>
    public static async Task<int> OtherQualificationAsync(PortalFactory portal, int candidateId)
    {
        var mine = await QualificationsOfAsync(portal, candidateId);
        await using var db = await DbAsync(portal);
        return await db.Qualifications.Where(q => !mine.Contains(q.Id)).Select(q => q.Id).FirstAsync();
    }

    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Opens <paramref name="path"/> (the grant form of an enterprise, or the address the second verification sent the
    /// candidate back to) and posts its form as a browser would, a checkbox value per chosen qualification.
    /// </summary>
    public static async Task<HttpResponseMessage> PostGrantAsync(BrowserlessClient client, string path, string employeeId,
        IEnumerable<int> qualificationIds, DateOnly? expiresOn, bool agree)
    {
        var fields = (await client.ReadFormAsync(path, "grant")).ToList();
        fields.Add(new("Input.EmployeeId", employeeId));
        fields.AddRange(qualificationIds.Select(id => new KeyValuePair<string, string>("Input.QualificationIds", id.ToString(CultureInfo.InvariantCulture))));
        if (expiresOn is { } day) fields.Add(new("Input.ExpiresOn", Iso(day)));
        if (agree) fields.Add(new("Input.Agree", "true"));
        return await client.Http.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    public static string GrantPath(int enterpriseId) => "/me/consents/new?enterprise=" + enterpriseId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The error summary of a refused form, as text.</summary>
    public static string FormErrors(string html) =>
        WebUtility.HtmlDecode(Regex.Replace(FormErrorsBlock().Match(html).Groups[1].Value, "<[^>]+>", " "));

    [GeneratedRegex("data-testid=\"form-errors\">(.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex FormErrorsBlock();

    public static GrantConsentRequest Request(string userId, int enterpriseId, string employeeId, IReadOnlyCollection<int> qualifications,
        DateOnly? expiresOn, bool agreed = true) => new(userId, enterpriseId, employeeId, qualifications, expiresOn, agreed, "127.0.0.1");

    public static DateOnly Today(PortalFactory portal) =>
        ConsentDates.Today(portal.Services.GetRequiredService<TimeProvider>().GetUtcNow());
}

internal sealed record LinkedCandidate(BrowserlessClient Client, string UserId, string Email, int CandidateId) : IDisposable
{
    public void Dispose() => Client.Dispose();
}

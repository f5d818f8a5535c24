using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Tests.Features.Enterprises.Figures;

/// <summary>
/// Enterprises, their accounts and the candidates' consents, inserted straight through the DbContext (the admin and
/// consent pages are other parts of the enterprise feature).
/// </summary>
internal static class EnterpriseTestData
{
    private static int _next;

    private static ScorePortalDbContext Db(IServiceProvider services) =>
        services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    public static async Task<int> EnterpriseAsync(IServiceProvider services, string name)
    {
        var n = Interlocked.Increment(ref _next);
        await using var db = Db(services);
        var enterprise = new Enterprise
        {
            Name = name,
            // 18 characters, unique per test run.
            CreditCode = "91110000" + (Environment.ProcessId % 100_000).ToString("D5", CultureInfo.InvariantCulture) + n.ToString("D5", CultureInfo.InvariantCulture),
            ContactName = "联系人", ContactEmail = $"hr{n}@example.org", Purpose = "资格核验",
            CreatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
        };
        db.Enterprises.Add(enterprise);
        await db.SaveChangesAsync();
        return enterprise.Id;
    }

    /// <summary>
    /// An account of the Enterprise role acting for <paramref name="enterpriseId"/> (none when null), with an enrolled
    /// authenticator when <paramref name="enrolled"/>; returns the authenticator key (or null).
    /// </summary>
    public static async Task<string?> MemberAsync(IServiceProvider services, int? enterpriseId, string email, string password, bool enrolled = true)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Enterprise)).Succeeded);
        if (enterpriseId is { } id)
        {
            await using var db = Db(services);
            db.EnterpriseMembers.Add(new EnterpriseMember { UserId = user.Id, EnterpriseId = id, AddedAt = services.GetRequiredService<TimeProvider>().GetUtcNow() });
            await db.SaveChangesAsync();
        }
        if (!enrolled) return null;
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return await users.GetAuthenticatorKeyAsync(user);
    }

    /// <summary>A consent of a candidate to an enterprise for some qualifications, active unless revoked, closed or expired.</summary>
    public static async Task<int> ConsentAsync(IServiceProvider services, int enterpriseId, int candidateId, string employeeId, IEnumerable<int> qualificationIds,
        DateTimeOffset? expiresAt = null, bool revoked = false, bool closed = false)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = Db(services);
        var consent = new Consent
        {
            CandidateId = candidateId, EnterpriseId = enterpriseId, EmployeeId = EmployeeIds.Normalize(employeeId)!,
            Fields = ConsentFields.AllText, GrantedAt = now.AddDays(-30), ExpiresAt = expiresAt ?? now.AddDays(365),
            RevokedAt = revoked ? now.AddDays(-1) : null, ClosedAt = revoked || closed ? now.AddDays(-1) : null,
        };
        foreach (var q in qualificationIds.Distinct()) consent.Qualifications.Add(new ConsentQualification { QualificationId = q });
        db.Consents.Add(consent);
        await db.SaveChangesAsync();
        return consent.Id;
    }

    /// <summary>Revokes a consent now, as the candidate would.</summary>
    public static async Task RevokeAsync(IServiceProvider services, int consentId)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = Db(services);
        await db.Consents.Where(c => c.Id == consentId).ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, now).SetProperty(c => c.ClosedAt, now));
    }

    public static async Task<List<RosterEntry>> RosterAsync(IServiceProvider services, int enterpriseId)
    {
        await using var db = Db(services);
        return await db.RosterEntries.AsNoTracking().Where(r => r.EnterpriseId == enterpriseId).OrderBy(r => r.EmployeeId).ToListAsync();
    }

    /// <summary>
    /// Demo candidates with a released result: the qualification sat by the most of them, and up to
    /// <paramref name="count"/> of its candidates (by id), each with that qualification.
    /// </summary>
    public static async Task<(int QualificationId, List<int> CandidateIds)> CandidatesWithResultsAsync(IServiceProvider services, int count)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = Db(services);
        var rows = await db.Registrations.AsNoTracking()
            .Where(r => r.ExamSession.PublishedAt != null && db.SubjectScores.Any(s => s.RegistrationId == r.Id && s.IsCurrent && s.Status == ScoreStatus.Normal))
            .Select(r => new { r.QualificationId, r.CandidateId, r.ExamSession.ReleaseAt })
            .ToListAsync();
        var best = rows.Where(r => r.ReleaseAt <= now).GroupBy(r => r.QualificationId)
            .OrderByDescending(g => g.Select(r => r.CandidateId).Distinct().Count()).ThenBy(g => g.Key).First();
        return (best.Key, best.Select(r => r.CandidateId).Distinct().Order().Take(count).ToList());
    }

    /// <summary>
    /// Attaches an account to a new enterprise whose stored roster holds up to eight demo candidates with released
    /// results (one department of up to six, one of two), consenting to the qualification they sat: the figures page
    /// then shows tables, charts and "&lt;5" cells (the accessibility checks look at that state).
    /// </summary>
    public static async Task<int> EnterpriseWithFiguresAsync(IServiceProvider services, string userId, string name)
    {
        var enterpriseId = await EnterpriseAsync(services, name);
        var (qualificationId, candidates) = await CandidatesWithResultsAsync(services, 8);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = Db(services);
        db.EnterpriseMembers.Add(new EnterpriseMember { UserId = userId, EnterpriseId = enterpriseId, AddedAt = now });
        for (var i = 0; i < candidates.Count; i++)
        {
            var employeeId = $"A11Y-{enterpriseId}-{i + 1:D2}";
            var consent = new Consent
            {
                CandidateId = candidates[i], EnterpriseId = enterpriseId, EmployeeId = employeeId, Fields = ConsentFields.AllText,
                GrantedAt = now.AddDays(-1), ExpiresAt = now.AddDays(365),
            };
            consent.Qualifications.Add(new ConsentQualification { QualificationId = qualificationId });
            db.Consents.Add(consent);
            db.RosterEntries.Add(new RosterEntry
            {
                EnterpriseId = enterpriseId, EmployeeId = employeeId, Department = i < candidates.Count - 2 ? "研发中心" : "市场部",
                Performance = 70 + i * 3, YearsOfService = i, UploadedAt = now,
            });
        }
        await db.SaveChangesAsync();
        return enterpriseId;
    }
}

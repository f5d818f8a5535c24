using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Demo;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Demo;

public sealed class DemoDataTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private ScorePortalDbContext Db() =>
        portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    [Fact]
    public async Task The_whole_qualification_catalog_and_all_34_provinces_are_seeded()
    {
        await using var db = Db();
        using var catalog = JsonDocument.Parse(File.ReadAllText(Path.Combine(PlaywrightFixture.RepositoryRoot(),
            "ScorePortal", "Features", "Demo", "Data", "qualifications.json")));
        var qualifications = catalog.RootElement.GetProperty("qualifications");

        Assert.Equal(qualifications.GetArrayLength(), await db.Qualifications.CountAsync());
        Assert.Equal(qualifications.EnumerateArray().Sum(q => q.GetProperty("subjects").GetArrayLength()), await db.Subjects.CountAsync());
        Assert.Equal(3, await db.QualificationLevels.CountAsync());
        Assert.Equal(34, await db.Provinces.CountAsync());
        Assert.DoesNotContain(await db.Provinces.ToListAsync(), p => string.IsNullOrEmpty(p.ContactPhone));
    }

    [Fact]
    public async Task One_session_is_scheduled_and_the_others_are_published()
    {
        await using var db = Db();
        var sessions = await db.ExamSessions.ToListAsync();
        var now = portal.Clock.GetUtcNow();

        Assert.Single(sessions, s => !s.IsReleased(now) && s.ReleaseAt > now);
        Assert.True(sessions.Count(s => s.IsReleased(now)) >= 1);
    }

    [Fact]
    public async Task Candidates_carry_rare_characters_middle_dots_and_passports()
    {
        await using var db = Db();
        var candidates = await db.Candidates.AsNoTracking().ToListAsync();

        Assert.Equal(50, candidates.Count);
        Assert.Contains(candidates, c => c.Name.EnumerateRunes().Any(r => r.Value is >= 0x20000 and <= 0x2A6DF)); // Ext B
        Assert.Contains(candidates, c => c.Name.EnumerateRunes().Any(r => r.Value is >= 0x3400 and <= 0x4DBF));   // Ext A
        Assert.Contains(candidates, c => c.Name.Contains('\u00B7'));
        Assert.Contains(candidates, c => c.IdType == IdType.Passport && !string.IsNullOrEmpty(c.Email));
        Assert.All(candidates.Where(c => c.IdType == IdType.ResidentId), c => Assert.True(ResidentIdNumber.IsValid(c.IdNumber), "invalid resident ID seeded"));
    }

    [Fact]
    public async Task Every_candidate_is_found_through_the_blind_index()
    {
        await using var db = Db();
        var index = portal.Services.GetRequiredService<BlindIndex>();
        var candidates = await db.Candidates.AsNoTracking().ToListAsync();

        Assert.All(candidates, c => Assert.Equal(index.Compute(c.IdType, CandidateIdentity.NormalizeIdNumber(c.IdType, c.IdNumber)), c.IdNumberIndex));
    }

    [Fact]
    public async Task Every_role_has_a_demo_account_and_staff_are_bound_to_a_province()
    {
        using var scope = portal.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();

        foreach (var account in DemoAccounts.All)
        {
            var user = await users.FindByEmailAsync(account.Email);
            Assert.NotNull(user);
            Assert.True(await users.IsInRoleAsync(user, account.Role));
            if (account.Role == Roles.Staff) Assert.Matches("^[0-9]{2}$", user.ProvinceCode);
        }
        Assert.Equal(Roles.All.Length, DemoAccounts.All.Select(a => a.Role).Distinct().Count());
    }

    [Fact]
    public async Task Seeding_twice_adds_nothing()
    {
        await using var db = Db();
        var before = await db.Candidates.CountAsync();

        var again = await DemoDataSeeder.SeedAsync(db, portal.Services.GetRequiredService<BlindIndex>(), new DemoSeedOptions { Candidates = 50 },
            portal.Clock, CancellationToken.None);

        Assert.False(again.Seeded);
        Assert.Equal(before, await db.Candidates.CountAsync());
        Assert.Contains(again.Featured, f => f.Name.Contains('·'));
    }
}

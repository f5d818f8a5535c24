using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Batches;

/// <summary>What the import tests read back from a portal's database.</summary>
internal static class ImportTestData
{
    public sealed record Counts(int Candidates, int Registrations, int Scores, int Batches, int Outcomes);

    public static async Task<Counts> CountAsync(PortalFactory portal)
    {
        await using var db = await CreateDbAsync(portal);
        return new Counts(await db.Candidates.CountAsync(), await db.Registrations.CountAsync(), await db.SubjectScores.CountAsync(),
            await db.ResultBatches.CountAsync(), await db.QualificationOutcomes.CountAsync());
    }

    public static Task<ScorePortalDbContext> CreateDbAsync(PortalFactory portal) =>
        portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    /// <summary>The demo session whose results are not out yet (its release time is ahead).</summary>
    public static async Task<string> ScheduledSessionAsync(PortalFactory portal)
    {
        await using var db = await CreateDbAsync(portal);
        return await db.ExamSessions.Where(s => s.PublishedAt == null).Select(s => s.Code).SingleAsync();
    }

    public static async Task<string> UserIdAsync(PortalFactory portal, string email = "admin@scoreportal.demo")
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(email))!.Id;
    }

    public static async Task<ImportOutcome> ImportAsync(PortalFactory portal, string session, string path,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default) =>
        await portal.Services.GetRequiredService<ImportBatch>().HandleAsync(
            new ImportBatchRequest(session, path, Path.GetFileName(path), await UserIdAsync(portal)), progress, ct);
}

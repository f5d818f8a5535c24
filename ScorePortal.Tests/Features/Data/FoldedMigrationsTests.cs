using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Data;

public sealed class FoldedMigrationsTests
{
    [Fact]
    public async Task A_database_migrated_before_the_fold_starts_and_names_the_folded_migration()
    {
        await using var portal = new PortalFactory();
        _ = portal.Services; // started: migrated
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        // The history as a database migrated before the fold holds it: the three old ids instead of the folded one.
        await db.Database.ExecuteSqlAsync($"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {FoldedMigrations.SqliteFold}");
        foreach (var id in FoldedMigrations.SqliteFolded)
            await db.Database.ExecuteSqlAsync($"INSERT INTO \"__EFMigrationsHistory\" VALUES ({id}, '10.0.15')");
        Assert.Equal([FoldedMigrations.SqliteFold], await db.Database.GetPendingMigrationsAsync());

        Assert.True(await FoldedMigrations.RewriteSqliteHistoryAsync(db));

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        await db.Database.MigrateAsync(); // what the start does next: nothing left to apply, no duplicate column
        Assert.Contains(FoldedMigrations.SqliteFold, await db.Database.GetAppliedMigrationsAsync());
        Assert.DoesNotContain(await db.Database.GetAppliedMigrationsAsync(), id => FoldedMigrations.SqliteFolded.Contains(id));
        // Rewritten once: a second look changes nothing.
        Assert.False(await FoldedMigrations.RewriteSqliteHistoryAsync(db));
    }
}

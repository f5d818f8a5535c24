using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using ScorePortal.Data;

namespace ScorePortal.Tests.Features.Data;

/// <summary>
/// SQL Server is production's database but there is none on a developer machine or in CI:
/// these tests check what EF would send it, without a server.
/// </summary>
public sealed class SqlServerScriptTests
{
    // Never opened: GenerateCreateScript and the migrations checks work from the model alone.
    private const string UnreachableSqlServer = "Server=.;Database=x;Trusted_Connection=True;TrustServerCertificate=True";

    private static SqlServerScorePortalDbContext SqlServer() =>
        new(new DbContextOptionsBuilder<SqlServerScorePortalDbContext>().UseSqlServer(UnreachableSqlServer).Options);

    [Fact]
    public void Create_script_creates_a_table_for_every_entity()
    {
        using var db = SqlServer();

        var script = db.Database.GenerateCreateScript();

        var tables = TableNames(db.Model);
        Assert.NotEmpty(tables);
        var missing = tables.Where(t => !script.Contains($"CREATE TABLE [{t}]", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "No CREATE TABLE in the SQL Server script for: " + string.Join(", ", missing));
    }

    [Fact]
    public void SqlServer_migrations_are_current()
    {
        using var db = SqlServer();

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changed since the last SQL Server migration: add one with " +
            "`dotnet ef migrations add <Name> --context SqlServerScorePortalDbContext --output-dir Data/Migrations/SqlServer`.");
    }

    [Fact]
    public void Sqlite_migrations_are_current()
    {
        var folder = Path.Combine(Path.GetTempPath(), "scoreportal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var db = new SqliteScorePortalDbContext(new DbContextOptionsBuilder<SqliteScorePortalDbContext>()
                .UseSqlite($"Data Source={Path.Combine(folder, "migrations.db")};Pooling=False").Options);

            Assert.NotEmpty(db.Database.GetMigrations());
            Assert.False(db.Database.HasPendingModelChanges(),
                "The model has changed since the last SQLite migration: add one with " +
                "`dotnet ef migrations add <Name> --context SqliteScorePortalDbContext --output-dir Data/Migrations/Sqlite`.");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static List<string> TableNames(IModel model) =>
        model.GetEntityTypes()
            .Where(e => e.GetTableName() is not null && e.GetViewName() is null)
            .Select(e => e.GetTableName()!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ScorePortal.Data;

// Used by `dotnet ef` only: migrations are generated without starting the web host.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteScorePortalDbContext>
{
    public SqliteScorePortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteScorePortalDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerScorePortalDbContext>
{
    public SqlServerScorePortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerScorePortalDbContext>()
            .UseSqlServer("Server=(local);Database=ScorePortal;Trusted_Connection=True;TrustServerCertificate=True").Options);
}

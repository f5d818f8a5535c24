using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ScorePortal.Data;

// Used by `dotnet ef` only: migrations are generated without starting the web host.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteScorePortalDbContext>
{
    public SqliteScorePortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteScorePortalDbContext>().UseSqlite("Data Source=design-time.db")
            .UseApplicationServiceProvider(DesignTimeIdentity.Services).Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerScorePortalDbContext>
{
    public SqlServerScorePortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerScorePortalDbContext>()
            .UseSqlServer("Server=(local);Database=ScorePortal;Trusted_Connection=True;TrustServerCertificate=True")
            .UseApplicationServiceProvider(DesignTimeIdentity.Services).Options);
}

/// <summary>
/// Identity builds its part of the model from the host's <c>IdentityOptions.Stores</c> (schema version, key length),
/// read through the context's application services: the migrations are generated with the same store options as
/// <c>AddAccount</c> sets, schema version 3 (passkeys) included.
/// </summary>
internal static class DesignTimeIdentity
{
    public static readonly IServiceProvider Services = new ServiceCollection()
        .Configure<IdentityOptions>(o =>
        {
            o.Stores.MaxLengthForKeys = 128;
            o.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
        })
        .BuildServiceProvider();
}

using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Account;

namespace ScorePortal.Data;

/// <summary>
/// The one model of the product. Provider-specific subclasses exist only so that each provider keeps
/// its own migration set (EF Core binds a migration set to a context type).
/// </summary>
public class ScorePortalDbContext(DbContextOptions options) : IdentityDbContext<ApplicationUser>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ScorePortalDbContext).Assembly);
    }
}

public sealed class SqliteScorePortalDbContext(DbContextOptions<SqliteScorePortalDbContext> options)
    : ScorePortalDbContext(options);

public sealed class SqlServerScorePortalDbContext(DbContextOptions<SqlServerScorePortalDbContext> options)
    : ScorePortalDbContext(options);

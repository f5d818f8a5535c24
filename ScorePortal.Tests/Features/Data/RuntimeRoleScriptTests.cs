using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ScorePortal.Data;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Data;

/// <summary>
/// The SQL Server run-time role (deploy/sqlserver-runtime-role.sql, docs/deploy.md) read as text, as there is no SQL
/// Server here: the portal's login can read and write every table and cannot change the schema; migrations (which
/// can) still generate, for the separate deploy login to apply.
/// </summary>
public sealed partial class RuntimeRoleScriptTests
{
    private static readonly string[] ReadWrite = ["SELECT", "INSERT", "UPDATE", "DELETE", "EXECUTE"];

    private static List<string> Statements()
    {
        var text = File.ReadAllText(Path.Combine(PlaywrightFixture.RepositoryRoot(), "deploy", "sqlserver-runtime-role.sql"));
        var withoutComments = string.Join('\n', text.Split('\n').Select(l => l.Split("--")[0]));
        return withoutComments.Split([";", "\nGO"], StringSplitOptions.RemoveEmptyEntries)
            .Select(s => Spaces().Replace(s, " ").Trim())
            .Where(s => s.Length > 0 && s != "GO")
            .ToList();
    }

    [Fact]
    public void The_runtime_role_is_granted_read_and_write_on_the_schema_and_nothing_that_alters_it()
    {
        var statements = Statements();

        var grants = statements.Where(s => s.StartsWith("GRANT ", StringComparison.OrdinalIgnoreCase)).ToList();
        var granted = grants.Select(g => Grant().Match(g)).ToList();
        Assert.All(granted, m => Assert.True(m.Success, "A GRANT not of the form GRANT <permission> ON SCHEMA::[dbo] TO [scoreportal_runtime]: " + m.Value));
        Assert.Equal(ReadWrite.Order(), granted.Select(m => m.Groups[1].Value.ToUpperInvariant()).Order());

        // Every other statement: the role or the app's user created, or the app's user made a member of the run-time role.
        foreach (var s in statements.Except(grants))
        {
            Assert.True(CreateRole().IsMatch(s) || CreateUser().IsMatch(s) || AddMember().IsMatch(s), "Unexpected statement in the run-time role script: " + s);
        }
        foreach (var forbidden in new[] { "db_owner", "db_ddladmin", "db_securityadmin", "CONTROL", "TAKE OWNERSHIP", "IMPERSONATE", "REFERENCES", "WITH GRANT OPTION", "sysadmin", "PASSWORD" })
            Assert.DoesNotContain(statements, s => s.Contains(forbidden, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(statements, s => s.StartsWith("ALTER", StringComparison.OrdinalIgnoreCase) && !AddMember().IsMatch(s));
        Assert.DoesNotContain(statements, s => s.StartsWith("CREATE", StringComparison.OrdinalIgnoreCase) && !CreateRole().IsMatch(s) && !CreateUser().IsMatch(s));
    }

    [Fact]
    public void Every_table_is_in_the_schema_the_runtime_role_is_granted_on_and_the_migrations_script_still_generates()
    {
        using var db = new SqlServerScorePortalDbContext(new DbContextOptionsBuilder<SqlServerScorePortalDbContext>()
            .UseSqlServer("Server=.;Database=x;Trusted_Connection=True;TrustServerCertificate=True").Options);

        var schemas = db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null).Select(e => e.GetSchema() ?? "dbo").Distinct().ToList();
        Assert.Equal(["dbo"], schemas);

        // What the deploy login applies (docs/deploy.md): the idempotent script of every migration.
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        Assert.Contains("CREATE TABLE [AuditEntries]", script, StringComparison.Ordinal);
        Assert.DoesNotContain("scoreportal_runtime", script, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^GRANT (\w+) ON SCHEMA::\[dbo\] TO \[scoreportal_runtime\]$", RegexOptions.IgnoreCase)]
    private static partial Regex Grant();

    [GeneratedRegex(@"^IF DATABASE_PRINCIPAL_ID\(N'scoreportal_runtime'\) IS NULL CREATE ROLE \[scoreportal_runtime\]$", RegexOptions.IgnoreCase)]
    private static partial Regex CreateRole();

    [GeneratedRegex(@"^IF DATABASE_PRINCIPAL_ID\(N'\$\(AppUser\)'\) IS NULL CREATE USER \[\$\(AppUser\)\] FROM EXTERNAL PROVIDER$", RegexOptions.IgnoreCase)]
    private static partial Regex CreateUser();

    [GeneratedRegex(@"^ALTER ROLE \[scoreportal_runtime\] ADD MEMBER \[\$\(AppUser\)\]$", RegexOptions.IgnoreCase)]
    private static partial Regex AddMember();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

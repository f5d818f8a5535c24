using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Security;

/// <summary>Encrypted columns are bound to their column: what the database holds, and what happens to old values.</summary>
public sealed class ColumnBindingTests
{
    private static async Task<(int Id, string Name, string IdNumber)> RawCandidateAsync(PortalFactory portal)
    {
        await using var connection = new SqliteConnection(portal.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, Name, IdNumber FROM Candidates ORDER BY Id LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt32(0), reader.GetString(1), reader.GetString(2));
    }

    private static async Task SqlAsync(PortalFactory portal, string sql, params object[] values)
    {
        await using var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
        await db.Database.ExecuteSqlRawAsync(sql, values);
    }

    private static async Task<string> NameOfAsync(PortalFactory portal, int id)
    {
        await using var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
        return await db.Candidates.AsNoTracking().Where(c => c.Id == id).Select(c => c.Name).SingleAsync();
    }

    [Fact]
    public async Task A_ciphertext_copied_into_another_column_is_refused_and_rotate_keys_binds_old_values()
    {
        await using var portal = PortalFactory.With(new Dictionary<string, string?> { [PortalFactory.DemoSeed] = "true", [PortalFactory.DemoCandidates] = "3" });
        _ = portal.Services; // started: migrated and seeded
        var (id, name, idNumber) = await RawCandidateAsync(portal);
        Assert.True(FieldProtector.IsBound(name));
        Assert.True(FieldProtector.IsBound(idNumber));
        var plainName = await NameOfAsync(portal, id);

        // The ID-number ciphertext moved into the name column: AES-GCM refuses it instead of showing it as the name.
        await SqlAsync(portal, "UPDATE Candidates SET Name = {0} WHERE Id = {1}", idNumber, id);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => NameOfAsync(portal, id));
        Assert.IsAssignableFrom<CryptographicException>(refused is CryptographicException ? refused : refused.InnerException);

        // A value written before columns were bound still reads, and rotate-keys rewrites it in the bound form.
        var protector = portal.Services.GetRequiredService<FieldProtector>();
        await SqlAsync(portal, "UPDATE Candidates SET Name = {0} WHERE Id = {1}", protector.Protect(plainName), id);
        Assert.Equal(plainName, await NameOfAsync(portal, id));
        Assert.Equal(0, await RotateKeysCommand.Command.RunAsync(portal.Services, new([]), new StringWriter()));
        Assert.True(FieldProtector.IsBound((await RawCandidateAsync(portal)).Name));
        Assert.Equal(plainName, await NameOfAsync(portal, id));
    }
}

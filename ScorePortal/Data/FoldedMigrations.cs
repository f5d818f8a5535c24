using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace ScorePortal.Data;

/// <summary>
/// Three SQLite migrations made on three branches (AccountSecurity, DataProtectionKeys, Reviews) were folded into one,
/// AccountSecurityKeysAndReviews, that builds the same schema. A database migrated before the fold lists the three in
/// its history and would apply the folded one again (and fail on its first column): before migrating, such a history
/// is rewritten to name the folded migration instead. A database that lacks any of the three is left to the migrator.
/// </summary>
internal static class FoldedMigrations
{
    internal static readonly string[] SqliteFolded =
        ["20261129115153_AccountSecurity", "20261129115745_DataProtectionKeys", "20261129120023_Reviews"];

    internal const string SqliteFold = "20261129120023_AccountSecurityKeysAndReviews";

    /// <summary>Returns true when the history was rewritten.</summary>
    public static async Task<bool> RewriteSqliteHistoryAsync(DbContext db, CancellationToken ct = default)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (await ScalarAsync(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory'", ct) == 0)
                return false;
            var ids = string.Join(", ", SqliteFolded.Select(id => $"'{id}'"));
            if (await ScalarAsync(connection, $"SELECT COUNT(*) FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" IN ({ids})", ct) != SqliteFolded.Length)
                return false;

            await db.InTransactionAsync(async (transaction, ct) =>
            {
                await db.Database.ExecuteSqlAsync(
                    $"INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") SELECT {SqliteFold}, \"ProductVersion\" FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {SqliteFolded[^1]}", ct);
                await db.Database.ExecuteSqlAsync(
                    $"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" IN ({SqliteFolded[0]}, {SqliteFolded[1]}, {SqliteFolded[2]})", ct);
                await transaction.CommitAsync(ct);
            }, ct);
            return true;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}

using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Security;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KeyRingCollection
{
    /// <summary>Tests that switch the process-wide current key run alone.</summary>
    public const string Name = "Key ring";
}

[Collection(KeyRingCollection.Name)]
public sealed class EncryptionAtRestTests
{
    private static async Task<(byte[] Database, List<(string Table, string Value)> Stored)> ReadFileAsync(PortalFactory portal)
    {
        var path = new SqliteConnectionStringBuilder(portal.Settings["ConnectionStrings:ScorePortal"]).DataSource;
        await using (var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext())
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        var stored = new List<(string, string)>();
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            foreach (var (table, column) in new[] { ("Candidates", "Name"), ("Candidates", "IdNumber"), ("Candidates", "Email"), ("SubjectScores", "Score") })
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {column} FROM {table} WHERE {column} IS NOT NULL";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) stored.Add((table + "." + column, reader.GetString(0)));
            }
        }
        SqliteConnection.ClearAllPools();
        var bytes = (await File.ReadAllBytesAsync(path))
            .Concat(File.Exists(path + "-wal") ? await File.ReadAllBytesAsync(path + "-wal") : []).ToArray();
        return (bytes, stored);
    }

    [Fact]
    public async Task The_database_file_holds_no_demo_name_id_number_email_or_score_in_plain_text()
    {
        await using var portal = new DemoPortal();
        _ = portal.Services; // start: migrate and seed
        await using var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
        var candidates = await db.Candidates.AsNoTracking().ToListAsync();
        // Encrypted columns cannot be filtered in SQL except on their stored form (NULL for an absent candidate).
        var scores = (await db.SubjectScores.AsNoTracking().Where(s => EF.Property<string?>(s, nameof(s.Score) + FieldEncryption.StoredSuffix) != null)
            .Select(s => s.Score).ToListAsync()).Select(s => s!.Value).ToList();
        Assert.Contains(candidates, c => c.Name == "杨\U00020BB7"); // decrypted through EF as usual
        // A second factor enrolled: the authenticator secret and the recovery codes live in AspNetUserTokens.
        var authenticatorKey = await Authenticators.EnrollAsync(portal, "expert@scoreportal.demo");
        List<string> recoveryCodes;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ScorePortal.Model.ApplicationUser>>();
            recoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByEmailAsync("expert@scoreportal.demo"))!, 10))!.ToList();
        }

        var (file, stored) = await ReadFileAsync(portal);

        Assert.All(stored, s => Assert.Matches("^t[12]:v3:[A-Za-z0-9+/]+=*$", s.Value));
        var tokens = await TokensAsync(portal);
        Assert.StartsWith("e1$", tokens["AuthenticatorKey"]);
        Assert.All(tokens["RecoveryCodes"].Split(';'), c => Assert.Matches("^h1\\$[0-9a-f]{64}$", c));
        var secrets = candidates.SelectMany(c => new[] { c.Name, c.IdNumber, c.Email }).OfType<string>()
            .Concat(["47.5", authenticatorKey]).Concat(recoveryCodes).Distinct().ToList();
        var found = secrets.Where(s => Contains(file, Encoding.UTF8.GetBytes(s))).ToList();
        Assert.True(found.Count == 0, "Found in plain text: " + string.Join(", ", found));
        Assert.Contains(47.5m, scores);
    }

    [Fact]
    public async Task Rotate_keys_re_encrypts_every_value_and_reads_continue()
    {
        var folder = Directory.CreateTempSubdirectory("scoreportal-rotate-");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:ScorePortal"] = $"Data Source={Path.Combine(folder.FullName, "rotate.db")}",
            [PortalFactory.DemoSeed] = "true",
            [PortalFactory.DemoCandidates] = "30",
        };
        try
        {
            await using (var before = PortalFactory.With(settings))
            {
                var (_, stored) = await ReadFileAsync(before);
                Assert.All(stored, s => Assert.StartsWith("t1:", s.Value));
            }

            await using var after = PortalFactory.With(new Dictionary<string, string?>(settings) { ["Security:CurrentEncryptionKeyId"] = "t2" });
            var output = new StringWriter();
            Assert.Equal(0, await RotateKeysCommand.Command.RunAsync(after.Services, new([]), output));

            var (_, rotated) = await ReadFileAsync(after);
            Assert.NotEmpty(rotated);
            Assert.All(rotated, s => Assert.StartsWith("t2:", s.Value));
            Assert.Contains("Candidate: 30", output.ToString());
            await using var db = after.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
            Assert.Contains(await db.Candidates.Select(c => c.Name).ToListAsync(), n => n == "买买提·艾力");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The second-factor tokens of the demo expert as stored (name → value).</summary>
    private static async Task<Dictionary<string, string>> TokensAsync(PortalFactory portal)
    {
        var path = new SqliteConnectionStringBuilder(portal.Settings["ConnectionStrings:ScorePortal"]).DataSource;
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT t.Name, t.Value FROM AspNetUserTokens t JOIN AspNetUsers u ON u.Id = t.UserId " +
                              "WHERE u.NormalizedEmail = 'EXPERT@SCOREPORTAL.DEMO' AND t.LoginProvider = '[AspNetUserStore]'";
        var tokens = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tokens[reader.GetString(0)] = reader.GetString(1);
        return tokens;
    }

    [Fact]
    public async Task Second_factor_secrets_stored_in_plain_text_earlier_keep_working_and_rotate_keys_protects_them()
    {
        await using var portal = new DemoPortal();
        string userId;
        await using (var scope = portal.Services.CreateAsyncScope())
            userId = (await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ScorePortal.Model.ApplicationUser>>()
                .FindByEmailAsync("expert@scoreportal.demo"))!.Id;
        const string key = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        await using (var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext())
        {
            // As Identity's own store wrote them before: the key and "code;code;code" in plain text.
            db.UserTokens.Add(new() { UserId = userId, LoginProvider = "[AspNetUserStore]", Name = "AuthenticatorKey", Value = key });
            db.UserTokens.Add(new() { UserId = userId, LoginProvider = "[AspNetUserStore]", Name = "RecoveryCodes", Value = "AAAAA-11111;BBBBB-22222;CCCCC-33333" });
            await db.SaveChangesAsync();
        }

        async Task<(string? Key, bool Redeemed)> UseAsync(string code)
        {
            await using var scope = portal.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ScorePortal.Model.ApplicationUser>>();
            var user = (await users.FindByIdAsync(userId))!;
            return (await users.GetAuthenticatorKeyAsync(user), (await users.RedeemTwoFactorRecoveryCodeAsync(user, code)).Succeeded);
        }

        var before = await UseAsync("AAAAA-11111");
        var afterRedeem = await TokensAsync(portal); // the remaining codes were hashed when one was redeemed
        Assert.Equal(0, await RotateKeysCommand.Command.RunAsync(portal.Services, new([]), new StringWriter()));
        var rotated = await TokensAsync(portal);
        var after = await UseAsync("CCCCC-33333");

        Assert.Equal((key, true), before);
        Assert.All(afterRedeem["RecoveryCodes"].Split(';'), c => Assert.StartsWith("h1$", c));
        Assert.Equal(2, afterRedeem["RecoveryCodes"].Split(';').Length);
        Assert.StartsWith("e1$", rotated["AuthenticatorKey"]);
        Assert.Equal((key, true), after);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

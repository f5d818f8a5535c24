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
        var scores = await db.SubjectScores.AsNoTracking().Where(s => s.Score != null).Select(s => s.Score!.Value).ToListAsync();
        Assert.Contains(candidates, c => c.Name == "杨\U00020BB7"); // decrypted through EF as usual

        var (file, stored) = await ReadFileAsync(portal);

        Assert.All(stored, s => Assert.Matches("^t[12]:v2:[A-Za-z0-9+/]+=*$", s.Value));
        var secrets = candidates.SelectMany(c => new[] { c.Name, c.IdNumber, c.Email }).OfType<string>()
            .Concat(["47.5"]).Distinct().ToList();
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

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

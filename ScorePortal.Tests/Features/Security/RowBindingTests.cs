using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Alerts;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Security;

/// <summary>
/// Encrypted columns are bound to their column and their row (security round 2, row 12): what the database holds, what
/// happens to a ciphertext moved to another row or column, and to values written before rows were bound.
/// </summary>
public sealed class RowBindingTests
{
    private static PortalFactory Portal(bool acceptUnbound = false) => PortalFactory.With(new Dictionary<string, string?>
    {
        [PortalFactory.DemoSeed] = "true",
        [PortalFactory.DemoCandidates] = "6",
        ["Security:AcceptUnboundFieldValues"] = acceptUnbound ? "true" : "false",
    });

    private static async Task<List<string?[]>> RawAsync(PortalFactory portal, string sql)
    {
        await using var connection = new SqliteConnection(portal.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i).ToString())]);
        return rows;
    }

    private static async Task SqlAsync(PortalFactory portal, string sql, params object[] values)
    {
        await using var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
        await db.Database.ExecuteSqlRawAsync(sql, values);
    }

    private static async Task<Candidate> CandidateAsync(PortalFactory portal, int id)
    {
        await using var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
        return await db.Candidates.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    private static async Task<string> NameOfAsync(PortalFactory portal, int id)
    {
        await using var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
        return await db.Candidates.Where(c => c.Id == id).Select(c => c.Name).SingleAsync();
    }

    private static async Task<bool> AlertRaisedAsync(PortalFactory portal, string subject)
    {
        await using var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
        return await db.Alerts.AnyAsync(a => a.Kind == FieldIntegrityAlerts.Kind && a.SubjectKey == subject && a.Severity == AlertSeverity.Critical);
    }

    private static void AssertRefused(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
            if (e is CryptographicException) return;
        Assert.Fail("Expected a CryptographicException, got " + error);
    }

    [Fact]
    public async Task Every_encrypted_value_is_stored_bound_to_its_row()
    {
        await using var portal = Portal();
        _ = portal.Services; // started: migrated and seeded
        var values = await RawAsync(portal, """
            SELECT Name FROM Candidates UNION ALL SELECT IdNumber FROM Candidates UNION ALL SELECT Email FROM Candidates
            UNION ALL SELECT Score FROM SubjectScores UNION ALL SELECT OriginalScore FROM ReviewRequests
            UNION ALL SELECT FinalScore FROM ReviewRequests UNION ALL SELECT Score FROM ExpertMarks UNION ALL SELECT Payload FROM OutboxMessages
            """);
        var stored = values.Select(v => v[0]).OfType<string>().ToList();
        Assert.True(stored.Count > 30, $"{stored.Count} values");
        Assert.All(stored, v => Assert.True(FieldProtector.IsRowBound(v), v));
        var keys = (await RawAsync(portal, "SELECT RowKey FROM Candidates UNION ALL SELECT RowKey FROM SubjectScores")).Select(v => v[0]).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public async Task A_ciphertext_copied_to_another_row_or_column_is_refused_wherever_it_is_read()
    {
        await using var portal = Portal();
        _ = portal.Services;
        var candidates = await RawAsync(portal, "SELECT Id, Name, IdNumber FROM Candidates ORDER BY Id LIMIT 2");
        int a = int.Parse(candidates[0][0]!), b = int.Parse(candidates[1][0]!);
        var victim = await CandidateAsync(portal, b);

        // Another candidate's name ciphertext, copied into this candidate's row: refused instead of shown as the name.
        await SqlAsync(portal, "UPDATE Candidates SET Name = {0} WHERE Id = {1}", candidates[0][1]!, b);
        AssertRefused(await Assert.ThrowsAnyAsync<Exception>(() => NameOfAsync(portal, b)));
        AssertRefused(await Assert.ThrowsAnyAsync<Exception>(() => CandidateAsync(portal, b)));
        // Read outside any request (as a Blazor circuit or the outbox worker would): admins still get the alert.
        var subject = "Candidate.Name:" + victim.RowKey.ToString("D");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await AlertRaisedAsync(portal, subject))
        {
            Assert.True(DateTime.UtcNow < deadline, "no data.integrity alert for " + subject);
            await Task.Delay(50);
        }
        var lookup = portal.Services.GetRequiredService<ResultQuery>();
        AssertRefused(await Assert.ThrowsAnyAsync<Exception>(() => lookup.ByIdNumberAsync(victim.IdType, victim.IdNumberIndex, CancellationToken.None)));
        AssertRefused(await Assert.ThrowsAnyAsync<Exception>(() => lookup.ByIdNumberThroughEfAsync(victim.IdType, victim.IdNumberIndex, CancellationToken.None)));
        Assert.Equal((await CandidateAsync(portal, a)).Name, await NameOfAsync(portal, a));

        // The row's own ID-number ciphertext moved into its name column: refused too (the column binding).
        await SqlAsync(portal, "UPDATE Candidates SET Name = {0} WHERE Id = {1}", candidates[0][2]!, a);
        AssertRefused(await Assert.ThrowsAnyAsync<Exception>(() => NameOfAsync(portal, a)));

        // A score moved to another score row of the same column (a better mark given to somebody else): refused.
        var scores = await RawAsync(portal, """
            SELECT s.Id, s.Score, c.Id FROM SubjectScores s JOIN Registrations r ON r.Id = s.RegistrationId JOIN Candidates c ON c.Id = r.CandidateId
            WHERE s.Score IS NOT NULL AND s.IsCurrent AND c.Id NOT IN ({0}, {1}) ORDER BY s.Id
            """.Replace("{0}", a.ToString()).Replace("{1}", b.ToString()));
        var from = scores[0];
        var to = scores.First(s => s[2] != from[2]);
        await SqlAsync(portal, "UPDATE SubjectScores SET Score = {0} WHERE Id = {1}", from[1]!, long.Parse(to[0]!));
        var owner = await CandidateAsync(portal, int.Parse(to[2]!));
        AssertRefused(await Assert.ThrowsAnyAsync<Exception>(() => lookup.ByIdNumberAsync(owner.IdType, owner.IdNumberIndex, CancellationToken.None)));
        await using var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
        AssertRefused(await Assert.ThrowsAnyAsync<Exception>(() => db.SubjectScores.Where(s => s.Id == long.Parse(to[0]!)).Select(s => s.Score).SingleAsync()));
    }

    [Fact]
    public async Task Values_written_before_rows_were_bound_are_refused_until_rotate_keys_rewrites_them()
    {
        await using var portal = Portal();
        _ = portal.Services;
        var id = int.Parse((await RawAsync(portal, "SELECT Id FROM Candidates ORDER BY Id LIMIT 1"))[0][0]!);
        var plain = await NameOfAsync(portal, id);
        var protector = portal.Services.GetRequiredService<FieldProtector>();
        Assert.False(protector.AcceptsUnbound);

        // As an older portal wrote it: bound to the column only. Refused by default, with what to do.
        await SqlAsync(portal, "UPDATE Candidates SET Name = {0} WHERE Id = {1}", protector.Protect(plain, "Candidate.Name"), id);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => NameOfAsync(portal, id));
        AssertRefused(refused);
        Assert.Contains("rotate-keys", refused is CryptographicException ? refused.Message : refused.InnerException!.Message);
        var legacy = FieldIntegrityException.In(refused);
        Assert.True(legacy is { Unbound: true, Binding: "Candidate.Name" });

        // rotate-keys reads it anyway and rewrites every value bound to its row.
        var output = new StringWriter();
        Assert.Equal(0, await RotateKeysCommand.Command.RunAsync(portal.Services, new([]), output));
        Assert.Matches(@"Candidate: [1-9]", output.ToString());
        var stored = (await RawAsync(portal, $"SELECT Name FROM Candidates WHERE Id = {id}"))[0][0]!;
        Assert.True(FieldProtector.IsRowBound(stored));
        Assert.Equal(plain, await NameOfAsync(portal, id));
    }

    [Fact]
    public async Task With_AcceptUnboundFieldValues_values_from_before_row_binding_open_until_rotated()
    {
        await using var portal = Portal(acceptUnbound: true);
        _ = portal.Services;
        var id = int.Parse((await RawAsync(portal, "SELECT Id FROM Candidates ORDER BY Id LIMIT 1"))[0][0]!);
        var plain = await NameOfAsync(portal, id);
        var protector = portal.Services.GetRequiredService<FieldProtector>();
        Assert.True(protector.AcceptsUnbound);

        await SqlAsync(portal, "UPDATE Candidates SET Name = {0} WHERE Id = {1}", protector.Protect(plain, "Candidate.Name"), id);
        Assert.Equal(plain, await NameOfAsync(portal, id));
        // Still bound to its column: an email ciphertext of the old form does not open as a name.
        await SqlAsync(portal, "UPDATE Candidates SET Name = {0} WHERE Id = {1}", protector.Protect(plain, "Candidate.Email"), id);
        AssertRefused(await Assert.ThrowsAnyAsync<Exception>(() => NameOfAsync(portal, id)));
    }

    [Fact]
    public async Task A_value_copied_from_another_row_shows_the_error_page_not_the_other_value_and_raises_one_critical_alert()
    {
        await using var portal = Portal();
        _ = portal.Services;
        List<Candidate> candidates;
        string session;
        await using (var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext())
        {
            candidates = await db.Candidates.AsNoTracking().ToListAsync();
            session = (await db.ExamSessions.Where(s => s.PublishedAt != null).ToListAsync())
                .OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).First().Code;
        }
        var zhang = candidates.Single(c => c.IdNumber == "110105199003072311");
        var other = candidates.First(c => c.Id != zhang.Id);
        var otherName = (await RawAsync(portal, $"SELECT Name FROM Candidates WHERE Id = {other.Id}"))[0][0]!;
        await SqlAsync(portal, "UPDATE Candidates SET Name = {0} WHERE Id = {1}", otherName, zhang.Id);

        for (var i = 0; i < 2; i++)
        {
            using var client = new BrowserlessClient(portal);
            using var response = await client.SubmitAsync("/lookup", "lookup", new Dictionary<string, string>
            {
                ["Input.SessionCode"] = session, ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = zhang.IdNumber,
                ["Input.Name"] = other.Name, ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
            });
            var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.DoesNotContain("result-sheet", html);
            Assert.DoesNotContain("CryptographicException", html);
            Assert.DoesNotContain(zhang.IdNumber, html);
        }

        await using (var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext())
        {
            var alert = Assert.Single(await db.Alerts.Where(a => a.Kind == FieldIntegrityAlerts.Kind).ToListAsync());
            Assert.Equal(AlertSeverity.Critical, alert.Severity);
            Assert.Equal("Candidate.Name:" + zhang.RowKey.ToString("D"), alert.SubjectKey);
            Assert.DoesNotContain(other.Name, alert.Details);
            Assert.DoesNotContain(zhang.IdNumber, alert.Details);
        }
    }
}

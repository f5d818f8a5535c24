using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Operations;

namespace ScorePortal.Bench;

/// <summary>
/// <c>generate-api-bench-data --consents 20000 --out bench/out/api</c>: on a database <c>generate-bench-data</c> filled,
/// registers one enterprise with an unlimited key (no per-minute limit, no quota, any address) and consents under
/// employee ids <c>B&lt;candidate id&gt;</c> for candidates of the benchmark session, each for the qualification they sat;
/// writes the key (<c>key.txt</c>) and the requests (<c>requests.csv</c>: employee id, exam type, the exam type written
/// by code, Chinese name or level and name in turn) for bench/api/api.lua. Run again, it issues a new key and keeps the
/// consents.
/// </summary>
public static class BenchApiDataCommand
{
    public const string CreditCode = "91110108MA01BENCH0";

    public static readonly PortalCommand Command = new("generate-api-bench-data",
        "Add an enterprise, an unlimited key and N consents for the API benchmark: --consents N --out DIR", RunAsync);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var count = args.GetInt("consents", 20_000);
        var outDir = args.Get("out") ?? "../bench/out/api";
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

        var enterprise = await db.Enterprises.FirstOrDefaultAsync(e => e.CreditCode == CreditCode);
        if (enterprise is null)
        {
            enterprise = new Enterprise
            {
                Name = "基准测试企业", CreditCode = CreditCode, ContactName = "基准", ContactEmail = "bench@example.org", Purpose = "性能测试",
                CreatedAt = now, CreatedBy = "bench",
            };
            db.Enterprises.Add(enterprise);
            await db.SaveChangesAsync();
        }
        var (key, prefix, hash) = ApiKeySecrets.NewKey();
        db.ApiKeys.Add(new ApiKey { EnterpriseId = enterprise.Id, Label = "bench", Prefix = prefix, Hash = hash, CreatedAt = now, CreatedBy = "bench" });
        await db.SaveChangesAsync();

        // Candidates of the benchmark session (ticket numbers B…), spread over the whole table.
        var registrations = await db.Registrations.AsNoTracking()
            .Where(r => r.TicketNumber.StartsWith("B"))
            .Select(r => new { r.CandidateId, r.Qualification.Code, r.Qualification.NameZh, Level = r.Qualification.Level.NameZh })
            .ToListAsync();
        var every = Math.Max(1, registrations.Count / Math.Max(1, count));
        var chosen = registrations.Where((_, i) => i % every == 0).Take(count).ToList();
        var qualificationIds = await db.Qualifications.AsNoTracking().ToDictionaryAsync(q => q.Code, q => q.Id);
        var existing = (await db.Consents.AsNoTracking().Where(c => c.EnterpriseId == enterprise.Id).Select(c => c.EmployeeId).ToListAsync())
            .ToHashSet(StringComparer.Ordinal);

        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var added = 0;
        foreach (var chunk in chosen.Where(r => !existing.Contains(EmployeeId(r.CandidateId))).Chunk(2000))
        {
            foreach (var r in chunk)
            {
                var consent = new Consent
                {
                    CandidateId = r.CandidateId, EnterpriseId = enterprise.Id, EmployeeId = EmployeeId(r.CandidateId), Fields = ConsentFields.AllText,
                    GrantedAt = now, ExpiresAt = now.AddDays(365),
                };
                consent.Qualifications.Add(new ConsentQualification { QualificationId = qualificationIds[r.Code] });
                db.Consents.Add(consent);
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            added += chunk.Length;
        }

        Directory.CreateDirectory(outDir);
        await File.WriteAllTextAsync(Path.Combine(outDir, "key.txt"), key + "\n");
        var csv = new StringBuilder("employee_id,exam_type\n");
        for (var i = 0; i < chosen.Count; i++)
        {
            var r = chosen[i];
            var examType = (i % 3) switch
            {
                0 => r.Code,
                1 => r.NameZh,
                _ => r.Level.Replace("资格", "", StringComparison.Ordinal) + r.NameZh,
            };
            csv.Append(EmployeeId(r.CandidateId)).Append(',').Append(examType).Append('\n');
        }
        await File.WriteAllTextAsync(Path.Combine(outDir, "requests.csv"), csv.ToString(), new UTF8Encoding(false));
        output.WriteLine($"Enterprise {enterprise.Id}: {added:N0} consents added ({chosen.Count:N0} requests), a new unlimited key in {outDir}/key.txt");
        return 0;
    }

    private static string EmployeeId(int candidateId) => "B" + candidateId.ToString(CultureInfo.InvariantCulture);
}

using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Analytics;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Analytics;

public sealed class SessionStatisticsTests
{
    [Fact]
    public async Task Figures_equal_a_count_over_the_decrypted_scores_and_staged_scores_do_not_count()
    {
        await using var portal = new DemoPortal();
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var session = (await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt != null).ToListAsync())
            .OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).First();

        // The independent count: every registration of the session with its current, decrypted scores.
        var registrations = await db.Registrations.AsNoTracking().Where(r => r.ExamSessionId == session.Id)
            .Select(r => new
            {
                r.QualificationId, SubjectCount = r.Qualification.Subjects.Count,
                Scores = r.Scores.Where(s => s.IsCurrent).Select(s => new { s.Status, s.Score, s.Subject.PassLine }).ToList(),
            })
            .ToListAsync();
        var withScores = registrations.Where(r => r.Scores.Count > 0).ToList();
        var expectedAbsent = withScores.Count(r => r.Scores.All(s => s.Status == ScoreStatus.Absent));
        var expectedPassed = withScores.Count(r => r.Scores.Count(s => QualificationRule.IsPass(s.Status, s.Score, s.PassLine)) == r.SubjectCount);

        var statistics = portal.Services.GetRequiredService<SessionStatistics>();
        var figures = await statistics.ForSessionAsync(session.Id);

        Assert.Equal(withScores.Count, figures.Groups.Sum(g => g.Registrations));
        Assert.Equal(expectedAbsent, figures.Groups.Sum(g => g.Absent));
        Assert.Equal(withScores.Count - expectedAbsent, figures.Groups.Sum(g => g.Sat));
        Assert.Equal(expectedPassed, figures.Groups.Sum(g => g.Passed));
        Assert.True(expectedPassed > 0);
        Assert.Equal(await db.QualificationOutcomes.CountAsync(o => o.PassedInSessionId == session.Id && o.RevokedAt == null),
            figures.CertificatesByQualification.Values.Sum());
        var normalScores = withScores.SelectMany(r => r.Scores).Count(s => s.Status == ScoreStatus.Normal);
        Assert.Equal(normalScores, figures.Subjects.Sum(s => s.Histogram.Sum()));

        // A staged correction (not yet published) turns a score into an absence: the figures do not move.
        var score = await db.SubjectScores.Where(s => s.IsCurrent && s.Status == ScoreStatus.Normal && s.Registration.ExamSessionId == session.Id).FirstAsync();
        db.SubjectScores.Add(new SubjectScore
        {
            RegistrationId = score.RegistrationId, SubjectId = score.SubjectId, Status = ScoreStatus.Absent, Version = score.Version + 1,
            ResultBatchId = score.ResultBatchId, IsCurrent = false,
        });
        await db.SaveChangesAsync();
        await portal.Services.GetRequiredService<HybridCache>().RemoveByTagAsync(ResultCaches.AnalyticsTag);
        var again = await statistics.ForSessionAsync(session.Id);
        Assert.Equal(figures.Groups.Sum(g => g.Absent), again.Groups.Sum(g => g.Absent));
        Assert.Equal(figures.Subjects.Sum(s => s.Sat), again.Subjects.Sum(s => s.Sat));
    }

    [Fact]
    public async Task The_csv_export_has_a_bom_stable_columns_and_the_filtered_figures_and_is_for_admins_only()
    {
        await using var portal = new DemoPortal();
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var catalog = await AnalyticsCatalog.LoadAsync(db, CancellationToken.None);
        var session = catalog.Sessions[0];
        var figures = await portal.Services.GetRequiredService<SessionStatistics>().ForSessionAsync(session.Id);
        var beijing = figures.Groups.Where(g => g.ProvinceCode == "11").ToList();

        var bytes = AnalyticsCsv.Write(catalog, session, figures, new AnalyticsFilter(session.Code, null, null, "11"));

        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', AnalyticsCsv.Header), lines[0].TrimEnd('\r'));
        Assert.Equal(beijing.Count, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Contains(",11,北京市,", l));
        Assert.Equal(beijing.Sum(g => g.Registrations), lines.Skip(1).Sum(l => int.Parse(l.Split(',')[6], System.Globalization.CultureInfo.InvariantCulture)));

        using var anonymous = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await anonymous.GetAsync($"/admin/analytics/export.csv?session={session.Code}");
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("registrations", await response.Content.ReadAsStringAsync());
    }
}

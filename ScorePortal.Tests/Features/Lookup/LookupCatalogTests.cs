using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Catalog;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>The result sheet reads catalog names and pass lines from a cache: an admin's edit shows on the next lookup.</summary>
public sealed class LookupCatalogTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string IdNumber = "110105199003072311";

    private async Task<string> LookUpAsync()
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var session = await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt != null)
            .OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).Select(s => s.Code).FirstAsync();
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync("/lookup", "lookup", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = session, ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = IdNumber, ["Input.Name"] = "张伟",
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_pass_line_and_a_subject_name_changed_by_an_admin_show_on_the_next_lookup()
    {
        var before = await LookUpAsync(); // the catalog is now cached
        Subject subject;
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            var candidateId = (await db.Candidates.AsNoTracking().ToListAsync()).Single(c => c.IdNumber == IdNumber).Id;
            var qualificationId = await db.Registrations.Where(r => r.CandidateId == candidateId).Select(r => r.QualificationId).FirstAsync();
            subject = await db.Subjects.AsNoTracking().Where(s => s.QualificationId == qualificationId).OrderBy(s => s.SortOrder).FirstAsync();
        }
        Assert.Contains(subject.NameZh, before);
        var newPassLine = subject.PassLine - 1;

        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<SaveSubject>().HandleAsync(new SaveSubjectRequest(subject.Id,
                subject.QualificationId, subject.Code, subject.NameZh + "（新）", subject.NameEn, subject.FullMarks, newPassLine, subject.SortOrder,
                "admin-test", ConfirmScoredChange: true, LoadedVersion: SaveSubject.VersionOf(subject)));
            Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        }

        var after = await LookUpAsync();
        Assert.Contains(subject.NameZh + "（新）", after);
        Assert.Contains($"{newPassLine:0.#} / {subject.FullMarks:0.#}", after);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Features.Catalog;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Catalog;

/// <summary>Levels, qualifications, subjects and exam centers saved through the admin use cases on the demo portal.</summary>
public sealed class CatalogUseCaseTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private static int _next;
    private static string NewCode(string prefix) => $"{prefix}{Interlocked.Increment(ref _next):00}";

    private ScorePortalDbContext Db() => portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    private async Task<EditResult> RunAsync<TCase>(Func<TCase, Task<EditResult>> action) where TCase : notnull
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TCase>());
    }

    private Task<EditResult> SaveSubjectAsync(SaveSubjectRequest r) => RunAsync<SaveSubject>(h => h.HandleAsync(r));

    private Task<EditResult> SaveQualificationAsync(SaveQualificationRequest r) => RunAsync<SaveQualification>(h => h.HandleAsync(r));

    private async Task<List<AuditEntry>> AuditAsync(string action, string targetType, string targetId)
    {
        await using var db = Db();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action && e.TargetType == targetType && e.TargetId == targetId)
            .OrderBy(e => e.Sequence).ToListAsync();
    }

    private async Task<int> NewQualificationAsync()
    {
        await using var db = Db();
        var level = await db.QualificationLevels.FirstAsync();
        var result = await SaveQualificationAsync(new SaveQualificationRequest(null, NewCode("T"), level.Id, "测试资格", "Test qualification", 2, true, "test-admin"));
        Assert.True(result.Succeeded);
        return result.Id!.Value;
    }

    private async Task<Subject> ScoredSubjectAsync()
    {
        await using var db = Db();
        var id = await db.SubjectScores.Select(s => s.SubjectId).FirstAsync();
        return await db.Subjects.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    private static SaveSubjectRequest Edit(Subject s, decimal fullMarks, decimal passLine, bool confirm = false) =>
        new(s.Id, s.QualificationId, s.Code, s.NameZh, s.NameEn, fullMarks, passLine, s.SortOrder, "test-admin", confirm);

    [Fact]
    public async Task Invalid_marks_and_a_duplicate_subject_code_are_refused_and_nothing_is_stored()
    {
        var qualificationId = await NewQualificationAsync();
        Assert.True((await SaveSubjectAsync(new SaveSubjectRequest(null, qualificationId, "ZH", "综合知识", "General", 75, 45, 1, "test-admin"))).Succeeded);

        var zeroMarks = await SaveSubjectAsync(new SaveSubjectRequest(null, qualificationId, "ZH", "", "Case study", 0, 10, 2, "test-admin"));
        var twoDecimals = await SaveSubjectAsync(new SaveSubjectRequest(null, qualificationId, "AL!", "案例", "Case", 75, 44.25m, 2, "test-admin"));
        var aboveFull = await SaveSubjectAsync(new SaveSubjectRequest(null, qualificationId, "AL", "案例", "Case", 75.55m, 76, 2, "test-admin"));

        Assert.Equal([EditValidator.Required, SaveSubject.FullMarksInvalid, SaveSubject.PassLineInvalid, SaveSubject.DuplicateCode], zeroMarks.Keys.ToArray());
        Assert.Equal([EditValidator.CodeFormat, SaveSubject.OneDecimal], twoDecimals.Keys.ToArray());
        Assert.Equal([SaveSubject.OneDecimal, SaveSubject.PassLineInvalid], aboveFull.Keys.ToArray());
        await using var db = Db();
        Assert.Equal(["ZH"], await db.Subjects.Where(s => s.QualificationId == qualificationId).Select(s => s.Code).ToListAsync());
    }

    [Fact]
    public async Task A_qualification_needs_a_unique_code_an_existing_level_and_a_validity_of_one_or_two_years()
    {
        await using var db = Db();
        var existing = await db.Qualifications.AsNoTracking().FirstAsync();
        var count = await db.Qualifications.CountAsync();

        var result = await SaveQualificationAsync(new SaveQualificationRequest(null, existing.Code, -1, "名称", "Name", 3, true, "test-admin"));

        Assert.Equal([SaveQualification.ValidityInvalid, SaveQualification.LevelMissing, SaveQualification.DuplicateCode], result.Keys.ToArray());
        Assert.Equal(count, await db.Qualifications.CountAsync());
    }

    [Fact]
    public async Task A_new_qualification_and_its_subject_are_stored_and_audited_as_catalog_changes()
    {
        var qualificationId = await NewQualificationAsync();
        var subject = await SaveSubjectAsync(new SaveSubjectRequest(null, qualificationId, "ZH", "综合知识", "General knowledge", 75, 45, 1, "test-admin"));

        Assert.True(subject.Succeeded);
        await using var db = Db();
        var stored = await db.Subjects.AsNoTracking().SingleAsync(s => s.Id == subject.Id);
        Assert.Equal((75m, 45m), (stored.FullMarks, stored.PassLine));
        Assert.Single(await AuditAsync(AuditActions.CatalogChange, "qualification", qualificationId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var audit = Assert.Single(await AuditAsync(AuditActions.CatalogChange, "subject", stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("test-admin", audit.ActorUserId);
    }

    [Fact]
    public async Task A_level_is_added_and_edited_and_its_code_stays_unique()
    {
        var code = NewCode("lvl");
        var added = await RunAsync<SaveLevel>(h => h.HandleAsync(new SaveLevelRequest(null, code, "特级", "Special", 9, "test-admin")));
        var renamed = await RunAsync<SaveLevel>(h => h.HandleAsync(new SaveLevelRequest(added.Id, code, "特级", "Top", 9, "test-admin")));
        var duplicate = await RunAsync<SaveLevel>(h => h.HandleAsync(new SaveLevelRequest(null, code, "重复", "Again", 10, "test-admin")));

        Assert.True(renamed.Succeeded);
        Assert.Equal([SaveLevel.DuplicateCode], duplicate.Keys.ToArray());
        await using var db = Db();
        Assert.Equal("Top", (await db.QualificationLevels.SingleAsync(l => l.Code == code)).NameEn);
        var audits = await AuditAsync(AuditActions.CatalogChange, "level", added.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, audits.Count);
        Assert.Contains("NameEn", audits[1].DataJson);
    }

    [Fact]
    public async Task Changing_the_pass_line_of_a_subject_with_scores_needs_a_confirmation_and_is_then_stored()
    {
        var subject = await ScoredSubjectAsync();

        var unconfirmed = await SaveSubjectAsync(Edit(subject, subject.FullMarks, subject.PassLine - 1));

        Assert.True(unconfirmed.NeedsConfirmation);
        Assert.Equal([SaveSubject.ScoredChangeNeedsConfirmation], unconfirmed.Keys.ToArray());
        await using (var db = Db())
            Assert.Equal(subject.PassLine, (await db.Subjects.AsNoTracking().SingleAsync(s => s.Id == subject.Id)).PassLine);

        var confirmed = await SaveSubjectAsync(Edit(subject, subject.FullMarks, subject.PassLine - 1, confirm: true));
        var restored = await SaveSubjectAsync(Edit(subject, subject.FullMarks, subject.PassLine, confirm: true));

        Assert.True(confirmed.Succeeded);
        Assert.True(restored.Succeeded);
        var audits = await AuditAsync(AuditActions.CatalogChange, "subject", subject.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, audits.Count);
        Assert.All(audits, a => Assert.Contains("PassLine", a.DataJson));
        Assert.All(audits, a => Assert.Contains("certificatesRevoked", a.DataJson));
    }

    [Fact]
    public async Task A_qualification_with_results_gains_no_subject_and_full_marks_stay_above_the_scores_given()
    {
        var scored = await ScoredSubjectAsync();

        var added = await SaveSubjectAsync(new SaveSubjectRequest(null, scored.QualificationId, "NEW", "新科目", "New subject", 75, 45, 9, "test-admin"));
        var tooLow = await SaveSubjectAsync(Edit(scored, 1, 1, confirm: true));

        Assert.Equal([SaveSubject.QualificationHasResults], added.Keys.ToArray());
        Assert.Equal([SaveSubject.FullMarksBelowScores], tooLow.Keys.ToArray());
        await using var db = Db();
        Assert.False(await db.Subjects.AnyAsync(s => s.QualificationId == scored.QualificationId && s.Code == "NEW"));
        Assert.Equal(scored.FullMarks, (await db.Subjects.AsNoTracking().SingleAsync(s => s.Id == scored.Id)).FullMarks);
    }

    [Fact]
    public async Task A_subject_with_scores_cannot_be_deleted_but_an_unused_one_can()
    {
        var scored = await ScoredSubjectAsync();
        var qualificationId = await NewQualificationAsync();
        var unused = await SaveSubjectAsync(new SaveSubjectRequest(null, qualificationId, "XX", "误建科目", "Mistake", 75, 45, 1, "test-admin"));

        var refused = await RunAsync<DeleteSubject>(h => h.HandleAsync(new DeleteSubjectRequest(scored.Id, "test-admin")));
        var deleted = await RunAsync<DeleteSubject>(h => h.HandleAsync(new DeleteSubjectRequest(unused.Id!.Value, "test-admin")));

        Assert.Equal([DeleteSubject.HasScores], refused.Keys.ToArray());
        Assert.Equal(scored.Code, refused.Errors[0].Args.Single());
        Assert.True(deleted.Succeeded);
        await using var db = Db();
        Assert.True(await db.Subjects.AnyAsync(s => s.Id == scored.Id));
        Assert.False(await db.Subjects.AnyAsync(s => s.Id == unused.Id));
        Assert.Contains(await AuditAsync(AuditActions.CatalogChange, "subject", unused.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            a => a.DataJson.Contains("\"delete\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not-an-email", "https://rk.example.cn", SaveProvince.EmailFormat)]
    [InlineData("exam@rk.example.cn", "ftp://rk.example.cn", SaveProvince.WebsiteFormat)]
    [InlineData("exam@rk.example.cn", "www.example.cn", SaveProvince.WebsiteFormat)]
    public async Task An_exam_center_with_a_malformed_email_or_website_is_refused_and_left_unchanged(string email, string website, string key)
    {
        await using var db = Db();
        var before = await db.Provinces.AsNoTracking().SingleAsync(p => p.Code == "11");

        var result = await RunAsync<SaveProvince>(h => h.HandleAsync(new SaveProvinceRequest("11", "北京考试院", "Beijing Exam Center", "010-12345678", email, "海淀区", website, "test-admin")));

        Assert.Equal([key], result.Keys.ToArray());
        var after = await db.Provinces.AsNoTracking().SingleAsync(p => p.Code == "11");
        Assert.Equal((before.ContactEmail, before.Website), (after.ContactEmail, after.Website));
    }

    [Fact]
    public async Task An_exam_center_edit_is_stored_and_audited_without_its_contact_details()
    {
        var result = await RunAsync<SaveProvince>(h => h.HandleAsync(new SaveProvinceRequest("44", "广东省人事考试局", "Guangdong Personnel Examination Bureau",
            "020-83134567", "ruankao@gd.example.cn", "广州市越秀区", "https://gd.example.cn/rk", "test-admin")));

        Assert.True(result.Succeeded);
        await using var db = Db();
        var stored = await db.Provinces.AsNoTracking().SingleAsync(p => p.Code == "44");
        Assert.Equal(("ruankao@gd.example.cn", "https://gd.example.cn/rk"), (stored.ContactEmail, stored.Website));
        var audit = (await AuditAsync(AuditActions.ProvinceChange, "province", "44")).Last();
        Assert.Contains("ContactEmail", audit.DataJson);
        Assert.DoesNotContain("ruankao@", audit.DataJson);
    }
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Features.Catalog;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Features.Admin;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Catalog;

/// <summary>
/// Two admins editing the same catalog row, and deleting qualifications: the later save never silently overwrites,
/// and what results rest on stays.
/// </summary>
public sealed class CatalogSafeguardTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string Stale = "在您编辑期间，另一位管理员已修改并保存了这条记录。表单已载入最新内容，请核对后再保存。";

    private static int _next;
    private static string NewCode(string prefix) => $"{prefix}{Interlocked.Increment(ref _next):00}";

    private ScorePortalDbContext Db() => portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    private async Task<EditResult> RunAsync<TCase>(Func<TCase, Task<EditResult>> action) where TCase : notnull
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TCase>());
    }

    private async Task<List<AuditEntry>> AuditAsync(string targetType, string targetId, string action = AuditActions.CatalogChange)
    {
        await using var db = Db();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action && e.TargetType == targetType && e.TargetId == targetId)
            .OrderBy(e => e.Sequence).ToListAsync();
    }

    private async Task<Qualification> NewQualificationAsync()
    {
        await using var db = Db();
        var level = await db.QualificationLevels.FirstAsync();
        var result = await RunAsync<SaveQualification>(h => h.HandleAsync(
            new SaveQualificationRequest(null, NewCode("C"), level.Id, "并发测试资格", "Concurrency test", 2, true, "admin-a")));
        Assert.True(result.Succeeded);
        return await db.Qualifications.AsNoTracking().SingleAsync(q => q.Id == result.Id);
    }

    private static void AssertStale(EditResult result)
    {
        var refusal = Assert.Single(result.Errors);
        Assert.Equal(EditVersion.Stale, refusal.Key);
        Assert.Equal("", refusal.Field);
        Assert.Equal(Stale, AdminMessages.Chinese(refusal));
        Assert.StartsWith("Another admin changed and saved this record while you were editing it.", AdminMessages.English(refusal));
    }

    [Fact]
    public async Task A_subject_saved_over_another_admins_edit_is_refused_and_their_pass_line_stays()
    {
        var qualification = await NewQualificationAsync();
        var created = await RunAsync<SaveSubject>(h => h.HandleAsync(
            new SaveSubjectRequest(null, qualification.Id, "ZH", "综合知识", "General knowledge", 75, 45, 1, "admin-a")));
        Subject opened;
        await using (var db = Db()) opened = await db.Subjects.AsNoTracking().SingleAsync(s => s.Id == created.Id);
        var version = SaveSubject.VersionOf(opened); // both admins open the same form

        var first = await RunAsync<SaveSubject>(h => h.HandleAsync(new SaveSubjectRequest(opened.Id, qualification.Id, "ZH", "综合知识",
            "General knowledge", 75, 44, 1, "admin-b", LoadedVersion: version)));
        var second = await RunAsync<SaveSubject>(h => h.HandleAsync(new SaveSubjectRequest(opened.Id, qualification.Id, "ZH", "综合知识",
            "General knowledge", 75, 46, 1, "admin-a", LoadedVersion: version)));

        Assert.True(first.Succeeded);
        AssertStale(second);
        await using (var db = Db())
            Assert.Equal(44m, (await db.Subjects.AsNoTracking().SingleAsync(s => s.Id == opened.Id)).PassLine);
        var audits = await AuditAsync("subject", opened.Id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(new[] { "admin-a", "admin-b" }, audits.Select(a => a.ActorUserId).ToArray());
    }

    [Fact]
    public async Task A_qualification_saved_over_another_admins_edit_is_refused()
    {
        var opened = await NewQualificationAsync();
        var version = SaveQualification.VersionOf(opened);

        var retired = await RunAsync<SaveQualification>(h => h.HandleAsync(new SaveQualificationRequest(opened.Id, opened.Code, opened.LevelId,
            opened.NameZh, opened.NameEn, opened.ScoreValidityYears, false, "admin-b", LoadedVersion: version)));
        var renamed = await RunAsync<SaveQualification>(h => h.HandleAsync(new SaveQualificationRequest(opened.Id, opened.Code, opened.LevelId,
            "改名", opened.NameEn, opened.ScoreValidityYears, true, "admin-a", LoadedVersion: version)));

        Assert.True(retired.Succeeded);
        AssertStale(renamed);
        await using var db = Db();
        var stored = await db.Qualifications.AsNoTracking().SingleAsync(q => q.Id == opened.Id);
        Assert.Equal((opened.NameZh, false), (stored.NameZh, stored.IsActive));
    }

    [Fact]
    public async Task A_level_saved_over_another_admins_edit_is_refused_but_a_save_from_fresh_values_goes_through()
    {
        var code = NewCode("lv");
        var added = await RunAsync<SaveLevel>(h => h.HandleAsync(new SaveLevelRequest(null, code, "特级", "Special", 9, "admin-a")));
        QualificationLevel opened;
        await using (var db = Db()) opened = await db.QualificationLevels.AsNoTracking().SingleAsync(l => l.Id == added.Id);
        var version = SaveLevel.VersionOf(opened);

        Assert.True((await RunAsync<SaveLevel>(h => h.HandleAsync(new SaveLevelRequest(opened.Id, code, "特级", "Top", 9, "admin-b", version)))).Succeeded);
        var late = await RunAsync<SaveLevel>(h => h.HandleAsync(new SaveLevelRequest(opened.Id, code, "特级", "Special grade", 9, "admin-a", version)));
        AssertStale(late);

        // The page reloads the level; saved from those values, the edit goes in.
        await using (var db = Db()) opened = await db.QualificationLevels.AsNoTracking().SingleAsync(l => l.Id == added.Id);
        var retried = await RunAsync<SaveLevel>(h => h.HandleAsync(new SaveLevelRequest(opened.Id, code, "特级", "Special grade", 9, "admin-a", SaveLevel.VersionOf(opened))));

        Assert.True(retried.Succeeded);
        await using (var db = Db())
            Assert.Equal("Special grade", (await db.QualificationLevels.AsNoTracking().SingleAsync(l => l.Id == added.Id)).NameEn);
    }

    [Fact]
    public async Task An_exam_center_saved_over_another_admins_edit_is_refused_and_their_phone_number_stays()
    {
        Province opened;
        await using (var db = Db()) opened = await db.Provinces.AsNoTracking().SingleAsync(p => p.Code == "65");
        var version = SaveProvince.VersionOf(opened);

        var first = await RunAsync<SaveProvince>(h => h.HandleAsync(new SaveProvinceRequest("65", opened.ExamCenterNameZh, opened.ExamCenterNameEn,
            "0991-1234567", opened.ContactEmail, opened.ContactAddress, opened.Website, "admin-b", version)));
        var second = await RunAsync<SaveProvince>(h => h.HandleAsync(new SaveProvinceRequest("65", opened.ExamCenterNameZh, opened.ExamCenterNameEn,
            "0991-7654321", opened.ContactEmail, opened.ContactAddress, opened.Website, "admin-a", version)));

        Assert.True(first.Succeeded);
        AssertStale(second);
        await using (var db = Db())
            Assert.Equal("0991-1234567", (await db.Provinces.AsNoTracking().SingleAsync(p => p.Code == "65")).ContactPhone);
        Assert.DoesNotContain(await AuditAsync("province", "65", AuditActions.ProvinceChange), a => a.ActorUserId == "admin-a");
    }

    [Fact]
    public async Task A_qualification_with_registrations_cannot_be_deleted_and_the_admin_is_told_why()
    {
        await using var db = Db();
        var registered = await db.Qualifications.AsNoTracking()
            .FirstAsync(q => db.Registrations.Any(r => r.QualificationId == q.Id));
        var subjects = await db.Subjects.CountAsync(s => s.QualificationId == registered.Id);
        var audits = await db.AuditEntries.CountAsync(e => e.Action == AuditActions.CatalogChange);

        var result = await RunAsync<DeleteQualification>(h => h.HandleAsync(new DeleteQualificationRequest(registered.Id, "admin-a")));

        var refusal = Assert.Single(result.Errors);
        Assert.Equal(DeleteQualification.InUse, refusal.Key);
        Assert.Equal($"资格 {registered.Code} 已有报名、成绩或证书引用，不能删除。如不再开考，请取消“启用”将其停用。", AdminMessages.Chinese(refusal));
        Assert.StartsWith($"Qualification {registered.Code} is referenced by registrations", AdminMessages.English(refusal));
        Assert.True(await db.Qualifications.AnyAsync(q => q.Id == registered.Id));
        Assert.Equal(subjects, await db.Subjects.CountAsync(s => s.QualificationId == registered.Id));
        Assert.Equal(audits, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.CatalogChange));
    }

    [Fact]
    public async Task An_unused_qualification_is_deleted_with_its_subjects_and_the_delete_is_audited()
    {
        var qualification = await NewQualificationAsync();
        foreach (var (code, order) in new[] { ("ZH", 1), ("AL", 2) })
            Assert.True((await RunAsync<SaveSubject>(h => h.HandleAsync(
                new SaveSubjectRequest(null, qualification.Id, code, "科目", "Subject", 75, 45, order, "admin-a")))).Succeeded);

        var result = await RunAsync<DeleteQualification>(h => h.HandleAsync(new DeleteQualificationRequest(qualification.Id, "admin-a")));
        var again = await RunAsync<DeleteQualification>(h => h.HandleAsync(new DeleteQualificationRequest(qualification.Id, "admin-a")));

        Assert.True(result.Succeeded);
        Assert.Equal([DeleteQualification.NotFound], again.Keys.ToArray());
        await using var db = Db();
        Assert.False(await db.Qualifications.AnyAsync(q => q.Id == qualification.Id));
        Assert.False(await db.Subjects.AnyAsync(s => s.QualificationId == qualification.Id));
        var delete = (await AuditAsync("qualification", qualification.Id.ToString(CultureInfo.InvariantCulture))).Last();
        Assert.Equal("admin-a", delete.ActorUserId);
        Assert.Contains("\"delete\"", delete.DataJson);
        Assert.Contains("\"subjectsDeleted\":\"2\"", delete.DataJson);
        Assert.DoesNotContain("并发测试资格", delete.DataJson);
    }
}

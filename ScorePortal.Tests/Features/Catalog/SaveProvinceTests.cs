using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Admin;
using ScorePortal.Features.Audit;
using ScorePortal.Features.Catalog;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Catalog;

public sealed class SaveProvinceTests
{
    [Fact]
    public async Task Exam_center_contacts_are_checked_on_the_server_stored_and_audited()
    {
        await using var portal = new DemoPortal();
        await using var scope = portal.Services.CreateAsyncScope();
        var save = scope.ServiceProvider.GetRequiredService<SaveProvince>();

        var refused = await save.HandleAsync(new SaveProvinceRequest("11", "", "Beijing Exam Center", "call us", "not-an-email",
            null, "javascript:alert(1)", "admin-1"));

        Assert.False(refused.Succeeded);
        Assert.Contains((nameof(Province.ExamCenterNameZh), EditValidator.Required), refused.Errors.Select(e => (e.Field, e.Key)));
        Assert.Contains((nameof(Province.ContactPhone), SaveProvince.PhoneFormat), refused.Errors.Select(e => (e.Field, e.Key)));
        Assert.Contains((nameof(Province.ContactEmail), SaveProvince.EmailFormat), refused.Errors.Select(e => (e.Field, e.Key)));
        Assert.Contains((nameof(Province.Website), SaveProvince.WebsiteFormat), refused.Errors.Select(e => (e.Field, e.Key)));
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
            Assert.NotEqual("call us", (await db.Provinces.SingleAsync(p => p.Code == "11")).ContactPhone);

        var saved = await save.HandleAsync(new SaveProvinceRequest("11", " 北京市教育考试院 ", "Beijing Education Examinations Authority", "+86 (010) 8232-8000",
            "ruankao@bjeea.example.cn", "北京市海淀区", "https://www.bjeea.example.cn", "admin-1"));

        Assert.True(saved.Succeeded);
        await using var check = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var beijing = await check.Provinces.SingleAsync(p => p.Code == "11");
        Assert.Equal(("北京市教育考试院", "+86 (010) 8232-8000", "https://www.bjeea.example.cn"), (beijing.ExamCenterNameZh, beijing.ContactPhone, beijing.Website));
        var entry = await check.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.ProvinceChange).SingleAsync();
        Assert.Equal(("admin-1", "11"), (entry.ActorUserId, entry.TargetId));
        Assert.Contains("ContactPhone", entry.DataJson);
    }
}

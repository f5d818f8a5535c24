using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Audit;

/// <summary>
/// A few entries of the people the audit page names, on two days: the second admin approves batch 41 and Shanghai
/// staff screen review 77 on the first day, when the demo candidate also signs out; two days later the demo candidate signs in and files a review whose
/// target a spreadsheet would read as a formula.
/// </summary>
internal sealed record AuditLogTestData(string AdminId, string Admin2Id, string StaffId, string CandidateId, DateOnly FirstDay, DateOnly SecondDay)
{
    public const string FormulaTarget = "=HYPERLINK(\"http://x.example\",\"x\")";

    public static async Task<AuditLogTestData> WriteAsync(DemoPortal portal)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        async Task<string> Id(string email) => (await users.FindByEmailAsync(email))!.Id;
        var data = new AuditLogTestData(await Id("admin@scoreportal.demo"), await Id("admin2@scoreportal.demo"),
            await Id("staff.shanghai@scoreportal.demo"), await Id("candidate@scoreportal.demo"), Today(portal), Today(portal));

        var audit = portal.Services.GetRequiredService<AuditLog>();
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.BatchApprove, data.Admin2Id, Roles.Admin, "batch", "41"));
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.ReviewScreen, data.StaffId, Roles.Staff, "review", "77",
            Data: new Dictionary<string, string?> { ["decision"] = "Accept" }));
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.SignOut, data.CandidateId, null, "user", data.CandidateId));
        portal.Clock.Advance(TimeSpan.FromDays(2));
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.SignIn, data.CandidateId, null, "user", data.CandidateId));
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.ReviewApply, data.CandidateId, Roles.Candidate, "review", FormulaTarget));
        return data with { SecondDay = Today(portal) };
    }

    private static DateOnly Today(DemoPortal portal) => DateOnly.FromDateTime(PortalFormat.ToChinaTime(portal.Clock.GetUtcNow()).DateTime);
}

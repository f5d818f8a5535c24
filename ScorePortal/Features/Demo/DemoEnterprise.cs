using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.Demo;

/// <summary>
/// The enterprise API's demo (README, "Enterprise API"): one enterprise, 示例科技有限公司, with a consent by the featured
/// candidate 杨𠮷 (who holds a 高级 系统架构设计师 certificate, S03) under employee id <see cref="EmployeeId"/>, covering
/// S03 for a year, and the demo account <see cref="MemberEmail"/> as its member. <c>demo-api-key</c> issues keys for it.
/// Added once, to a fresh demo database and to one seeded before the enterprise API existed.
/// </summary>
public static class DemoEnterprise
{
    public const string Name = "示例科技有限公司";

    /// <summary>A unified social credit code with a correct check character (GB 32100-2015).</summary>
    public const string CreditCode = "91110108MA01C8XK35";

    public const string EmployeeId = "E2023001";
    public const string MemberEmail = "enterprise@scoreportal.demo";
    public const string QualificationCode = "S03";

    /// <summary>The featured candidate who consents (DemoDataSeeder, "CJK Extension B name").</summary>
    public const string CandidateIdNumber = "320102199211083808";

    public static readonly TimeSpan ConsentDuration = TimeSpan.FromDays(365);

    public static async Task EnsureAsync(ScorePortalDbContext db, BlindIndex index, UserManager<ApplicationUser> users, TimeProvider time,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(time);
        if (await db.Enterprises.AnyAsync(e => e.CreditCode == CreditCode, ct)) return;
        var now = time.GetUtcNow();

        var enterprise = new Enterprise
        {
            Name = Name,
            CreditCode = CreditCode,
            ContactName = "王敏",
            ContactEmail = "hr@example-tech.demo",
            ContactPhone = "010-88886666",
            Purpose = "核验员工所持软考资格证书的真实性，用于职称评定和项目投标资质审核。",
            CreatedAt = now,
            CreatedBy = "demo-seed",
        };
        db.Enterprises.Add(enterprise);
        await db.SaveChangesAsync(ct);

        if (await users.FindByEmailAsync(MemberEmail) is { } member)
            db.EnterpriseMembers.Add(new EnterpriseMember { UserId = member.Id, EnterpriseId = enterprise.Id, AddedAt = now, AddedBy = "demo-seed" });

        var idNumber = CandidateIdentity.NormalizeIdNumber(IdType.ResidentId, CandidateIdNumber);
        var indexValue = index.Compute(IdType.ResidentId, idNumber);
        var candidateId = await db.Candidates.Where(c => c.IdType == IdType.ResidentId && c.IdNumberIndex == indexValue)
            .Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
        var qualificationId = await db.Qualifications.Where(q => q.Code == QualificationCode).Select(q => (int?)q.Id).FirstOrDefaultAsync(ct);
        if (candidateId is { } candidate && qualificationId is { } qualification)
        {
            var consent = new Consent
            {
                CandidateId = candidate,
                EnterpriseId = enterprise.Id,
                EmployeeId = EmployeeIds.Normalize(EmployeeId)!,
                Fields = ConsentFields.AllText,
                GrantedAt = now,
                ExpiresAt = now + ConsentDuration,
            };
            consent.Qualifications.Add(new ConsentQualification { QualificationId = qualification });
            db.Consents.Add(consent);
        }
        await db.SaveChangesAsync(ct);
    }
}

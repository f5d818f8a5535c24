using Microsoft.AspNetCore.Identity;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.Demo;

/// <summary>
/// One account per role (two admins, so the two-person rule can be tried; three experts of other provinces, so a
/// Shanghai review can be re-marked), listed in the README.
/// </summary>
public static class DemoAccounts
{
    public sealed record Account(string Email, string DisplayName, string Role, string? ProvinceCode = null);

    public static readonly Account[] All =
    [
        new("admin@scoreportal.demo", "演示管理员", Roles.Admin),
        new("admin2@scoreportal.demo", "演示管理员二", Roles.Admin),
        new("staff.beijing@scoreportal.demo", "北京考试中心", Roles.Staff, "11"),
        new("staff.guangdong@scoreportal.demo", "广东考试中心", Roles.Staff, "44"),
        new("staff.shanghai@scoreportal.demo", "上海考试中心", Roles.Staff, "31"),
        // Without a province: never chosen for a review (nobody could tell it is not the candidate's own province).
        new("expert@scoreportal.demo", "阅卷专家", Roles.Expert),
        // The three re-markers of a Shanghai review: each bound to another province.
        new("expert1@scoreportal.demo", "阅卷专家一（北京）", Roles.Expert, "11"),
        new("expert2@scoreportal.demo", "阅卷专家二（广东）", Roles.Expert, "44"),
        new("expert3@scoreportal.demo", "阅卷专家三（江苏）", Roles.Expert, "32"),
        new("candidate@scoreportal.demo", "演示考生", Roles.Candidate),
        // Linked to 张伟's record (DemoWork): a passed qualification, so a certificate to share and a credential to download.
        new("certified@scoreportal.demo", "演示考生（已取得证书）", Roles.Candidate),
        // The demo enterprise's member (DemoEnterprise): /enterprise after enrolling an authenticator.
        new("enterprise@scoreportal.demo", "示例科技有限公司 人事部", Roles.Enterprise),
    ];

    public static async Task EnsureAsync(UserManager<ApplicationUser> users, string password, TimeProvider time)
    {
        foreach (var a in All)
        {
            if (await users.FindByEmailAsync(a.Email) is not null) continue;
            var user = new ApplicationUser
            {
                UserName = a.Email,
                Email = a.Email,
                EmailConfirmed = true,
                DisplayName = a.DisplayName,
                ProvinceCode = a.ProvinceCode,
                CreatedAt = time.GetUtcNow(),
            };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
                throw new InvalidOperationException("Demo account could not be created: " +
                                                    string.Join("; ", created.Errors.Select(e => e.Code)));
            await users.AddToRoleAsync(user, a.Role);
        }
    }
}

using System.Net;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Enterprises.Admin;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Enterprises.Admin.EnterpriseTestSupport;

namespace ScorePortal.Tests.Features.Enterprises.Portal;

/// <summary>
/// Who opens <c>/admin/enterprises</c> and <c>/enterprise</c>, over real HTTP: admins the first, members of an
/// enterprise (with their second factor) the second, and a member sees their own enterprise's keys and calls only.
/// </summary>
public sealed class EnterpriseAreaAccessTests(EnterpriseTestPortal portal) : IClassFixture<EnterpriseTestPortal>
{
    private static readonly string[] AdminPages = ["/admin/enterprises", "/admin/enterprises/1"];

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        using var client = new BrowserlessClient(portal);

        foreach (var path in AdminPages.Append("/enterprise"))
        {
            using var response = await client.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/Login", response.RedirectTarget());
        }
    }

    [Theory]
    [InlineData(Roles.Candidate, false)]
    [InlineData(Roles.Staff, true)]
    [InlineData(Roles.Expert, true)]
    public async Task Candidates_and_staff_open_neither_area(string role, bool secondFactor)
    {
        var email = await AccountAsync(portal, role);
        using var client = await SignedInAsync(portal, email, secondFactor);

        foreach (var path in AdminPages.Append("/enterprise"))
        {
            using var response = await client.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/AccessDenied", response.RedirectTarget());
        }
    }

    [Fact]
    public async Task An_admin_opens_the_enterprise_admin_but_not_an_enterprises_area()
    {
        var id = await RegisterAsync(portal, "管理员可见的企业");
        using var client = await SignedInAsync(portal, await AccountAsync(portal, Roles.Admin), secondFactor: true);

        var (listStatus, list) = await client.GetAsync("/admin/enterprises");
        var (detailStatus, detail) = await client.GetAsync($"/admin/enterprises/{id}");
        using var area = await client.Http.GetAsync("/enterprise");

        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Contains("企业管理", list);
        Assert.Equal(HttpStatusCode.OK, detailStatus);
        Assert.Contains("管理员可见的企业", detail);
        Assert.Contains($"/admin/enterprises/{id}/webhooks", detail);
        Assert.StartsWith("/Account/AccessDenied", area.RedirectTarget());
    }

    [Fact]
    public async Task A_member_without_a_second_factor_is_sent_to_enroll()
    {
        var id = await RegisterAsync(portal);
        using var client = await SignedInAsync(portal, await AccountAsync(portal, Roles.Enterprise, id), secondFactor: false);

        using var response = await client.Http.GetAsync("/enterprise");

        Assert.Equal("/Account/Authenticator?returnUrl=%2Fenterprise", response.RedirectTarget());
    }

    [Fact]
    public async Task A_member_sees_their_enterprise_and_its_keys_never_another_ones_and_no_admin_page()
    {
        var a = await RegisterAsync(portal, "甲公司");
        var b = await RegisterAsync(portal, "乙公司");
        await IssueAsync(portal, a, "Key of A");
        await IssueAsync(portal, b, "Key of B");
        using var member = await SignedInAsync(portal, await AccountAsync(portal, Roles.Enterprise, a), secondFactor: true);

        var (status, page) = await member.GetAsync("/enterprise");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("甲公司", page);
        Assert.Contains("Key of A", page);
        Assert.DoesNotContain("乙公司", page);
        Assert.DoesNotContain("Key of B", page);
        // No address on the page can name another enterprise: there is no id in the area's URL to change.
        using var query = await member.Http.GetAsync($"/enterprise?enterpriseId={b}");
        Assert.DoesNotContain("Key of B", await query.Content.ReadAsStringAsync());
        foreach (var path in AdminPages)
        {
            using var admin = await member.Http.GetAsync(path);
            Assert.StartsWith("/Account/AccessDenied", admin.RedirectTarget());
        }
    }

    [Fact]
    public async Task An_enterprise_account_without_a_membership_sees_no_enterprise()
    {
        using var client = await SignedInAsync(portal, await AccountAsync(portal, Roles.Enterprise), secondFactor: true);

        var (status, page) = await client.GetAsync("/enterprise");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("您的账号未关联任何企业", page);
    }

    [Fact]
    public async Task A_removed_member_loses_the_enterprise_at_once()
    {
        var id = await RegisterAsync(portal, "丙公司");
        var email = await AccountAsync(portal, Roles.Enterprise, id);
        using var member = await SignedInAsync(portal, email, secondFactor: true);
        Assert.Contains("丙公司", (await member.GetAsync("/enterprise")).Html);
        string userId;
        await using (var db = Db(portal)) userId = db.EnterpriseMembers.Single(m => m.EnterpriseId == id).UserId;

        var removed = await RunAsync<ScorePortal.Components.Forms.EditResult, ScorePortal.Features.Enterprises.Admin.RemoveEnterpriseMember>(portal,
            h => h.HandleAsync(new(id, userId, AdminId)));

        Assert.True(removed.Succeeded);
        using var after = await member.Http.GetAsync("/enterprise");
        var html = after.StatusCode == HttpStatusCode.OK ? await after.Content.ReadAsStringAsync() : "";
        Assert.DoesNotContain("丙公司", html);
    }
}

using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Admin;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Enterprises.Admin.EnterpriseTestSupport;

namespace ScorePortal.Tests.Features.Enterprises.Admin;

/// <summary>The enterprise admin pages rendered with a running portal's services (its database, its use cases).</summary>
public sealed class EnterpriseAdminPagesTests : PortalTestContext, IAsyncLifetime
{
    private readonly EnterpriseTestPortal _portal = new();
    private AsyncServiceScope _scope;

    public Task InitializeAsync()
    {
        _scope = _portal.Services.CreateAsyncScope();
        var sp = _scope.ServiceProvider;
        Services.AddSingleton(sp.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>());
        Services.AddSingleton(sp.GetRequiredService<TimeProvider>());
        foreach (var useCase in new[] { typeof(RegisterEnterprise), typeof(UpdateEnterprise), typeof(UpdateAllowedNetworks), typeof(SuspendEnterprise),
                     typeof(IssueApiKey), typeof(RotateApiKey), typeof(RevokeApiKey), typeof(UpdateKeyLimits), typeof(InviteEnterpriseMember),
                     typeof(ResendEnterpriseInvite), typeof(RemoveEnterpriseMember) })
            Services.AddSingleton(useCase, sp.GetRequiredService(useCase));
        AddAuthorization().SetAuthorized(AdminId).SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, AdminId));
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _scope.DisposeAsync();
        await _portal.DisposeAsync();
    }

    [Fact]
    public async Task The_list_shows_each_enterprises_status_usable_keys_and_people_and_filters_by_credit_code()
    {
        var active = await RegisterAsync(_portal, "甲乙丙科技");
        var suspended = await RegisterAsync(_portal, "丁戊己软件");
        var (old, _) = await IssueAsync(_portal, active);
        await IssueAsync(_portal, active);
        await RunAsync<ScorePortal.Components.Forms.EditResult, RevokeApiKey>(_portal, h => h.HandleAsync(new(active, old, AdminId)));
        await AccountAsync(_portal, ScorePortal.Security.Roles.Enterprise, active);
        await RunAsync<ScorePortal.Components.Forms.EditResult, SuspendEnterprise>(_portal, h => h.HandleAsync(new(suspended, true, AdminId)));
        string code;
        await using (var db = Db(_portal)) code = (await db.Enterprises.SingleAsync(e => e.Id == suspended)).CreditCode;

        var cut = Render<EnterprisesPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=enterprises-table] tbody tr").Count));
        var rows = cut.FindAll("[data-testid=enterprises-table] tbody tr");
        Assert.Contains("甲乙丙科技", rows[1].TextContent);
        Assert.Contains("正常", rows[1].TextContent);
        Assert.Equal(["1", "1"], rows[1].QuerySelectorAll("td").Skip(3).Take(2).Select(td => td.TextContent.Trim()));
        Assert.Contains("已暂停", rows[0].TextContent);

        cut.Find("[data-testid=enterprises-table] .mud-table-toolbar input").Input(code[..4] + " " + code[4..].ToLowerInvariant()); // typed with a space, lower case
        TypingPauses();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=enterprises-table] tbody tr")));
        Assert.Contains("丁戊己软件", cut.Find("[data-testid=enterprises-table] tbody").TextContent);
        cut.Find("[data-testid=enterprises-table] .mud-table-toolbar input").Input("没有这家");
        TypingPauses();
        cut.WaitForAssertion(() => Assert.Contains("没有符合筛选条件的企业。", cut.Find("[data-testid=enterprises-empty]").TextContent));
    }

    /// <summary>The filter waits for typing to pause (MudBlazor's debounce runs on the portal's clock, which the test moves).</summary>
    private void TypingPauses() => _portal.Clock.Advance(TimeSpan.FromMilliseconds(400));

    [Fact]
    public void With_no_enterprise_the_list_says_so()
    {
        var cut = Render<EnterprisesPage>();

        cut.WaitForAssertion(() => Assert.Contains("尚未登记任何企业。", cut.Find("[data-testid=enterprises-empty]").TextContent));
    }

    [Fact]
    public async Task A_new_key_is_shown_until_dismissed_and_then_nowhere_on_the_page()
    {
        var id = await RegisterAsync(_portal);
        var cut = Render<EnterpriseKeysPanel>(p => p.Add(c => c.EnterpriseId, id));

        cut.Find("[data-testid=key-issue-open]").Click();
        cut.Find("[data-testid=key-issue-form] input").Change("HR system");
        cut.Find("[data-testid=key-issue-save]").Click();

        cut.WaitForElement("[data-testid=key-shown-once]");
        var key = cut.Find("#new-api-key").GetAttribute("value")!;
        Assert.True(ApiKeySecrets.LooksLikeKey(key));
        Assert.Contains(key[..ApiKeySecrets.PrefixLength], cut.Find("[data-testid=keys-table]").TextContent);
        cut.Find("[data-testid=key-done]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=key-shown-once]")));
        Assert.DoesNotContain(key, cut.Markup);
    }
}

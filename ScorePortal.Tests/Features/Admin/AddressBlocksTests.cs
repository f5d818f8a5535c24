using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ScorePortal.Data;
using ScorePortal.Features.Admin;
using ScorePortal.Features.Alerts;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Limits;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Admin;

/// <summary>
/// The dashboard's list of lookup blocks (issue #20, row 8): empty state, a block with its expiry, and the lift — a
/// reason first, then a confirmation dialog, then audited. Services borrowed from a running portal.
/// </summary>
public sealed class AddressBlocksTests : PortalTestContext, IAsyncLifetime
{
    private readonly PortalFactory _portal = new();

    public Task InitializeAsync()
    {
        var sp = _portal.Services;
        Services.AddSingleton(sp.GetRequiredService<AnomalyDetector>());
        Services.AddSingleton(sp.GetRequiredService<LiftAddressBlock>());
        AddAuthorization().SetAuthorized("admin").SetClaims(new Claim(ClaimTypes.NameIdentifier, "admin-7"));
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _portal.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_sees_the_blocks_with_their_expiry_and_lifts_one_with_a_reason_after_confirming()
    {
        var detector = _portal.Services.GetRequiredService<AnomalyDetector>();
        var store = _portal.Services.GetRequiredService<ILimitsStore>();
        var dialogs = Render<MudDialogProvider>();

        var empty = Render<AddressBlocks>();
        Assert.Equal("目前没有被暂停查询的地址。", empty.Find("[data-testid=blocks-none]").TextContent.Trim());

        var key = detector.BlockKeyOf("198.51.100.200");
        await store.BlockAsync(key, TimeSpan.FromMinutes(15), AnomalyDetector.MissedIdNumbers);
        var until = (await detector.ActiveBlocksAsync()).Single(b => b.Key == key).Until;
        var cut = Render<AddressBlocks>();

        var row = cut.Find("[data-testid=block-row]");
        Assert.Contains(AnomalyDetector.MissedIdNumbers, row.TextContent);
        Assert.Contains(ScorePortal.Localization.PortalFormat.DateTime(until), row.TextContent);
        Assert.DoesNotContain("198.51.100.200", cut.Markup);

        // No reason: nothing is asked, nothing lifted.
        cut.Find("[data-testid=block-lift]").Click();
        Assert.Contains("解除原因（必填）", cut.Find("[data-testid=lift-form]").TextContent);
        await cut.Find("[data-testid=lift-confirm]").ClickAsync(new());
        Assert.Empty(dialogs.FindAll(".mud-dialog"));
        Assert.True(await detector.BlockedForAsync("198.51.100.200") > TimeSpan.Zero);

        // A reason, then the confirmation dialog, then the block is gone and the lift audited.
        cut.Find("[data-testid=lift-form] textarea").Change("School network, checked by phone");
        var confirming = cut.Find("[data-testid=lift-confirm]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Contains("解除对该地址的暂停？", dialogs.Markup));
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "解除暂停").Click();
        await confirming;

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=blocks-none]")));
        Assert.Equal(TimeSpan.Zero, await detector.BlockedForAsync("198.51.100.200"));
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var entry = Assert.Single(await db.AuditEntries.Where(e => e.Action == AuditActions.AddressBlockLift).ToListAsync());
        Assert.Equal("admin-7", entry.ActorUserId);
        Assert.Contains("School network, checked by phone", entry.DataJson);
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Me.CandidateTestSupport;

namespace ScorePortal.Tests.Features.Reports;

/// <summary>
/// Issue #26 item 1, a report issue: the database's disk full (a real 8 MB tmpfs, or SQLite's page limit where none can
/// be mounted) or the database read-only (<see cref="DatabaseFault"/>) when a signed-in candidate asks for their score
/// report. Must hold: no PDF leaves, the candidate is sent to their page, which names the cause in their language
/// (<c>/me?message=Faults.Storage.…</c>), no report is registered; once the fault is gone the same request issues it.
/// </summary>
public sealed class ReportIssueStorageFaultTests
{
    public static TheoryData<string> Faults => DatabaseFault.All;

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_report_issue_under_a_storage_fault_shows_the_cause_on_the_candidates_page_and_registers_nothing(string fault)
    {
        using var storage = DatabaseFault.Create(fault);
        await using var portal = storage.Portal();
        var (client, _, email) = await ReportSteps.LinkedCandidateAsync(portal, "320102199211083808", "杨U+20BB7");
        using var _c = client;
        await PassStepUpAsync(client, portal, email);
        var registrationId = await ReportSteps.RegistrationIdAsync(portal, "320102199211083808");
        var before = await ReportsAsync(portal);

        storage.Start();
        using (var refused = await ReportSteps.IssueAsync(client, registrationId, "zh-CN"))
        {
            Assert.True(refused.StatusCode == HttpStatusCode.Redirect, $"{storage.How}: {refused.StatusCode}");
            Assert.Equal("/me?message=" + storage.MessageKey, refused.RedirectTarget());
            Assert.NotEqual("application/pdf", refused.Content.Headers.ContentType?.MediaType);
        }
        var (status, page) = await client.GetAsync("/me?message=" + storage.MessageKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(storage.Message.Zh, WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", page, StringComparison.Ordinal);
        Assert.Equal(before, await ReportsAsync(portal));

        storage.End();
        using var issued = await ReportSteps.IssueAsync(client, registrationId, "zh-CN");
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Equal("application/pdf", issued.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before + 1, await ReportsAsync(portal));
    }

    private static async Task<int> ReportsAsync(DemoPortal portal)
    {
        await using var db = await ReportSteps.Db(portal);
        return await db.ReportIssues.CountAsync();
    }
}

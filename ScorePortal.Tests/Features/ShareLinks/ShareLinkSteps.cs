using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Reports;
using ScorePortal.Features.ShareLinks;
using ScorePortal.Tests.Features.Reports;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.ShareLinks;

/// <summary>A holder with a certificate in the report register: a demo record linked to a fresh account, and its report issued.</summary>
internal sealed record Holder(BrowserlessClient Client, string UserId, int ReportId) : IDisposable
{
    public void Dispose() => Client.Dispose();
}

internal static partial class ShareLinkSteps
{
    public static async Task<Holder> HolderAsync(DemoPortal portal, string idNumber, string name)
    {
        var (client, userId, _) = await ReportSteps.LinkedCandidateAsync(portal, idNumber, name);
        var registrationId = await ReportSteps.RegistrationIdAsync(portal, idNumber);
        var outcome = await portal.Services.GetRequiredService<IssueReport>().HandleAsync(
            new IssueReportRequest(userId, registrationId, "zh-CN", "http://localhost/verify", null));
        var issued = Assert.IsType<IssueReportOutcome.Issued>(outcome);
        return new Holder(client, userId, issued.ReportId);
    }

    /// <summary>Creates a link through the holder's page and returns its token (read from the address it shows).</summary>
    public static async Task<string> CreateOnPageAsync(Holder holder, string validity = "7", string? lastDay = null, string note = "")
    {
        using var response = await holder.Client.SubmitAsync("/me/share-links", "create", new Dictionary<string, string>
        {
            ["New.ReportId"] = holder.ReportId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["New.Validity"] = validity,
            ["New.LastDay"] = lastDay ?? "",
            ["New.Note"] = note,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"sharelinks-notice\"", html);
        return TokenOf(html);
    }

    public static async Task<string> CreateAsync(DemoPortal portal, Holder holder, string validity = "7", string? note = null)
    {
        var outcome = await portal.Services.GetRequiredService<CreateShareLink>().HandleAsync(
            new CreateShareLinkRequest(holder.UserId, holder.ReportId, validity, null, note, null));
        return Assert.IsType<CreateShareLinkOutcome.Created>(outcome).Token;
    }

    public static string TokenOf(string html)
    {
        var match = Address().Match(html);
        Assert.True(match.Success, "The page shows no share link address.");
        return match.Groups["token"].Value;
    }

    public static async Task<int> LinkIdAsync(PortalFactory portal, string token)
    {
        var hash = ShareLinkToken.Hash(token);
        await using var db = await Db(portal);
        return await db.ShareLinks.Where(l => l.TokenHash == hash).Select(l => l.Id).SingleAsync();
    }

    public static Task<ScorePortalDbContext> Db(PortalFactory portal) =>
        portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    /// <summary>The refusal's visible part: the same for every kind of invalid link.</summary>
    public static string Refusal(string html) => RefusalMarkup().Match(html).Value;

    [GeneratedRegex("value=\"https?://[^\"]+/s/(?<token>[A-Za-z0-9_-]{24})\"")]
    private static partial Regex Address();

    [GeneratedRegex("<div class=\"portal-alert portal-alert--error\" role=\"alert\" data-testid=\"shared-refused\">[^<]*</div>")]
    private static partial Regex RefusalMarkup();
}

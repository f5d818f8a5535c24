using System.Net;
using System.Net.Sockets;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// What the dead-dependency fault tests share (issue #26 items 3 and 5): a closed port to point a dependency at, the
/// outbox backlog as an admin reads it on the dashboard (<c>/admin</c>), and a lookup that must keep answering.
/// </summary>
internal static class DependencyDown
{
    /// <summary>One row of the dashboard's outbox backlog table.</summary>
    public sealed record BacklogRow(string Kind, int Pending, int Retrying, int Dead);

    /// <summary>
    /// A loopback port nobody listens on: a listener is bound to port 0, its port noted and the listener stopped, so a
    /// connection is refused at once — until a test brings a listener up on it.
    /// </summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// An admin signed in with password and authenticator. Moves the portal's clock by one TOTP step: call it before the
    /// outbox timings a test asserts on.
    /// </summary>
    public static async Task<BrowserlessClient> SignedInAdminAsync(DemoPortal portal)
    {
        const string email = "admin@scoreportal.demo";
        await Authenticators.EnrollAsync(portal, email);
        var client = new BrowserlessClient(portal);
        using var password = await client.SignInAsync(email, portal.DemoPassword);
        Assert.StartsWith("/Account/LoginWith2fa", password.RedirectTarget());
        var code = await Authenticators.NextCodeAsync(portal, email);
        using var second = await client.SubmitAsync(password.RedirectTarget(), "login-2fa", new Dictionary<string, string> { ["Input.Code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        return client;
    }

    /// <summary>The outbox backlog rows of the admin dashboard, as the page renders them.</summary>
    public static async Task<List<BacklogRow>> DashboardBacklogAsync(BrowserlessClient admin)
    {
        var (status, html) = await admin.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, status);
        using var document = new HtmlParser().ParseDocument(html);
        return document.QuerySelectorAll("[data-testid=admin-outbox-kind]").Select(row =>
        {
            var cells = row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray();
            return new BacklogRow(row.GetAttribute("data-kind")!, Number(cells[1]), Number(cells[2]), Number(cells[3]));
        }).ToList();
    }

    private static int Number(string text) => int.Parse(text.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A lookup of a demo candidate answered with the result sheet (the portal keeps serving while a dependency is down).</summary>
    public static async Task AssertLookupAnswersAsync(DemoPortal portal)
    {
        string session;
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            var sessions = await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt != null).ToListAsync();
            session = sessions.OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).First().Code;
        }
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync("/lookup", "lookup", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = session, ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = "110105199003072311",
            ["Input.Name"] = "张伟", ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-testid=\"result-sheet\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static async Task<OutboxMessage> OutboxRowAsync(PortalFactory portal, long id)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id);
    }
}

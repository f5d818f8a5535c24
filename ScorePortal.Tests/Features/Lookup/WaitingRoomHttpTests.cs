using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Operations;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>A portal whose lookup gate has one slot, for the waiting room (its clock moves only when a test says).</summary>
public sealed class OneSlotPortal : IDisposable
{
    public DemoPortal Portal { get; } = new(new Dictionary<string, string?>
    {
        ["BusyGate:MaxConcurrent"] = "1",
        ["BusyGate:QueueTimeout"] = "00:00:00.010",
    });

    public void Dispose() => Portal.Dispose();
}

/// <summary>
/// The waiting room over HTTP: a full gate answers 200 with the waiting page (never 503), the captcha is checked on
/// joining, the admitted ticket brings the result sheet without a captcha, and a ticket works once.
/// </summary>
public sealed partial class WaitingRoomHttpTests(OneSlotPortal fixture) : IClassFixture<OneSlotPortal>
{
    private DemoPortal Portal => fixture.Portal;

    private GateLine Gate => Portal.Services.GetRequiredService<GateLine>();

    private async Task<string> ReleasedSessionAsync()
    {
        await using var db = await Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var sessions = await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt != null).ToListAsync();
        return sessions.OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).First().Code;
    }

    private async Task<Dictionary<string, string>> LookupFieldsAsync(string captcha = PortalFactory.CaptchaTestAnswer) => new()
    {
        ["Input.SessionCode"] = await ReleasedSessionAsync(), ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = "110105199003072311",
        ["Input.Name"] = "张伟", ["Input.CaptchaAnswer"] = captcha,
    };

    /// <summary>Holds the gate's one slot (a lookup in progress) until disposed.</summary>
    private Slot HoldSlot()
    {
        Assert.True(Gate.LookupSlots.Wait(TimeSpan.FromSeconds(30)));
        return new Slot(Gate);
    }

    private sealed class Slot(GateLine gate) : IDisposable
    {
        private bool _released;

        public void Dispose()
        {
            if (_released) return;
            _released = true;
            gate.LookupSlots.Release();
        }
    }

    private static string TicketOf(string html) => WebUtility.HtmlDecode(TicketInput().Match(html).Groups[1].Value);

    private async Task<JsonElement> PollAsync(BrowserlessClient client, string ticket)
    {
        using var response = await client.Http.GetAsync("/lookup/queue/" + ticket);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Polls, moving the clock one admission window at a time, until the ticket's turn comes.</summary>
    private async Task WaitForTurnAsync(BrowserlessClient client, string ticket)
    {
        for (var i = 0; i < 50; i++)
        {
            if ((await PollAsync(client, ticket)).GetProperty("state").GetString() == "admitted") return;
            Portal.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Fail("The ticket was never admitted.");
    }

    [Fact]
    public async Task A_full_gate_answers_the_waiting_page_with_the_place_in_both_languages_and_not_503()
    {
        using var client = new BrowserlessClient(Portal);
        using var english = new BrowserlessClient(Portal);
        var fields = await LookupFieldsAsync();
        using (HoldSlot())
        {
            using var zh = await client.SubmitAsync("/lookup", "lookup", fields);
            using var en = await english.SubmitAsync("/lookup?culture=en-US", "lookup", fields);
            Assert.Equal(HttpStatusCode.OK, zh.StatusCode);
            Assert.Equal(HttpStatusCode.OK, en.StatusCode);
            var zhHtml = WebUtility.HtmlDecode(await zh.Content.ReadAsStringAsync());
            var enHtml = WebUtility.HtmlDecode(await en.Content.ReadAsStringAsync());

            Assert.Contains("data-testid=\"waiting-room\"", zhHtml);
            Assert.Contains("排队等候查询", zhHtml);
            Assert.Matches("您在队列中的位置：第 \\d+ 位。", zhHtml);
            Assert.Contains("role=\"status\" aria-live=\"polite\"", zhHtml);
            Assert.Contains("Waiting to look up", enHtml);
            Assert.Matches("Your place in the line: \\d+\\.", enHtml);
            // The form stays in the page (the ticket in place of the captcha), and the script is the portal's own.
            Assert.Contains("name=\"Input.IdNumber\" value=\"110105199003072311\"", zhHtml);
            Assert.DoesNotContain("Input.CaptchaAnswer", zhHtml);
            Assert.NotEmpty(TicketOf(zhHtml));
            Assert.Contains("<script src=\"/js/waiting-room.js\" defer></script>", zhHtml);
            Assert.DoesNotContain("data-testid=\"result-sheet\"", zhHtml);
        }
    }

    [Fact]
    public async Task A_wrong_captcha_at_a_full_gate_is_the_usual_form_error_and_joins_no_line()
    {
        using var client = new BrowserlessClient(Portal);
        var fields = await LookupFieldsAsync(captcha: "WRONG1");
        using (HoldSlot())
        {
            using var response = await client.SubmitAsync("/lookup", "lookup", fields);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("data-testid=\"form-errors\"", html);
            Assert.Contains("验证码不正确，请重新输入。", html);
            Assert.DoesNotContain("data-testid=\"waiting-room\"", html);
        }
    }

    [Fact]
    public async Task The_admitted_ticket_brings_the_sheet_without_a_captcha_and_a_replay_is_refused()
    {
        using var client = new BrowserlessClient(Portal);
        var fields = await LookupFieldsAsync();
        string waiting;
        using (HoldSlot())
        {
            using var response = await client.SubmitAsync("/lookup", "lookup", fields);
            waiting = await response.Content.ReadAsStringAsync();
            var ticket = TicketOf(waiting);
            var place = await PollAsync(client, ticket);
            Assert.Equal("waiting", place.GetProperty("state").GetString());
            Assert.True(place.GetProperty("place").GetInt64() >= 1);

            // The gate is full: posting the kept form only keeps the place (the no-script "try again").
            using var again = await client.SubmitPageAsync("/lookup", waiting, "lookup", new Dictionary<string, string>());
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(ticket, TicketOf(await again.Content.ReadAsStringAsync()));
        }

        await WaitForTurnAsync(client, TicketOf(waiting));
        using var sheet = await client.SubmitPageAsync("/lookup", waiting, "lookup", new Dictionary<string, string>());
        var sheetHtml = WebUtility.HtmlDecode(await sheet.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, sheet.StatusCode);
        Assert.Contains("data-testid=\"result-sheet\"", sheetHtml);
        Assert.Contains("110105********2311", sheetHtml);

        using var replay = await client.SubmitPageAsync("/lookup", waiting, "lookup", new Dictionary<string, string>());
        var replayHtml = WebUtility.HtmlDecode(await replay.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.DoesNotContain("data-testid=\"result-sheet\"", replayHtml);
        Assert.Contains("您的排队位置已失效", replayHtml);
        Assert.Equal("gone", (await PollAsync(client, TicketOf(waiting))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_forged_ticket_gets_the_form_again_and_no_sheet()
    {
        using var client = new BrowserlessClient(Portal);
        var fields = await LookupFieldsAsync();
        fields[GateLine.TicketField] = "forged-" + new string('x', 40);
        fields.Remove("Input.CaptchaAnswer");
        using var response = await client.SubmitAsync("/lookup", "lookup", fields);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("您的排队位置已失效", html);
        Assert.DoesNotContain("data-testid=\"result-sheet\"", html);
        Assert.Equal("gone", (await PollAsync(client, "forged")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Three_times_the_capacity_gets_no_5xx_and_everyone_their_sheet_in_turn()
    {
        var visitors = Enumerable.Range(0, 3).Select(_ => new BrowserlessClient(Portal)).ToList();
        try
        {
            var fields = await LookupFieldsAsync();
            var pages = new List<string>();
            using (HoldSlot())
            {
                var responses = await Task.WhenAll(visitors.Select(v => v.SubmitAsync("/lookup", "lookup", fields)));
                foreach (var response in responses)
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    pages.Add(await response.Content.ReadAsStringAsync());
                    response.Dispose();
                }
            }
            var places = new List<long>();
            for (var i = 0; i < 3; i++) places.Add((await PollAsync(visitors[i], TicketOf(pages[i]))).GetProperty("place").GetInt64());
            Assert.All(pages, page => Assert.Contains("data-testid=\"waiting-room\"", page));

            // In the order of their places, each is admitted and gets the sheet.
            foreach (var i in Enumerable.Range(0, 3).OrderBy(i => places[i]))
            {
                await WaitForTurnAsync(visitors[i], TicketOf(pages[i]));
                using var sheet = await visitors[i].SubmitPageAsync("/lookup", pages[i], "lookup", new Dictionary<string, string>());
                Assert.Equal(HttpStatusCode.OK, sheet.StatusCode);
                Assert.Contains("data-testid=\"result-sheet\"", await sheet.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            foreach (var visitor in visitors) visitor.Dispose();
        }
    }

    [GeneratedRegex("name=\"Queue\\.Ticket\" value=\"([^\"]*)\"")]
    private static partial Regex TicketInput();
}

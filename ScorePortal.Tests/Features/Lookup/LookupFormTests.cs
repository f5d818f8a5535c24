using System.Net;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>The lookup form as a person meets it again after a refusal: input kept, hostile input inert, tokens fresh.</summary>
public sealed class LookupFormTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private async Task<string> PostAsync(string formName, Dictionary<string, string> fields, string path = "/lookup")
    {
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync(path, formName, fields);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Hostile_name_comes_back_encoded_in_the_form_and_never_as_markup()
    {
        const string hostile = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";
        var html = await PostAsync("lookup", new()
        {
            ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = "110105199003072311", ["Input.Name"] = hostile,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });

        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.Contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("data-testid=\"form-errors\"", html);
    }

    [Fact]
    public async Task Wrong_captcha_keeps_what_was_typed_and_issues_a_new_captcha()
    {
        using var client = new BrowserlessClient(portal);
        var form = await client.ReadFormAsync("/lookup", "lookup");
        var firstToken = form["Input.CaptchaToken"];
        form["Input.SessionCode"] = "2026H1"; // the captcha is checked before the session is looked up
        form["Input.IdType"] = "Passport";
        form["Input.IdNumber"] = "E12345678";
        form["Input.Name"] = "SMITH JOHN";
        form["Input.CaptchaAnswer"] = "WRONG";
        using var response = await client.Http.PostAsync("/lookup", new FormUrlEncodedContent(form));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("验证码不正确", html);
        Assert.Contains("value=\"E12345678\"", html);
        Assert.Contains("value=\"SMITH JOHN\"", html);
        Assert.Contains("<option value=\"Passport\" selected>", html);
        Assert.DoesNotContain(firstToken, html);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Ticket_channel_refusal_opens_the_ticket_form_with_its_message()
    {
        var html = await PostAsync("lookup-ticket", new() { ["Ticket.TicketNumber"] = "", ["Ticket.Name"] = "张伟", ["Ticket.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer });

        Assert.Contains("<details class=\"portal-lookup__ticket\" open>", html);
        var ticketForm = html[html.IndexOf("data-testid=\"ticket-form\"", StringComparison.Ordinal)..];
        Assert.Contains("data-testid=\"form-errors\"", ticketForm);
    }

    [Fact]
    public async Task Post_without_the_form_token_gets_the_localized_refusal_page()
    {
        using var client = new BrowserlessClient(portal);
        using var response = await client.Http.PostAsync("/lookup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "lookup", ["Input.IdNumber"] = "110105199003072311", ["Input.Name"] = "张伟",
        }));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<html lang=\"zh-CN\"", html);
        Assert.DoesNotContain("110105", html);
        Assert.DoesNotContain("result-sheet", html);
    }

    [Fact]
    public async Task Page_header_matches_the_portal_layout_in_both_languages()
    {
        using var client = new BrowserlessClient(portal);
        var (_, zh) = await client.GetAsync("/lookup");
        var (_, en) = await client.GetAsync("/lookup/overseas?culture=en-US");

        Assert.Contains("<title>成绩查询 - 软考成绩查询</title>", zh);
        Assert.Contains("href=\"/culture/en-US?returnUrl=%2Flookup\"", zh);
        Assert.Contains("href=\"/Account/Login?returnUrl=%2Flookup\"", zh);
        Assert.Contains("<html lang=\"en-US\"", en);
        // The switch back to Chinese drops the ?culture= that would outrank the cookie.
        Assert.Contains("href=\"/culture/zh-CN?returnUrl=%2Flookup%2Foverseas\"", en);
        Assert.Contains("data-testid=\"overseas-form\"", en);
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

public sealed class OverseasLookupTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string Path = "/lookup/overseas?culture=en-US";

    private async Task<string> LookUpAsync(string passport, string email, string path = Path)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var session = (await db.ExamSessions.Where(s => s.PublishedAt != null).ToListAsync())
            .OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).First().Code;
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync(path, "lookup-overseas", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = session, ["Input.PassportNumber"] = passport, ["Input.Email"] = email,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_overseas_channel_opens_in_english()
    {
        using var client = new BrowserlessClient(portal);

        var (_, html) = await client.GetAsync(Path);

        Assert.Contains("<html lang=\"en-US\">", html);
        Assert.Contains("Passport number", html);
        Assert.Contains("Registered email address", html);
    }

    [Theory]
    [InlineData("E12345678", "john.smith@example.com")]
    [InlineData(" e12345678 ", " John.Smith@Example.COM ")]
    public async Task A_passport_holder_finds_the_result_sheet_with_the_registered_email(string passport, string email)
    {
        var html = await LookUpAsync(passport, email);

        Assert.Contains("data-testid=\"result-sheet\"", html);
        Assert.Contains("SMITH JOHN", html);
        Assert.DoesNotContain("E12345678", html);
    }

    [Fact]
    public async Task Another_email_and_an_unknown_passport_get_the_same_answer()
    {
        var wrongEmail = await LookUpAsync("E12345678", "someone.else@example.com");
        var unknownPassport = await LookUpAsync("X98765432", "john.smith@example.com");

        Assert.Contains("lookup-not-found", wrongEmail);
        Assert.DoesNotContain("result-sheet", wrongEmail);
        Assert.Equal(Alert(wrongEmail), Alert(unknownPassport));
    }

    [Theory]
    [InlineData("E12", "john.smith@example.com", "A passport number has 5 to 20 letters or digits")]
    [InlineData("E12345678", "not-an-email", "That email address is not valid")]
    [InlineData("E12345678", "", "Enter the email address you registered with")]
    public async Task Bad_input_says_what_to_fix(string passport, string email, string message)
    {
        var html = await LookUpAsync(passport, email);

        Assert.Contains(message, html);
        Assert.DoesNotContain("result-sheet", html);
    }

    [Fact]
    public async Task The_language_switch_on_the_overseas_page_is_not_overruled_by_its_link()
    {
        using var client = new BrowserlessClient(portal);
        var (_, html) = await client.GetAsync(Path);

        Assert.Contains("/culture/zh-CN?returnUrl=%2Flookup%2Foverseas\"", html);
    }

    private static string Alert(string html)
    {
        var start = html.IndexOf("data-testid=\"lookup-not-found\"", StringComparison.Ordinal);
        return start < 0 ? "" : html[start..html.IndexOf("</div>", start, StringComparison.Ordinal)];
    }
}

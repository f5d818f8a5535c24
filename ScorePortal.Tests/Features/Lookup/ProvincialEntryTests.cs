using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Lookup;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>The provincial sites' link into the lookup: the session chosen, the sending site named, nothing else echoed.</summary>
public sealed class ProvincialEntryTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private async Task<string> GetAsync(string path)
    {
        using var client = new BrowserlessClient(portal);
        var (status, html) = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, status);
        return html;
    }

    private async Task<(string Oldest, string Default)> SessionsAsync()
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var sessions = (await db.ExamSessions.AsNoTracking().ToListAsync()).OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).ToList();
        var released = sessions.First(s => s.PublishedAt is not null);
        return (sessions[^1].Code, released.Code);
    }

    [Fact]
    public async Task The_link_opens_the_lookup_with_the_session_chosen_and_names_the_provincial_site()
    {
        var (oldest, _) = await SessionsAsync();
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var guangdong = await db.Provinces.AsNoTracking().SingleAsync(p => p.Code == "44");

        var html = WebUtility.HtmlDecode(await GetAsync(new Uri(ProvincialEntry.Link("http://localhost/", oldest.ToLowerInvariant(), "44")).PathAndQuery));

        Assert.Contains($"<option value=\"{oldest}\" selected>", html);
        Assert.Contains("data-testid=\"lookup-sender\"", html);
        Assert.Contains($"您是通过{guangdong.ExamCenterNameZh}网站的链接进入本站的", html);
    }

    [Theory]
    [InlineData("99")]
    [InlineData("4")]
    [InlineData("%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    [InlineData("44%22%3E%3Cb%3E")]
    public async Task An_unknown_or_hostile_sender_is_ignored_and_never_echoed(string from)
    {
        var (_, defaultSession) = await SessionsAsync();

        var html = await GetAsync($"/lookup?session=%3Cscript%3E&from={from}");

        Assert.DoesNotContain("data-testid=\"lookup-sender\"", html);
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<b>", html);
        // An unknown session falls back to the form's default choice.
        Assert.Contains($"<option value=\"{defaultSession}\" selected>", html);
    }

    [Fact]
    public void The_link_escapes_what_it_carries()
    {
        Assert.Equal("https://portal.example/lookup?session=2026H1&from=44", ProvincialEntry.Link("https://portal.example/", "2026H1", "44"));
        Assert.Equal("https://portal.example/lookup?session=a%26b&from=4%204", ProvincialEntry.Link("https://portal.example", "a&b", "4 4"));
    }
}

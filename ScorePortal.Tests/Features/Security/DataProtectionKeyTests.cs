using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Security;

/// <summary>
/// ASP.NET Data Protection (sign-in, antiforgery and step-up cookies) keeps its key ring in the database, each key sealed
/// with AES-256-GCM under Security:DataProtectionKey, under the fixed application name "ScorePortal".
/// </summary>
public sealed partial class DataProtectionKeyTests
{
    private static readonly string SealingKey = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());

    private static PortalFactory Portal(string? connectionString = null) => PortalFactory.With(new Dictionary<string, string?>
    {
        ["Security:DataProtectionKey"] = SealingKey,
        // A second instance shares the first one's database.
        ["ConnectionStrings:ScorePortal"] = connectionString,
    }.Where(s => s.Value is not null).ToDictionary());

    /// <summary>The lookup form's antiforgery cookie and token, as a browser would keep them.</summary>
    private static async Task<(string Cookie, Dictionary<string, string> Form)> FormAsync(PortalFactory portal)
    {
        using var http = portal.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var page = await http.GetAsync("/lookup");
        var cookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)).Split(';')[0];
        var html = await page.Content.ReadAsStringAsync();
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(Hidden().Match(html).Groups[1].Value),
            ["_handler"] = "lookup",
            ["Input.Name"] = "张伟",
        };
        return (cookie, form);
    }

    private static async Task<HttpResponseMessage> PostAsync(PortalFactory portal, string cookie, Dictionary<string, string> form)
    {
        using var http = portal.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/lookup") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Keys_are_stored_in_the_database_sealed_under_the_configured_key()
    {
        await using var portal = Portal();
        await FormAsync(portal); // the first token makes the first key

        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var keys = await db.DataProtectionKeys.AsNoTracking().ToListAsync();

        var key = Assert.Single(keys);
        Assert.DoesNotContain("masterKey", key.Xml);
        Assert.Contains("encryptedSecret", key.Xml);
        Assert.Contains(nameof(AesGcmXmlDecryptor), key.Xml);
        var sealedValue = System.Xml.Linq.XElement.Parse(key.Xml!).Descendants("encryptedKey").Single().Element("value")!.Value;
        // Opened with the configured key, it is Data Protection's own key; with any other key it does not open at all.
        Assert.Contains("<masterKey", new DataProtectionKeyEncryption(Convert.FromBase64String(SealingKey)).Open(sealedValue));
        Assert.ThrowsAny<CryptographicException>(() => new DataProtectionKeyEncryption(RandomNumberGenerator.GetBytes(32)).Open(sealedValue));
    }

    [Fact]
    public async Task A_second_instance_on_the_same_database_accepts_the_first_instances_cookie_and_another_database_does_not()
    {
        await using var first = Portal();
        var (cookie, form) = await FormAsync(first);
        await using var second = Portal(first.ConnectionString);
        await using var elsewhere = Portal();

        using var accepted = await PostAsync(second, cookie, form);
        using var refused = await PostAsync(elsewhere, cookie, form);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("请选择考试批次", WebUtility.HtmlDecode(await accepted.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public void The_application_name_is_fixed()
    {
        using var portal = Portal();

        var options = portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.DataProtection.DataProtectionOptions>>().Value;

        Assert.Equal("ScorePortal", options.ApplicationDiscriminator);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]*)\"")]
    private static partial Regex Hidden();
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Account;

/// <summary>Registration mails a confirmation link over real SMTP; the link confirms the account.</summary>
public sealed partial class EmailConfirmationTests(EmailConfirmationTests.Portal portal) : IClassFixture<EmailConfirmationTests.Portal>
{
    /// <summary>A clock the tests move (link expiry) and resend limits low enough to reach.</summary>
    public sealed class Portal : PortalFactory
    {
        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        protected override void ConfigureSettings(IDictionary<string, string?> settings)
        {
            settings["Account:EmailConfirmation:PerAddressPerHour"] = "2";
            settings["Account:EmailConfirmation:PerSourcePerHour"] = "0";
            // Short enough that moving the clock past it does not make the fake clock fire a day of timers.
            settings["Account:EmailConfirmation:LinkLifetime"] = LinkLifetime.ToString();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        }
    }

    private const string Password = "correct horse 42";
    private static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(2);
    private static readonly TimeSpan MailWait = TimeSpan.FromSeconds(10);

    private static string NewAddress() => $"candidate-{Guid.NewGuid():N}@example.org";

    [Fact]
    public async Task Registering_mails_a_confirmation_link_that_confirms_the_account()
    {
        var email = NewAddress();
        using var client = new BrowserlessClient(portal);

        using var registered = await RegisterAsync(client, email);
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.False((await UserAsync(email)).EmailConfirmed);

        var mail = await portal.Mailbox.WaitForMessageToAsync(email, MailWait);
        Assert.Equal("请确认您的电子邮箱 - 软考成绩查询", mail.Subject);
        Assert.Contains("2 小时内", mail.TextBody);
        var link = ConfirmationLink(mail);
        Assert.Equal("localhost", link.Host);
        Assert.Contains($"href=\"{link.AbsoluteUri}\"", WebUtility.HtmlDecode(mail.HtmlBody)); // the HTML part links to the same place

        // Another browser (no cookie of the registration) opens the link from the mail.
        using var reader = new BrowserlessClient(portal);
        var (status, html) = await reader.GetAsync(link.PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("您的电子邮箱已确认", html);
        Assert.True((await UserAsync(email)).EmailConfirmed);
        Assert.Single(portal.Mailbox.MessagesTo(email));
    }

    [Fact]
    public async Task An_english_registration_gets_its_mail_and_its_answers_in_english()
    {
        var email = NewAddress();
        using var client = new BrowserlessClient(portal);
        using (await client.Http.GetAsync("/culture/en-US?returnUrl=%2F")) { }

        using var _ = await RegisterAsync(client, email);
        var mail = await portal.Mailbox.WaitForMessageToAsync(email, MailWait);

        Assert.Equal("Confirm your email address - Exam Score Portal", mail.Subject);
        Assert.Contains("within 2 hours", mail.TextBody);
        var (_, html) = await client.GetAsync(ConfirmationLink(mail).PathAndQuery);
        Assert.Contains("Thank you: your email address is confirmed.", html);
    }

    [Fact]
    public async Task An_altered_link_is_refused_with_a_clear_message_and_confirms_nothing()
    {
        var email = NewAddress();
        using var client = new BrowserlessClient(portal);
        using var _ = await RegisterAsync(client, email);
        var link = ConfirmationLink(await portal.Mailbox.WaitForMessageToAsync(email, MailWait));
        var code = Regex.Match(link.Query, "code=([^&]+)").Groups[1].Value;
        var altered = link.PathAndQuery.Replace(code, code[..^4] + (code[^4..] == "AAAA" ? "BBBB" : "AAAA"), StringComparison.Ordinal);
        var otherUser = Regex.Replace(link.PathAndQuery, "userId=[^&]+", "userId=" + Guid.NewGuid());

        foreach (var path in new[] { altered, otherUser, "/Account/ConfirmEmail", "/Account/ConfirmEmail?userId=x&code=y" })
        {
            var (status, html) = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("确认链接无效或已过期", html);
        }
        Assert.False((await UserAsync(email)).EmailConfirmed);
    }

    [Fact]
    public async Task An_expired_link_is_refused_and_a_new_one_works()
    {
        var email = NewAddress();
        using var client = new BrowserlessClient(portal);
        using var _ = await RegisterAsync(client, email);
        var old = ConfirmationLink(await portal.Mailbox.WaitForMessageToAsync(email, MailWait));

        portal.Clock.Advance(LinkLifetime + TimeSpan.FromSeconds(1));
        var (status, html) = await client.GetAsync(old.PathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("确认链接无效或已过期", html);
        Assert.False((await UserAsync(email)).EmailConfirmed);

        using var resent = await ResendAsync(client, email);
        var fresh = await portal.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, email) && ConfirmationLink(m) != old, MailWait);
        var (freshStatus, freshHtml) = await client.GetAsync(ConfirmationLink(fresh).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, freshStatus);
        Assert.Contains("您的电子邮箱已确认", freshHtml);
        Assert.True((await UserAsync(email)).EmailConfirmed);
    }

    [Fact]
    public async Task Resend_answers_the_same_for_unknown_confirmed_and_unconfirmed_addresses_and_mails_only_the_unconfirmed()
    {
        var unconfirmed = NewAddress();
        var confirmed = NewAddress();
        var unknown = NewAddress();
        using var client = new BrowserlessClient(portal);
        using (await RegisterAsync(client, unconfirmed)) { }
        using (await RegisterAsync(new BrowserlessClient(portal), confirmed)) { }
        await portal.Mailbox.WaitForMessageToAsync(unconfirmed, MailWait);
        var confirmation = ConfirmationLink(await portal.Mailbox.WaitForMessageToAsync(confirmed, MailWait));
        using (await client.Http.GetAsync(confirmation.PathAndQuery)) { }

        var answers = new List<string>();
        foreach (var address in new[] { unknown, confirmed, unconfirmed })
        {
            using var response = await ResendAsync(client, address);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(ResultText(await response.Content.ReadAsStringAsync()));
        }

        Assert.Equal("如果该邮箱对应一个尚未确认的账号，确认邮件已发出，请查收（也请检查垃圾邮件）。", answers[0]);
        Assert.All(answers, a => Assert.Equal(answers[0], a));
        await portal.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, unconfirmed) && portal.Mailbox.MessagesTo(unconfirmed).Count == 2, MailWait);
        await portal.RunOutboxPassAsync(); // anything else committed by then has been sent
        Assert.Empty(portal.Mailbox.MessagesTo(unknown));
        Assert.Single(portal.Mailbox.MessagesTo(confirmed));
        // Every request is in the audit log, with the case that the page did not reveal.
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        await portal.Services.GetRequiredService<AuditLog>().WriteDurableAsync(new("test.flush"));
        var outcomes = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.ResendEmailConfirmation).Select(e => e.DataJson).ToListAsync();
        Assert.Contains(outcomes, d => d.Contains("unknown-address"));
        Assert.Contains(outcomes, d => d.Contains("already-confirmed"));
        Assert.Contains(outcomes, d => d.Contains("\"sent\""));
    }

    [Fact]
    public async Task Resend_stops_mailing_one_address_after_the_hourly_limit_without_saying_so()
    {
        var email = NewAddress();
        using var client = new BrowserlessClient(portal);
        using (await RegisterAsync(client, email)) { }
        await portal.Mailbox.WaitForMessageToAsync(email, MailWait);

        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await ResendAsync(client, email);
            answers.Add(ResultText(await response.Content.ReadAsStringAsync()));
        }
        // Registration's mail plus two resends (the limit); the third request is answered alike but sends nothing.
        await portal.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, email) && portal.Mailbox.MessagesTo(email).Count == 3, MailWait);
        await portal.RunOutboxPassAsync();

        Assert.All(answers, a => Assert.Equal(answers[0], a));
        Assert.Equal(3, portal.Mailbox.MessagesTo(email).Count);
    }

    private static Task<HttpResponseMessage> RegisterAsync(BrowserlessClient client, string email) =>
        client.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.AcceptNotice"] = "true",
            ["Input.Email"] = email,
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password,
        });

    private static Task<HttpResponseMessage> ResendAsync(BrowserlessClient client, string email) =>
        client.SubmitAsync("/Account/ResendEmailConfirmation", "resend-confirmation", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
        });

    private async Task<ApplicationUser> UserAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!;
    }

    /// <summary>The link of the plain-text part, as a person would copy it.</summary>
    internal static Uri ConfirmationLink(MimeMessage mail) =>
        new(LinkPattern().Match(mail.TextBody ?? "").Value);

    private static string ResultText(string html) =>
        WebUtility.HtmlDecode(ResultPattern().Match(html).Groups[1].Value);

    [GeneratedRegex(@"https?://\S+/Account/ConfirmEmail\?\S+")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("data-testid=\"resend-result\">([^<]*)<")]
    private static partial Regex ResultPattern();
}

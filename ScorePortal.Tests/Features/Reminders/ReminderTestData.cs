using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using ScorePortal.Data;
using ScorePortal.Features.Reminders;
using ScorePortal.Model;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Reminders;

/// <summary>A portal for reminder tests: a clock the tests move, sends paced fast, the per-address form limits off.</summary>
public sealed class ReminderPortal : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Reminders:SendsPerSecond"] = "1000",
        ["Reminders:PageSize"] = "2",
        ["Reminders:SubscriptionsPerSourcePerDay"] = "0",
        ["PublicForms:ReminderSubscriptionsPerAddressPerMinute"] = "0",
    };

    public DemoPortal Portal { get; } = new(Settings, candidates: 10);

    public Task InitializeAsync()
    {
        _ = Portal.Services; // starts the host
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Portal.DisposeAsync();
}

/// <summary>Sessions, subscriptions, publications and the mail they make, for the reminder tests.</summary>
internal sealed partial class ReminderTestData(DemoPortal portal)
{
    private readonly BatchTestData _batches = new(portal);

    public static readonly TimeSpan MailWait = TimeSpan.FromSeconds(20);

    public ScorePortalDbContext Db() => portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    public T Service<T>() where T : notnull => portal.Services.GetRequiredService<T>();

    public static string NewEmail(string tag = "r") => $"{tag}-{Guid.NewGuid():N}@example.org";

    /// <summary>A session whose results come out in an hour (open for subscriptions).</summary>
    public Task<ExamSession> UpcomingSessionAsync() =>
        _batches.SessionAsync(NewYear(), ExamHalf.H1, portal.Clock.GetUtcNow().AddHours(1));

    /// <summary>Publishes a batch of the session with one candidate's scores; returns the batch id.</summary>
    public async Task<int> PublishAsync(ExamSession session)
    {
        var qualification = await _batches.NewQualificationAsync(validityYears: 1);
        var candidate = await _batches.CandidateAsync();
        var registration = await _batches.RegisterAsync(candidate, session, qualification);
        var published = await _batches.PublishedAsync(session, Result(registration, qualification, "JC", "50"), Result(registration, qualification, "YY", "50"));
        return published.BatchId;
    }

    public Task RetractAsync(int batchId) => _batches.RetractAsync(batchId);

    /// <summary>Subscribes through the use case (the form's captcha is tested with the page).</summary>
    public async Task<SubscribeOutcome> SubscribeAsync(string email, ExamSession session, string culture = "zh-CN", string? source = "192.0.2.10")
    {
        return await Service<SubscribeToReminder>().HandleAsync(new SubscribeToReminderRequest(email, session.Id, culture, source, new Uri("http://localhost/")));
    }

    /// <summary>Subscribes and follows the confirmation mail's link; returns the subscription's id.</summary>
    public async Task<long> ConfirmedAsync(string email, ExamSession session, string culture = "zh-CN")
    {
        Assert.Equal(SubscribeOutcome.ConfirmationSent, await SubscribeAsync(email, session, culture));
        var mail = await portal.Mailbox.WaitForMessageToAsync(email, MailWait);
        var (id, token) = Link(mail, "confirm");
        Assert.Equal(ReminderLinkOutcome.Done, await Service<ConfirmReminder>().HandleAsync(new ReminderLinkRequest(id, token, null)));
        return id;
    }

    public async Task<ReminderSubscription> SubscriptionAsync(long id)
    {
        await using var db = Db();
        return await db.ReminderSubscriptions.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    /// <summary>The <c>s</c> and <c>t</c> of the mail's /reminders/{kind} link.</summary>
    public static (long Id, string Token) Link(MimeMessage mail, string kind)
    {
        var match = LinkPattern().Matches(mail.TextBody ?? "").First(m => m.Groups["kind"].Value == kind);
        return (long.Parse(match.Groups["s"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["t"].Value);
    }

    [GeneratedRegex(@"http://localhost/reminders/(?<kind>confirm|unsubscribe|one-click)\?s=(?<s>\d+)&t=(?<t>[A-Za-z0-9_-]+)")]
    public static partial Regex LinkPattern();

    public static bool IsReminder(MimeMessage mail) => mail.Headers.Contains("List-Unsubscribe") && (mail.TextBody ?? "").Contains("http://localhost/lookup", StringComparison.Ordinal);
}

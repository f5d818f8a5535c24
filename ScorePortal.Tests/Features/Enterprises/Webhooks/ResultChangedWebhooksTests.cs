using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Webhooks;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Tests.Features.Batches;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Enterprises.Webhooks;

/// <summary>
/// The subscriber that turns a result event into notices: one per (event, active consent that covers the changed
/// qualification, to an enterprise with a callback that is not suspended), none twice. Events are handed to it directly,
/// for batches staged by the batch tests' helpers; the outbox flow is in <see cref="WebhookDeliveryTests"/>.
/// </summary>
public sealed class ResultChangedWebhooksTests(WebhookPortal fixture) : IClassFixture<WebhookPortal>
{
    private readonly BatchTestData _batches = new(fixture.Portal);
    private readonly WebhookTestData _data = new(fixture.Portal);

    private ResultChangedWebhooks Subscriber(int pageSize = 500) =>
        new(fixture.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>(), fixture.Portal.Clock,
            NullLogger<ResultChangedWebhooks>.Instance) { PageSize = pageSize };

    private async Task<(Candidate Candidate, Registration Registration)> RegisteredAsync(ExamSession session, Qualification qualification)
    {
        var candidate = await _batches.CandidateAsync();
        return (candidate, await _batches.RegisterAsync(candidate, session, qualification));
    }

    private static Row[] Rows(Registration registration, Qualification qualification, string score = "50") =>
        [Result(registration, qualification, "JC", score), Result(registration, qualification, "YY", score)];

    [Fact]
    public async Task A_publication_queues_one_notice_per_active_consent_covering_the_qualification_and_a_repeat_adds_nothing()
    {
        var session = await _batches.PastSessionAsync(NewYear(), ExamHalf.H1);
        var qualification = await _batches.NewQualificationAsync(validityYears: 1);
        var other = await _batches.NewQualificationAsync(validityYears: 1);
        var hooked = await _data.EnterpriseAsync(WebhookTestData.Unreachable);
        var withoutUrl = await _data.EnterpriseAsync(url: null);
        var suspended = await _data.EnterpriseAsync(WebhookTestData.Unreachable, suspended: true);

        var (a, ra) = await RegisteredAsync(session, qualification);
        var (b, rb) = await RegisteredAsync(session, qualification);
        var (c, rc) = await RegisteredAsync(session, qualification);
        var (d, rd) = await RegisteredAsync(session, qualification);
        var (e, re) = await RegisteredAsync(session, qualification);
        var (f, rf) = await RegisteredAsync(session, qualification);
        var (g, _) = await RegisteredAsync(session, qualification); // consents, but has no score in the batch

        var expected = new List<Consent>
        {
            await _data.ConsentAsync(hooked, a, [qualification]),
            await _data.ConsentAsync(hooked, f, [other, qualification]),
        };
        await _data.ConsentAsync(withoutUrl, a, [qualification]);
        await _data.ConsentAsync(hooked, b, [qualification], revoked: true);
        await _data.ConsentAsync(hooked, c, [qualification], expiresAt: fixture.Portal.Clock.GetUtcNow().AddMinutes(-1));
        await _data.ConsentAsync(hooked, d, [other]);
        await _data.ConsentAsync(suspended, e, [qualification]);
        await _data.ConsentAsync(hooked, g, [qualification]);
        var batch = await _batches.ApprovedAsync(session, [.. Rows(ra, qualification), .. Rows(rb, qualification), .. Rows(rc, qualification),
            .. Rows(rd, qualification), .. Rows(re, qualification), .. Rows(rf, qualification)]);
        var change = ResultChanged.Published(session.Id, batch.Id, fixture.Portal.Clock.GetUtcNow().AddMinutes(-3));

        await Subscriber().OnResultChangedAsync(change, default);

        var deliveries = await _data.DeliveriesOfAsync(change.EventId);
        Assert.Equal(expected.Select(x => (x.Id, x.EnterpriseId, x.EmployeeId)).Order(), deliveries.Select(x => (x.ConsentId, x.EnterpriseId, x.EmployeeId)).Order());
        Assert.All(deliveries, x =>
        {
            Assert.Equal(WebhookEvents.Published, x.Event);
            Assert.Equal(change.At.ToUnixTimeMilliseconds(), x.OccurredAt.ToUnixTimeMilliseconds());
            Assert.Matches("^[0-9a-f]{32}$", x.IdempotencyKey);
        });
        Assert.NotEqual(deliveries[0].IdempotencyKey, deliveries[1].IdempotencyKey);
        var messages = await _data.MessagesAsync(change.EventId);
        Assert.Equal(deliveries.Select(x => x.ConsentId).Order(), messages.Select(m => m.Notice.ConsentId).Order());

        // The outbox delivers an event at least once: told again, the subscriber queues nothing more.
        await Subscriber().OnResultChangedAsync(change, default);
        Assert.Equal(2, (await _data.DeliveriesOfAsync(change.EventId)).Count);
        Assert.Equal(2, (await _data.MessagesAsync(change.EventId)).Count);
    }

    [Fact]
    public async Task A_correction_supersedes_what_an_employee_had_released_and_publishes_what_is_new()
    {
        var session = await _batches.PastSessionAsync(NewYear(), ExamHalf.H2);
        var qualification = await _batches.NewQualificationAsync(validityYears: 1);
        var hooked = await _data.EnterpriseAsync(WebhookTestData.Unreachable);
        var (a, ra) = await RegisteredAsync(session, qualification);
        var (h, rh) = await RegisteredAsync(session, qualification);
        var consentA = await _data.ConsentAsync(hooked, a, [qualification]);
        var consentH = await _data.ConsentAsync(hooked, h, [qualification]);

        var first = await _batches.PublishedAsync(session, Rows(ra, qualification));
        var correction = await _batches.ApprovedAsync(session, [.. Rows(ra, qualification, "47"), .. Rows(rh, qualification)]);
        var change = ResultChanged.Published(session.Id, correction.Id, fixture.Portal.Clock.GetUtcNow());
        await Subscriber().OnResultChangedAsync(change, default);

        var events = (await _data.DeliveriesOfAsync(change.EventId)).ToDictionary(x => x.ConsentId, x => x.Event);
        Assert.Equal(WebhookEvents.Superseded, events[consentA.Id]);
        Assert.Equal(WebhookEvents.Published, events[consentH.Id]);

        var retraction = ResultChanged.Retracted(session.Id, first.BatchId, fixture.Portal.Clock.GetUtcNow());
        await Subscriber().OnResultChangedAsync(retraction, default);
        var retracted = Assert.Single(await _data.DeliveriesOfAsync(retraction.EventId));
        Assert.Equal((consentA.Id, WebhookEvents.Retracted), (retracted.ConsentId, retracted.Event));
    }

    [Fact]
    public async Task A_review_decision_notifies_the_one_candidate_as_a_change()
    {
        var session = await _batches.PastSessionAsync(NewYear(), ExamHalf.H1);
        var qualification = await _batches.NewQualificationAsync(validityYears: 1);
        var hooked = await _data.EnterpriseAsync(WebhookTestData.Unreachable);
        var (a, ra) = await RegisteredAsync(session, qualification);
        var (b, rb) = await RegisteredAsync(session, qualification);
        var consentA = await _data.ConsentAsync(hooked, a, [qualification]);
        await _data.ConsentAsync(hooked, b, [qualification]);
        var batch = await _batches.ApprovedAsync(session, [.. Rows(ra, qualification), .. Rows(rb, qualification)]);

        var change = ResultChanged.ReviewDecided(session.Id, batch.Id, reviewRequestId: 1, "FH-WH-1", a.Id, ra.Id,
            qualification.Subjects.First().Id, fixture.Portal.Clock.GetUtcNow());
        await Subscriber().OnResultChangedAsync(change, default);

        var delivery = Assert.Single(await _data.DeliveriesOfAsync(change.EventId));
        Assert.Equal((consentA.Id, WebhookEvents.Changed, consentA.EmployeeId), (delivery.ConsentId, delivery.Event, delivery.EmployeeId));
    }

    [Fact]
    public async Task Candidates_are_read_in_pages_and_every_page_is_notified()
    {
        var session = await _batches.PastSessionAsync(NewYear(), ExamHalf.H2);
        var qualification = await _batches.NewQualificationAsync(validityYears: 1);
        var hooked = await _data.EnterpriseAsync(WebhookTestData.Unreachable);
        var rows = new List<Row>();
        var consents = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var (candidate, registration) = await RegisteredAsync(session, qualification);
            consents.Add((await _data.ConsentAsync(hooked, candidate, [qualification])).Id);
            rows.AddRange(Rows(registration, qualification));
        }
        var batch = await _batches.ApprovedAsync(session, [.. rows]);
        var change = ResultChanged.Published(session.Id, batch.Id, fixture.Portal.Clock.GetUtcNow());

        await Subscriber(pageSize: 2).OnResultChangedAsync(change, default);

        Assert.Equal(consents.Order(), (await _data.DeliveriesOfAsync(change.EventId)).Select(x => x.ConsentId).Order());
    }

    [Fact]
    public async Task The_portal_registers_the_subscriber_and_an_event_for_nobody_with_a_callback_queues_nothing()
    {
        Assert.Contains(fixture.Portal.Services.GetServices<IResultChangedSubscriber>(), s => s is ResultChangedWebhooks);
        var session = await _batches.PastSessionAsync(NewYear(), ExamHalf.H1);
        var qualification = await _batches.NewQualificationAsync(validityYears: 1);
        var (a, ra) = await RegisteredAsync(session, qualification);
        await _data.ConsentAsync(await _data.EnterpriseAsync(url: null), a, [qualification]);
        var batch = await _batches.ApprovedAsync(session, Rows(ra, qualification));
        var change = ResultChanged.Published(session.Id, batch.Id, fixture.Portal.Clock.GetUtcNow());

        await Subscriber().OnResultChangedAsync(change, default);

        Assert.Empty(await _data.DeliveriesOfAsync(change.EventId));
        Assert.Empty(await _data.MessagesAsync(change.EventId));
    }
}

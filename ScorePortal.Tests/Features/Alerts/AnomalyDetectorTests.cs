using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Data;
using ScorePortal.Features.Alerts;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Limits;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Alerts;

public sealed class AnomalyDetectorTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 23, 1, 0, 0, TimeSpan.Zero));

    private sealed class Fixed<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;
        public T Get(string? name) => value;
        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }

    private AnomalyDetector Detector(AnomalyOptions options) => new(new Fixed<AnomalyOptions>(options), _clock,
        portal.Services.GetRequiredService<SourceAddressHasher>(), new MemoryLimitsStore(_clock),
        portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>(), NullLogger<AnomalyDetector>.Instance);

    private async Task<List<Alert>> AlertsAsync(string kind)
    {
        await using var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
        return await db.Alerts.Where(a => a.Kind == kind).ToListAsync();
    }

    [Fact]
    public async Task A_burst_of_lookups_from_one_address_raises_one_alert_and_blocks_nobody()
    {
        // Volume alone is what a school's or a carrier's NAT sends on release day: admins are told, nobody is blocked.
        var detector = Detector(new AnomalyOptions { LookupsPerAddress = 10, BlockDuration = TimeSpan.FromMinutes(15) });
        var raised = new List<Alert>();
        detector.AlertRaised += raised.Add;

        for (var i = 0; i < 25; i++) await detector.ObserveAsync(Observation.Lookup, "198.51.100.10");

        Assert.Single(raised);
        Assert.Equal(AnomalyDetector.ManyLookups, raised[0].Kind);
        Assert.Equal(AlertSeverity.Warning, raised[0].Severity);
        Assert.DoesNotContain("198.51.100.10", raised[0].SubjectKey + raised[0].Details);
        Assert.Contains(await AlertsAsync(AnomalyDetector.ManyLookups), a => a.SubjectKey == raised[0].SubjectKey);
        Assert.Equal(TimeSpan.Zero, await detector.BlockedForAsync("198.51.100.10"));
    }

    [Fact]
    public async Task Misses_block_an_address_only_when_they_stand_out_against_its_lookups()
    {
        var detector = Detector(new AnomalyOptions { MissedIdNumbersPerAddress = 20, WrongNamesPerAddress = 40, MissPercent = 10 });
        var raised = new List<Alert>();
        detector.AlertRaised += raised.Add;
        const string crowd = "198.51.100.30";

        // A crowd: 300 lookups, 20 of them typos of 20 different people (7 %): enough misses, but no share of them.
        for (var i = 0; i < 300; i++)
        {
            await detector.ObserveAsync(Observation.Lookup, crowd, idKey: $"id{i}");
            if (i % 15 == 0) await detector.ObserveAsync(Observation.WrongName, crowd, idKey: $"id{i}");
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Empty(raised);
        Assert.Equal(TimeSpan.Zero, await detector.BlockedForAsync(crowd));

        // An enumerator at the same address: every guess a miss of another ID number. Blocked once the misses are 10 %.
        var guesses = 0;
        while (await detector.BlockedForAsync(crowd) == TimeSpan.Zero && guesses < 100)
        {
            guesses++;
            await detector.ObserveAsync(Observation.Lookup, crowd, idKey: $"guess{guesses}");
            await detector.ObserveAsync(Observation.WrongName, crowd, idKey: $"guess{guesses}");
        }
        Assert.InRange(guesses, 10, 20);
        var alert = Assert.Single(raised);
        Assert.Equal(AnomalyDetector.MissedIdNumbers, alert.Kind);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);

        // Alone, an enumerator is blocked after 20 ID numbers without a match; the block ends on its own.
        const string alone = "198.51.100.31";
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(TimeSpan.Zero, await detector.BlockedForAsync(alone));
            await detector.ObserveAsync(Observation.Lookup, alone, idKey: $"x{i}");
            await detector.ObserveAsync(Observation.WrongName, alone, idKey: $"x{i}");
        }
        Assert.True(await detector.BlockedForAsync(alone) > TimeSpan.Zero);
        _clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(TimeSpan.Zero, await detector.BlockedForAsync(alone));
    }

    [Fact]
    public async Task One_typo_retried_counts_its_id_number_once()
    {
        var detector = Detector(new AnomalyOptions { MissedIdNumbersPerAddress = 3, WrongNamesPerAddress = 0, MissPercent = 0 });
        for (var i = 0; i < 10; i++) await detector.ObserveAsync(Observation.WrongName, "198.51.100.40", idKey: "same");
        Assert.Equal(TimeSpan.Zero, await detector.BlockedForAsync("198.51.100.40"));
    }

    [Fact]
    public async Task Lookups_spread_beyond_the_window_raise_nothing()
    {
        var detector = Detector(new AnomalyOptions { LookupsPerAddress = 10, Window = TimeSpan.FromMinutes(5) });
        var raised = 0;
        detector.AlertRaised += _ => raised++;

        for (var i = 0; i < 30; i++)
        {
            await detector.ObserveAsync(Observation.Lookup, "198.51.100.20");
            _clock.Advance(TimeSpan.FromSeconds(40));
        }

        Assert.Equal(0, raised);
        Assert.False(await detector.BlockedForAsync("198.51.100.20") > TimeSpan.Zero);
    }

    [Fact]
    public async Task One_id_number_from_many_addresses_is_reported_without_blocking_anyone()
    {
        var detector = Detector(new AnomalyOptions { AddressesPerIdNumber = 3 });
        var raised = new List<Alert>();
        detector.AlertRaised += raised.Add;

        foreach (var address in new[] { "203.0.113.1", "203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4" })
            await detector.ObserveAsync(Observation.Lookup, address, idKey: "a1b2c3d4e5f60718293a4b5c6d7e8f90");

        var alert = Assert.Single(raised);
        Assert.Equal(AnomalyDetector.ManyAddresses, alert.Kind);
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
        Assert.False(await detector.BlockedForAsync("203.0.113.3") > TimeSpan.Zero);
    }

    [Fact]
    public async Task One_address_asking_across_many_provinces_is_reported_without_being_blocked()
    {
        var detector = Detector(new AnomalyOptions { ProvincesPerAddress = 3 });
        var raised = new List<Alert>();
        detector.AlertRaised += raised.Add;

        foreach (var province in new[] { "11", "11", "31", "44" })
            await detector.ObserveAsync(Observation.Lookup, "192.0.2.50", provinceCode: province);

        var alert = Assert.Single(raised);
        Assert.Equal(AnomalyDetector.ManyProvinces, alert.Kind);
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
        Assert.Equal(TimeSpan.Zero, await detector.BlockedForAsync("192.0.2.50"));
    }

    [Theory]
    [InlineData(Observation.WrongCaptcha, AnomalyDetector.WrongCaptchas)]
    [InlineData(Observation.WrongName, AnomalyDetector.WrongNames)]
    public async Task Bursts_of_wrong_answers_are_caught(Observation what, string kind)
    {
        var detector = Detector(new AnomalyOptions { WrongCaptchasPerAddress = 5, WrongNamesPerAddress = 5, MissedIdNumbersPerAddress = 0 });
        var raised = new List<Alert>();
        detector.AlertRaised += raised.Add;

        for (var i = 0; i < 6; i++) await detector.ObserveAsync(what, "192.0.2.77");

        Assert.Equal(kind, Assert.Single(raised).Kind);
        Assert.True(await detector.BlockedForAsync("192.0.2.77") > TimeSpan.Zero);
    }

    [Fact]
    public async Task Lifting_a_block_needs_a_reason_and_is_audited_with_it()
    {
        var detector = portal.Services.GetRequiredService<AnomalyDetector>();
        var lift = portal.Services.GetRequiredService<LiftAddressBlock>();
        var store = portal.Services.GetRequiredService<ILimitsStore>();
        var key = detector.BlockKeyOf("192.0.2.99");
        await store.BlockAsync(key, TimeSpan.FromMinutes(15), AnomalyDetector.MissedIdNumbers);
        Assert.Contains(await detector.ActiveBlocksAsync(), b => b.Key == key);

        Assert.Equal("Alerts.Lift.ReasonRequired", await lift.HandleAsync(new LiftAddressBlockRequest("admin-1", key, "  ")));
        Assert.Equal("Alerts.Lift.ReasonTooLong", await lift.HandleAsync(new LiftAddressBlockRequest("admin-1", key, new string('x', 501))));
        Assert.True(await detector.BlockedForAsync("192.0.2.99") > TimeSpan.Zero);

        Assert.Null(await lift.HandleAsync(new LiftAddressBlockRequest("admin-1", key, "School network, confirmed by phone")));
        Assert.Equal(TimeSpan.Zero, await detector.BlockedForAsync("192.0.2.99"));
        Assert.DoesNotContain(await detector.ActiveBlocksAsync(), b => b.Key == key);
        Assert.Equal("Alerts.Lift.NotBlocked", await lift.HandleAsync(new LiftAddressBlockRequest("admin-1", key, "again")));

        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var entry = Assert.Single(await db.AuditEntries.Where(e => e.Action == AuditActions.AddressBlockLift).ToListAsync());
        Assert.Equal("admin-1", entry.ActorUserId);
        Assert.Contains("School network, confirmed by phone", entry.DataJson);
        Assert.DoesNotContain("192.0.2.99", entry.DataJson + entry.TargetId);
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Data;
using ScorePortal.Features.Alerts;
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
    public async Task A_burst_from_one_address_raises_one_alert_and_blocks_that_address_for_a_while()
    {
        var detector = Detector(new AnomalyOptions { LookupsPerAddress = 10, BlockDuration = TimeSpan.FromMinutes(15) });
        var raised = new List<Alert>();
        detector.AlertRaised += raised.Add;

        for (var i = 0; i < 25; i++) await detector.ObserveAsync(Observation.Lookup, "198.51.100.10");

        Assert.Single(raised);
        Assert.Equal(AnomalyDetector.ManyLookups, raised[0].Kind);
        Assert.DoesNotContain("198.51.100.10", raised[0].SubjectKey + raised[0].Details);
        Assert.Contains(await AlertsAsync(AnomalyDetector.ManyLookups), a => a.SubjectKey == raised[0].SubjectKey);
        var remaining = await detector.BlockedForAsync("198.51.100.10");
        Assert.True(remaining > TimeSpan.Zero);
        Assert.True(remaining <= TimeSpan.FromMinutes(15));
        Assert.False(await detector.BlockedForAsync("198.51.100.11") > TimeSpan.Zero);

        _clock.Advance(TimeSpan.FromMinutes(16));
        Assert.False(await detector.BlockedForAsync("198.51.100.10") > TimeSpan.Zero);
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
    public async Task One_address_asking_across_many_provinces_is_blocked()
    {
        var detector = Detector(new AnomalyOptions { ProvincesPerAddress = 3 });
        var raised = new List<Alert>();
        detector.AlertRaised += raised.Add;

        foreach (var province in new[] { "11", "11", "31", "44" })
            await detector.ObserveAsync(Observation.Lookup, "192.0.2.50", provinceCode: province);

        Assert.Equal(AnomalyDetector.ManyProvinces, Assert.Single(raised).Kind);
        Assert.True(await detector.BlockedForAsync("192.0.2.50") > TimeSpan.Zero);
    }

    [Theory]
    [InlineData(Observation.WrongCaptcha, AnomalyDetector.WrongCaptchas)]
    [InlineData(Observation.WrongName, AnomalyDetector.WrongNames)]
    public async Task Bursts_of_wrong_answers_are_caught(Observation what, string kind)
    {
        var detector = Detector(new AnomalyOptions { WrongCaptchasPerAddress = 5, WrongNamesPerAddress = 5 });
        var raised = new List<Alert>();
        detector.AlertRaised += raised.Add;

        for (var i = 0; i < 6; i++) await detector.ObserveAsync(what, "192.0.2.77");

        Assert.Equal(kind, Assert.Single(raised).Kind);
        Assert.True(await detector.BlockedForAsync("192.0.2.77") > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_blocked_address_gets_429_with_a_clear_message()
    {
        await using var blocked = PortalFactory.With(new Dictionary<string, string?> { ["Anomaly:LookupsPerAddress"] = "3" });
        var detector = blocked.Services.GetRequiredService<AnomalyDetector>();
        // The in-process test server has no remote address: its requests count as "unknown".
        for (var i = 0; i < 3; i++) await detector.ObserveAsync(Observation.Lookup, null);
        using var client = new BrowserlessClient(blocked);

        using var post = await client.Http.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }));
        using var captcha = await client.Http.GetAsync("/captcha/new");
        var (pageStatus, _) = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.TooManyRequests, post.StatusCode);
        Assert.True(post.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("请求已被暂时限制", await post.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, captcha.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pageStatus);
    }
}

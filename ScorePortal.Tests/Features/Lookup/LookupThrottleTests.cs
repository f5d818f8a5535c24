using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Features.Lookup;

namespace ScorePortal.Tests.Features.Lookup;

public sealed class LookupThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 23, 1, 0, 0, TimeSpan.Zero));

    private LookupThrottle Throttle(LookupLimitsOptions? options = null) => new(Options.Create(options ?? new LookupLimitsOptions()), _clock);

    [Fact]
    public void One_address_is_limited_after_its_allowance()
    {
        using var throttle = Throttle(new() { PerAddressPerMinute = 3 });

        Assert.All(Enumerable.Range(0, 3), _ => Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckAddress("198.51.100.1")));
        Assert.Equal(ThrottleVerdict.AddressLimited, throttle.CheckAddress("198.51.100.1"));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckAddress("198.51.100.2"));
    }

    [Fact]
    public void One_id_number_is_limited_wherever_the_lookups_come_from()
    {
        using var throttle = Throttle(new() { PerIdNumberPer10Minutes = 2 });

        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-a"));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-a"));
        Assert.Equal(ThrottleVerdict.IdNumberLimited, throttle.CheckIdNumber("id-a"));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-b"));
    }

    [Fact]
    public void Repeated_wrong_names_lock_the_id_number_for_a_while()
    {
        using var throttle = Throttle(new() { WrongNamesBeforeLock = 3, LockDuration = TimeSpan.FromMinutes(30), PerIdNumberPer10Minutes = 0 });

        Assert.False(throttle.RecordWrongName("id-a"));
        Assert.False(throttle.RecordWrongName("id-a"));
        Assert.True(throttle.RecordWrongName("id-a"));
        Assert.Equal(ThrottleVerdict.IdNumberLocked, throttle.CheckIdNumber("id-a"));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-b"));

        _clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-a"));
    }

    [Fact]
    public void Wrong_names_spread_beyond_the_window_do_not_lock()
    {
        using var throttle = Throttle(new() { WrongNamesBeforeLock = 2, WrongNameWindow = TimeSpan.FromMinutes(15) });

        Assert.False(throttle.RecordWrongName("id-a"));
        _clock.Advance(TimeSpan.FromMinutes(16));
        Assert.False(throttle.RecordWrongName("id-a"));
        Assert.False(throttle.IsLocked("id-a"));
    }

    [Fact]
    public void Zero_switches_a_limit_off()
    {
        using var throttle = Throttle(new() { PerAddressPerMinute = 0 });

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckAddress("127.0.0.1")));
    }
}

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Features.Lookup;

namespace ScorePortal.Tests.Features.Lookup;

public sealed class LookupThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 23, 1, 0, 0, TimeSpan.Zero));

    private const string Attacker = "198.51.100.66";
    private const string Victim = "192.0.2.10";

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
    public void One_id_number_is_limited_per_address_so_outsiders_cannot_use_up_the_candidates_lookups()
    {
        using var throttle = Throttle(new() { PerIdNumberPer10Minutes = 2 });

        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-a", Attacker));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-a", Attacker));
        Assert.Equal(ThrottleVerdict.IdNumberLimited, throttle.CheckIdNumber("id-a", Attacker));
        // The same /64 is the same address; the candidate's own address and other ID numbers are untouched.
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-a", Victim));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-a", Victim));
        Assert.Equal(ThrottleVerdict.IdNumberLimited, throttle.CheckIdNumber("id-a", Victim));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-b", Attacker));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-c", "2001:db8:1:2::1"));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-c", "2001:db8:1:2::2"));
        Assert.Equal(ThrottleVerdict.IdNumberLimited, throttle.CheckIdNumber("id-c", "2001:db8:1:2:ffff::3"));
    }

    [Fact]
    public void Repeated_wrong_names_lock_the_id_number_for_that_address_only_and_the_victim_still_looks_it_up()
    {
        using var throttle = Throttle(new() { LockDuration = TimeSpan.FromMinutes(30), PerIdNumberPer10Minutes = 0, WrongNamesBeforeDelay = 0 });

        // Five captcha-solved wrong names from one address (the default), as an outsider who knows the victim's ID would send.
        Assert.All(Enumerable.Range(0, 4), _ => Assert.False(throttle.RecordWrongName("id-a", Attacker)));
        Assert.True(throttle.RecordWrongName("id-a", Attacker));

        Assert.Equal(ThrottleVerdict.IdNumberLocked, throttle.CheckIdNumber("id-a", Attacker));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-a", Victim));
        // An IPv6 attacker is one /64: moving to another address of it does not escape the lock.
        Assert.All(Enumerable.Range(0, 5), i => throttle.RecordWrongName("id-v6", $"2001:db8:7:7::{i + 1}"));
        Assert.Equal(ThrottleVerdict.IdNumberLocked, throttle.CheckIdNumber("id-v6", "2001:db8:7:7:abcd::9"));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-v6", "2001:db8:7:8::1"));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-b", Attacker));

        _clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-a", Attacker));
    }

    [Fact]
    public void Wrong_names_spread_beyond_the_window_do_not_lock()
    {
        using var throttle = Throttle(new() { WrongNamesBeforeLock = 2, WrongNameWindow = TimeSpan.FromMinutes(15) });

        Assert.False(throttle.RecordWrongName("id-a", Attacker));
        _clock.Advance(TimeSpan.FromMinutes(16));
        Assert.False(throttle.RecordWrongName("id-a", Attacker));
        Assert.False(throttle.IsLocked("id-a", Attacker));
    }

    [Fact]
    public void Wrong_names_from_many_addresses_space_out_the_id_numbers_lookups_with_a_growing_bounded_delay()
    {
        using var throttle = Throttle(new() { WrongNamesBeforeDelay = 3, FirstDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8) });

        // Each guess from another address: no address is ever locked, but the ID number's lookups slow down.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(TimeSpan.Zero, throttle.ReserveSlot("id-a"));
            throttle.RecordWrongName("id-a", $"203.0.113.{i}");
        }
        Assert.Equal(TimeSpan.Zero, throttle.ReserveSlot("id-a"));
        throttle.RecordWrongName("id-a", "203.0.113.2");

        var delays = new List<TimeSpan?>();
        for (var i = 3; i < 8; i++)
        {
            delays.Add(throttle.ReserveSlot("id-a"));
            throttle.RecordWrongName("id-a", $"203.0.113.{i}");
            _clock.Advance(delays[^1]!.Value);
        }
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8)], delays);
        Assert.Equal(TimeSpan.Zero, throttle.ReserveSlot("id-b"));

        // Parallel lookups queue one slot after another; beyond the longest wait they are refused, not queued.
        Assert.Equal(TimeSpan.FromSeconds(8), throttle.ReserveSlot("id-a"));
        Assert.Equal(TimeSpan.FromSeconds(16), throttle.ReserveSlot("id-a"));
        Assert.Null(throttle.ReserveSlot("id-a"));

        // The candidate's own lookup from home is delayed, never locked out, and the spacing ends with the window.
        Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckIdNumber("id-a", Victim));
        _clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(TimeSpan.Zero, throttle.ReserveSlot("id-a"));
    }

    [Fact]
    public void Zero_switches_a_limit_off()
    {
        using var throttle = Throttle(new() { PerAddressPerMinute = 0 });

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.Equal(ThrottleVerdict.Allowed, throttle.CheckAddress("127.0.0.1")));
    }
}

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Features.Lookup;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Tests.Features.Lookup;

public sealed class LookupThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 23, 1, 0, 0, TimeSpan.Zero));

    private const string Attacker = "198.51.100.66";
    private const string Victim = "192.0.2.10";

    private LookupThrottle Throttle(LookupLimitsOptions? options = null) => new(Options.Create(options ?? new LookupLimitsOptions()), new MemoryLimitsStore(_clock));

    [Fact]
    public async Task One_address_is_limited_after_its_allowance()
    {
        var throttle = Throttle(new() { PerAddressPerMinute = 3 });

        foreach (var _ in Enumerable.Range(0, 3)) Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckAddressAsync("198.51.100.1"));
        Assert.Equal(ThrottleVerdict.AddressLimited, await throttle.CheckAddressAsync("198.51.100.1"));
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckAddressAsync("198.51.100.2"));
    }

    [Fact]
    public async Task One_id_number_is_limited_per_address_so_outsiders_cannot_use_up_the_candidates_lookups()
    {
        var throttle = Throttle(new() { PerIdNumberPer10Minutes = 2 });

        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-a", Attacker));
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-a", Attacker));
        Assert.Equal(ThrottleVerdict.IdNumberLimited, await throttle.CheckIdNumberAsync("id-a", Attacker));
        // The same /64 is the same address; the candidate's own address and other ID numbers are untouched.
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-a", Victim));
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-a", Victim));
        Assert.Equal(ThrottleVerdict.IdNumberLimited, await throttle.CheckIdNumberAsync("id-a", Victim));
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-b", Attacker));
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-c", "2001:db8:1:2::1"));
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-c", "2001:db8:1:2::2"));
        Assert.Equal(ThrottleVerdict.IdNumberLimited, await throttle.CheckIdNumberAsync("id-c", "2001:db8:1:2:ffff::3"));
    }

    [Fact]
    public async Task Repeated_wrong_names_lock_the_id_number_for_that_address_only_and_the_victim_still_looks_it_up()
    {
        var throttle = Throttle(new() { LockDuration = TimeSpan.FromMinutes(30), PerIdNumberPer10Minutes = 0, WrongNamesBeforeDelay = 0 });

        // Five captcha-solved wrong names from one address (the default), as an outsider who knows the victim's ID would send.
        foreach (var _ in Enumerable.Range(0, 4)) Assert.False(await throttle.RecordWrongNameAsync("id-a", Attacker));
        Assert.True(await throttle.RecordWrongNameAsync("id-a", Attacker));

        Assert.Equal(ThrottleVerdict.IdNumberLocked, await throttle.CheckIdNumberAsync("id-a", Attacker));
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-a", Victim));
        // An IPv6 attacker is one /64: moving to another address of it does not escape the lock.
        foreach (var i in Enumerable.Range(0, 5)) await throttle.RecordWrongNameAsync("id-v6", $"2001:db8:7:7::{i + 1}");
        Assert.Equal(ThrottleVerdict.IdNumberLocked, await throttle.CheckIdNumberAsync("id-v6", "2001:db8:7:7:abcd::9"));
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-v6", "2001:db8:7:8::1"));
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-b", Attacker));

        _clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-a", Attacker));
    }

    [Fact]
    public async Task Wrong_names_spread_beyond_the_window_do_not_lock()
    {
        var throttle = Throttle(new() { WrongNamesBeforeLock = 2, WrongNameWindow = TimeSpan.FromMinutes(15) });

        Assert.False(await throttle.RecordWrongNameAsync("id-a", Attacker));
        _clock.Advance(TimeSpan.FromMinutes(16));
        Assert.False(await throttle.RecordWrongNameAsync("id-a", Attacker));
        Assert.False(await throttle.IsLockedAsync("id-a", Attacker));
    }

    [Fact]
    public async Task Wrong_names_from_many_addresses_space_out_the_id_numbers_lookups_with_a_growing_bounded_delay()
    {
        var throttle = Throttle(new() { WrongNamesBeforeDelay = 3, FirstDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8) });

        // Each guess from another address: no address is ever locked, but the ID number's lookups slow down.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(TimeSpan.Zero, await throttle.ReserveSlotAsync("id-a"));
            await throttle.RecordWrongNameAsync("id-a", $"203.0.113.{i}");
        }
        Assert.Equal(TimeSpan.Zero, await throttle.ReserveSlotAsync("id-a"));
        await throttle.RecordWrongNameAsync("id-a", "203.0.113.2");

        var delays = new List<TimeSpan?>();
        for (var i = 3; i < 8; i++)
        {
            delays.Add(await throttle.ReserveSlotAsync("id-a"));
            await throttle.RecordWrongNameAsync("id-a", $"203.0.113.{i}");
            _clock.Advance(delays[^1]!.Value);
        }
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8)], delays);
        Assert.Equal(TimeSpan.Zero, await throttle.ReserveSlotAsync("id-b"));

        // Parallel lookups queue one slot after another; beyond the longest wait they are refused, not queued.
        Assert.Equal(TimeSpan.FromSeconds(8), await throttle.ReserveSlotAsync("id-a"));
        Assert.Equal(TimeSpan.FromSeconds(16), await throttle.ReserveSlotAsync("id-a"));
        Assert.Null(await throttle.ReserveSlotAsync("id-a"));

        // The candidate's own lookup from home is delayed, never locked out, and the spacing ends with the window.
        Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckIdNumberAsync("id-a", Victim));
        _clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(TimeSpan.Zero, await throttle.ReserveSlotAsync("id-a"));
    }

    [Fact]
    public async Task Zero_switches_a_limit_off()
    {
        var throttle = Throttle(new() { PerAddressPerMinute = 0 });

        foreach (var _ in Enumerable.Range(0, 1000)) Assert.Equal(ThrottleVerdict.Allowed, await throttle.CheckAddressAsync("127.0.0.1"));
    }
}

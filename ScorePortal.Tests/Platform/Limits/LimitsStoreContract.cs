using Microsoft.Extensions.Time.Testing;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Tests.Platform.Limits;

/// <summary>
/// What every <see cref="ILimitsStore"/> does, run against each implementation (<see cref="MemoryLimitsStoreTests"/>,
/// <see cref="RedisLimitsStoreTests"/> on a real redis-server): the shared store must answer exactly as the memory store.
/// </summary>
public abstract class LimitsStoreContract
{
    protected readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 23, 1, 0, 0, TimeSpan.Zero));

    protected ILimitsStore Store() => Store(null);

    /// <param name="options">The caps on one key's growth (<see cref="MemoryLimitsOptions"/>); both stores honour them.</param>
    protected abstract ILimitsStore Store(MemoryLimitsOptions? options);

    /// <summary>Runs the store's background clean-up where it has one, beside the callers.</summary>
    protected virtual void Sweep(ILimitsStore store)
    {
    }

    [Fact]
    public async Task A_token_is_spent_once_and_spendable_again_after_it_expired()
    {
        var store = Store();
        var expires = _clock.GetUtcNow().AddMinutes(1);

        Assert.True(await store.TrySpendAsync("captcha:1", expires));
        Assert.False(await store.TrySpendAsync("captcha:1", expires));
        Assert.True(await store.TrySpendAsync("captcha:2", expires));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await store.TrySpendAsync("captcha:1", _clock.GetUtcNow().AddMinutes(1)));
    }

    [Fact]
    public async Task A_fixed_window_counter_counts_and_starts_over_when_its_window_ends()
    {
        var store = Store();

        Assert.Equal(1, await store.IncrementAsync("c", TimeSpan.FromMinutes(10)));
        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(2, await store.IncrementAsync("c", TimeSpan.FromMinutes(10)));
        Assert.Equal(2, await store.CountAsync("c"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await store.CountAsync("c"));
        Assert.Equal(1, await store.IncrementAsync("c", TimeSpan.FromMinutes(10)));

        await store.ResetAsync("c");
        Assert.Equal(0, await store.CountAsync("c"));
        Assert.Equal(0, await store.CountAsync("never"));
    }

    [Fact]
    public async Task A_counter_that_expires_from_its_last_increment_lives_while_it_keeps_counting()
    {
        var store = Store();

        for (var i = 0; i < 5; i++)
        {
            await store.IncrementAsync("quiet", TimeSpan.FromMinutes(10), CounterExpiry.FromLast);
            _clock.Advance(TimeSpan.FromMinutes(9));
        }
        Assert.Equal(5, await store.CountAsync("quiet"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await store.CountAsync("quiet"));
    }

    [Fact]
    public async Task A_sliding_window_refuses_past_its_limit_and_frees_each_hit_a_window_later()
    {
        var store = Store();
        var minute = TimeSpan.FromMinutes(1);

        Assert.Equal(new WindowHit(true, 1), await store.HitAsync("s", minute, 3));
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(new WindowHit(true, 2), await store.HitAsync("s", minute, 3));
        Assert.Equal(new WindowHit(true, 3), await store.HitAsync("s", minute, 3));
        // Refused with the wait until the first hit leaves the window (a permit frees then).
        Assert.Equal(new WindowHit(false, 3, TimeSpan.FromSeconds(30) + TimeSpan.FromTicks(1)), await store.HitAsync("s", minute, 3));

        // The first hit leaves the window a minute after it came, the other two half a minute later.
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(2, await store.HitsAsync("s", minute));
        Assert.Equal(new WindowHit(true, 3), await store.HitAsync("s", minute, 3));
        Assert.Equal(new WindowHit(false, 3, TimeSpan.FromSeconds(29) + TimeSpan.FromTicks(1)), await store.HitAsync("s", minute, 3));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await store.HitsAsync("s", minute));
    }

    [Fact]
    public async Task Past_its_cap_of_times_a_window_still_counts_every_hit_and_honours_a_higher_limit()
    {
        var store = Store(new MemoryLimitsOptions { MaxTimesPerWindow = 100 });
        var minute = TimeSpan.FromMinutes(1);

        for (var i = 1; i <= 150; i++)
        {
            Assert.Equal(new WindowHit(true, i), await store.HitAsync("flood", minute));
            Assert.Equal(new WindowHit(true, i), await store.HitAsync("limited", minute, 1_000));
            _clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        Assert.Equal(new WindowHit(false, 150, TimeSpan.FromSeconds(45) + TimeSpan.FromTicks(1)), await store.HitAsync("limited", minute, 150));

        // The first 99 hits kept their own times and leave one by one; the rest joined the 100th time and leave with it.
        _clock.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromMilliseconds(15_000 - 9_900));
        Assert.Equal(150 - 99, await store.HitsAsync("flood", minute));
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, await store.HitsAsync("flood", minute));
    }

    [Fact]
    public async Task Past_its_cap_of_members_a_window_forgets_the_longest_unseen()
    {
        var store = Store(new MemoryLimitsOptions { MaxMembersPerWindow = 3 });
        var window = TimeSpan.FromMinutes(5);

        foreach (var (member, distinct) in new[] { ("a", 1), ("b", 2), ("c", 3), ("d", 3), ("e", 3) })
        {
            Assert.Equal(new WindowMember(true, distinct), await store.AddMemberAsync("many", member, window));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        // a and b were forgotten (the longest unseen), c, d and e are remembered.
        Assert.Equal(new WindowMember(false, 3), await store.AddMemberAsync("many", "c", window));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new WindowMember(true, 3), await store.AddMemberAsync("many", "a", window));
    }

    [Fact]
    public async Task Distinct_members_are_counted_once_within_the_window_from_when_each_was_last_seen()
    {
        var store = Store();
        var window = TimeSpan.FromMinutes(5);

        Assert.Equal(new WindowMember(true, 1), await store.AddMemberAsync("id", "a", window));
        Assert.Equal(new WindowMember(false, 1), await store.AddMemberAsync("id", "a", window));
        Assert.Equal(new WindowMember(true, 2), await store.AddMemberAsync("id", "b", window));
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(new WindowMember(false, 2), await store.AddMemberAsync("id", "a", window));
        _clock.Advance(TimeSpan.FromMinutes(2));
        // b was last seen 6 minutes ago, a 2 minutes ago.
        Assert.Equal(new WindowMember(true, 2), await store.AddMemberAsync("id", "c", window));
        Assert.Equal(new WindowMember(true, 3), await store.AddMemberAsync("id", "b", window));
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(new WindowMember(true, 1), await store.AddMemberAsync("id", "a", window));
    }

    [Fact]
    public async Task A_lock_is_taken_once_until_it_expires_or_is_released()
    {
        var store = Store();

        Assert.True(await store.TryLockAsync("l", TimeSpan.FromSeconds(30)));
        Assert.False(await store.TryLockAsync("l", TimeSpan.FromMinutes(5)));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(20), await store.LockRemainingAsync("l"));
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.Zero, await store.LockRemainingAsync("l"));
        Assert.True(await store.TryLockAsync("l", TimeSpan.FromSeconds(30)));
        await store.ReleaseLockAsync("l");
        Assert.True(await store.TryLockAsync("l", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Slots_are_reserved_one_after_another_up_to_the_longest_wait()
    {
        var store = Store();
        var step = TimeSpan.FromSeconds(4);
        var max = TimeSpan.FromSeconds(8);

        Assert.Equal(TimeSpan.FromSeconds(4), await store.ReserveSlotAsync("q", step, max));
        Assert.Equal(TimeSpan.FromSeconds(8), await store.ReserveSlotAsync("q", step, max));
        Assert.Equal(TimeSpan.FromSeconds(12), await store.ReserveSlotAsync("q", step, max));
        Assert.Null(await store.ReserveSlotAsync("q", step, max));
        _clock.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal(TimeSpan.FromSeconds(4), await store.ReserveSlotAsync("q", step, max));
    }

    [Fact]
    public async Task Blocks_are_listed_with_their_reason_and_end_and_can_be_lifted()
    {
        var store = Store();
        var now = _clock.GetUtcNow();

        await store.BlockAsync("anomaly:block:x", TimeSpan.FromMinutes(15), "burst");
        await store.BlockAsync("anomaly:block:y", TimeSpan.FromMinutes(5), "provinces");
        await store.BlockAsync("lookup:lock:z", TimeSpan.FromMinutes(30), "wrong-names");
        // A shorter block never shortens a longer one.
        await store.BlockAsync("anomaly:block:x", TimeSpan.FromMinutes(1), "again");

        Assert.Equal(
            new[] { new LimitBlock("anomaly:block:y", "provinces", now.AddMinutes(5)), new LimitBlock("anomaly:block:x", "burst", now.AddMinutes(15)) },
            await store.ActiveBlocksAsync("anomaly:block:"));
        Assert.Equal(3, (await store.ActiveBlocksAsync()).Count);
        Assert.Equal(TimeSpan.FromMinutes(15), await store.BlockRemainingAsync("anomaly:block:x"));

        Assert.True(await store.LiftBlockAsync("anomaly:block:x"));
        Assert.False(await store.LiftBlockAsync("anomaly:block:x"));
        Assert.Equal(TimeSpan.Zero, await store.BlockRemainingAsync("anomaly:block:x"));

        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("lookup:lock:z", Assert.Single(await store.ActiveBlocksAsync()).Key);
        Assert.False(await store.LiftBlockAsync("anomaly:block:y"));
    }

    [Fact]
    public async Task Concurrent_callers_never_exceed_a_limit_spend_a_token_twice_or_lose_a_count()
    {
        var store = Store();
        const int callers = 8;
        var start = new Barrier(callers);
        var expires = _clock.GetUtcNow().AddMinutes(1);

        var results = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            var counted = 0;
            for (var i = 0; i < 500; i++)
            {
                if ((await store.HitAsync("limited", TimeSpan.FromMinutes(1), 1_000)).Counted) counted++;
                await store.IncrementAsync("counter", TimeSpan.FromMinutes(1));
                await store.AddMemberAsync("members", (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(1));
                // Sweeps run beside the callers as they would in the background; nothing live is lost.
                if (i % 100 == 0) Sweep(store);
            }
            var spent = await store.TrySpendAsync("token", expires) ? 1 : 0;
            var locked = await store.TryLockAsync("lock", TimeSpan.FromMinutes(1)) ? 1 : 0;
            return (counted, spent, locked);
        })));

        Assert.Equal(1_000, results.Sum(r => r.counted));
        Assert.Equal(1_000, await store.HitsAsync("limited", TimeSpan.FromMinutes(1)));
        Assert.Equal(callers * 500, await store.CountAsync("counter"));
        Assert.Equal(new WindowMember(false, 10), await store.AddMemberAsync("members", "0", TimeSpan.FromMinutes(1)));
        Assert.Equal(1, results.Sum(r => r.spent));
        Assert.Equal(1, results.Sum(r => r.locked));
    }

    [Fact]
    public async Task Concurrent_slot_reservations_queue_one_after_another()
    {
        var store = Store();
        var step = TimeSpan.FromSeconds(1);

        var waits = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ =>
            Task.Run(async () => await store.ReserveSlotAsync("q", step, TimeSpan.FromMinutes(1)))));

        Assert.Equal(Enumerable.Range(1, 32).Select(i => TimeSpan.FromSeconds(i)), waits.Select(w => w!.Value).Order());
    }
}

using ScorePortal.Platform.Limits;

namespace ScorePortal.Tests.Platform.Limits;

public sealed class MemoryLimitsStoreTests : LimitsStoreContract
{
    protected override ILimitsStore Store() => Store(null);

    private MemoryLimitsStore Store(MemoryLimitsOptions? options) => new(_clock, options);

    protected override void Sweep(ILimitsStore store) => ((MemoryLimitsStore)store).Sweep();

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
    public async Task A_token_is_spent_once_and_forgotten_after_it_expired()
    {
        var store = Store(null);
        var expires = _clock.GetUtcNow().AddMinutes(1);

        Assert.True(await store.TrySpendAsync("captcha:1", expires));
        Assert.False(await store.TrySpendAsync("captcha:1", expires));
        Assert.True(await store.TrySpendAsync("captcha:2", expires));

        _clock.Advance(TimeSpan.FromMinutes(1));
        store.Sweep();
        Assert.Equal(0, store.EntryCount);
    }

    [Fact]
    public async Task The_sweep_keeps_live_entries_and_removes_expired_ones()
    {
        var store = Store(null);
        await store.IncrementAsync("c", TimeSpan.FromMinutes(1));
        await store.HitAsync("h", TimeSpan.FromMinutes(1));
        await store.AddMemberAsync("m", "a", TimeSpan.FromMinutes(1));
        await store.AddMemberAsync("m", "b", TimeSpan.FromMinutes(1));
        await store.TryLockAsync("l", TimeSpan.FromMinutes(1));
        await store.BlockAsync("b", TimeSpan.FromMinutes(1), "r");
        await store.TrySpendAsync("t", _clock.GetUtcNow().AddMinutes(1));
        await store.IncrementAsync("long", TimeSpan.FromHours(1));

        store.Sweep();
        Assert.Equal(7, store.EntryCount);

        _clock.Advance(TimeSpan.FromMinutes(2));
        store.Sweep();
        Assert.Equal(1, store.EntryCount);
        Assert.Equal(1, await store.CountAsync("long"));
        // A swept counter starts afresh.
        Assert.Equal(1, await store.IncrementAsync("c", TimeSpan.FromMinutes(1)));
    }

}

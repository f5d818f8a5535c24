using ScorePortal.Platform.Limits;

namespace ScorePortal.Tests.Platform.Limits;

public sealed class MemoryLimitsStoreTests : LimitsStoreContract
{
    protected override ILimitsStore Store(MemoryLimitsOptions? options) => Memory(options);

    private MemoryLimitsStore Memory(MemoryLimitsOptions? options) => new(_clock, options);

    protected override void Sweep(ILimitsStore store) => ((MemoryLimitsStore)store).Sweep();

    [Fact]
    public async Task A_token_is_spent_once_and_forgotten_after_it_expired()
    {
        var store = Memory(null);
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
        var store = Memory(null);
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

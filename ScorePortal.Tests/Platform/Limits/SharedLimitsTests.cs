using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Platform.Limits;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Platform.Limits;

/// <summary>
/// Two instances (two stores, two connections) on one redis-server: what one spends, counts or blocks holds on the
/// other; Redis stopped, each falls back to its own memory and raises the alarm; Redis back, they share again.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SharedLimitsTests(RedisServer redis) : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 23, 1, 0, 0, TimeSpan.Zero));
    private readonly string _prefix = RedisServer.NewPrefix();
    private readonly List<IDisposable> _opened = [];

    private (RedisLimitsStore Store, RecordingAlarm Alarm) Instance()
    {
        var options = new RedisLimitsOptions { Configuration = redis.Configuration, KeyPrefix = _prefix };
        var connection = RedisLimitsStore.Connect(options);
        var alarm = new RecordingAlarm();
        var store = new RedisLimitsStore(connection, options, _clock, null, [alarm], NullLogger<RedisLimitsStore>.Instance);
        _opened.Add(store);
        _opened.Add(connection);
        return (store, alarm);
    }

    [Fact]
    public async Task A_token_spent_on_one_instance_is_refused_on_the_other()
    {
        var (a, _) = Instance();
        var (b, _) = Instance();
        var expires = _clock.GetUtcNow().AddMinutes(1);

        Assert.True(await a.TrySpendAsync("captcha:x", expires));
        Assert.False(await b.TrySpendAsync("captcha:x", expires));
        Assert.False(await a.TrySpendAsync("captcha:x", expires));
    }

    [Fact]
    public async Task A_limit_a_lock_and_a_block_count_across_both_instances()
    {
        var (a, _) = Instance();
        var (b, _) = Instance();
        var minute = TimeSpan.FromMinutes(1);

        Assert.True((await a.HitAsync("lookup:addr:198.51.100.7", minute, 3)).Counted);
        Assert.True((await b.HitAsync("lookup:addr:198.51.100.7", minute, 3)).Counted);
        Assert.True((await a.HitAsync("lookup:addr:198.51.100.7", minute, 3)).Counted);
        Assert.Equal(new WindowHit(false, 3, minute + TimeSpan.FromTicks(1)), await b.HitAsync("lookup:addr:198.51.100.7", minute, 3));

        Assert.Equal(1, await a.IncrementAsync("lookup:wrong:k", minute));
        Assert.Equal(2, await b.IncrementAsync("lookup:wrong:k", minute));
        Assert.True(await a.TryLockAsync("lookup:lock:k", minute));
        Assert.False(await b.TryLockAsync("lookup:lock:k", minute));
        Assert.Equal(new WindowMember(true, 1), await a.AddMemberAsync("anomaly:ids:k", "one", minute));
        Assert.Equal(new WindowMember(true, 2), await b.AddMemberAsync("anomaly:ids:k", "two", minute));
        Assert.Equal(new WindowMember(false, 2), await a.AddMemberAsync("anomaly:ids:k", "two", minute));

        await a.BlockAsync("anomaly:block:k", TimeSpan.FromMinutes(15), "burst");
        Assert.Equal(TimeSpan.FromMinutes(15), await b.BlockRemainingAsync("anomaly:block:k"));
        Assert.Equal("burst", Assert.Single(await b.ActiveBlocksAsync("anomaly:block:")).Reason);
        Assert.True(await b.LiftBlockAsync("anomaly:block:k"));
        Assert.Equal(TimeSpan.Zero, await a.BlockRemainingAsync("anomaly:block:k"));
    }

    [Fact]
    public async Task Redis_stopped_each_instance_counts_alone_and_raises_the_alarm_and_shares_again_when_it_is_back()
    {
        var (a, alarmA) = Instance();
        var (b, _) = Instance();
        var expires = _clock.GetUtcNow().AddMinutes(1);
        Assert.True(await a.TrySpendAsync("captcha:before", expires));

        await redis.StopAsync();
        try
        {
            // The first operation that cannot reach Redis is answered from memory, and the instance stays there.
            Assert.Equal(1, await a.IncrementAsync("c", TimeSpan.FromMinutes(1)));
            Assert.False(a.IsShared);
            Assert.Equal(("lost", 1), await alarmA.WaitForAsync("lost"));
            Assert.Equal(2, await a.IncrementAsync("c", TimeSpan.FromMinutes(1)));
            // One instance never accepts a token twice: the one spent while shared, nor one spent during the outage.
            Assert.False(await a.TrySpendAsync("captcha:before", expires));
            Assert.True(await a.TrySpendAsync("captcha:during", expires));
            Assert.False(await a.TrySpendAsync("captcha:during", expires));
            await a.BlockAsync("anomaly:block:during", TimeSpan.FromMinutes(15), "burst");
            Assert.Equal(TimeSpan.FromMinutes(15), await a.BlockRemainingAsync("anomaly:block:during"));
            Assert.False(await a.ProbeAsync());
        }
        finally
        {
            await redis.StartAsync();
        }

        Assert.True(await RejoinAsync(a));
        Assert.True(a.IsShared);
        Assert.Equal(("restored", 1), await alarmA.WaitForAsync("restored"));
        // What A spent and blocked alone was written to Redis on recovery: B sees it.
        Assert.True(await RejoinAsync(b));
        Assert.False(await b.TrySpendAsync("captcha:during", expires));
        Assert.Equal(TimeSpan.FromMinutes(15), await b.BlockRemainingAsync("anomaly:block:during"));
        // And the two count together again.
        Assert.True(await b.TrySpendAsync("captcha:after", expires));
        Assert.False(await a.TrySpendAsync("captcha:after", expires));
    }

    /// <summary>
    /// The client reconnects on its own heartbeat after Redis is back; until then a probe finds no connection. Probes
    /// until one succeeds (bounded), as the store's timer does.
    /// </summary>
    internal static async Task<bool> RejoinAsync(RedisLimitsStore store)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await store.ProbeAsync()) return true;
            await Task.Delay(50);
        }
        return false;
    }

    public void Dispose()
    {
        foreach (var opened in _opened) opened.Dispose();
    }

    private sealed class RecordingAlarm : ILimitsStoreAlarm
    {
        private readonly List<string> _raised = [];

        public Task SharedStoreLostAsync(string instance, string reason)
        {
            lock (_raised) _raised.Add("lost");
            return Task.CompletedTask;
        }

        public Task SharedStoreRestoredAsync(string instance, TimeSpan outage)
        {
            lock (_raised) _raised.Add("restored");
            return Task.CompletedTask;
        }

        /// <summary>The alarm is raised beside the request, not on it: wait (bounded) until it was.</summary>
        public async Task<(string, int)> WaitForAsync(string what)
        {
            for (var i = 0; i < 200; i++)
            {
                lock (_raised)
                    if (_raised.Contains(what)) return (what, _raised.Count(r => r == what));
                await Task.Delay(25);
            }
            return (what, 0);
        }
    }
}

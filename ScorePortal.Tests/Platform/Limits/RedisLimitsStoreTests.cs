using Microsoft.Extensions.Logging.Abstractions;
using ScorePortal.Platform.Limits;
using ScorePortal.Tests.Infrastructure;
using StackExchange.Redis;

namespace ScorePortal.Tests.Platform.Limits;

/// <summary>The limits store contract against a real redis-server: the shared store answers as the memory store does.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisLimitsStoreTests(RedisServer redis) : LimitsStoreContract, IDisposable
{
    private readonly List<IDisposable> _opened = [];

    protected override ILimitsStore Store(MemoryLimitsOptions? caps) => Open(caps).Store;

    private (RedisLimitsStore Store, IDatabase Db, string Prefix) Open(MemoryLimitsOptions? caps)
    {
        var options = new RedisLimitsOptions { Configuration = redis.Configuration, KeyPrefix = RedisServer.NewPrefix() };
        var connection = RedisLimitsStore.Connect(options);
        var store = new RedisLimitsStore(connection, options, _clock, caps, [], NullLogger<RedisLimitsStore>.Instance);
        _opened.Add(store);
        _opened.Add(connection);
        Assert.True(store.IsShared);
        return (store, connection.GetDatabase(), options.KeyPrefix);
    }

    [Fact]
    public async Task A_flooded_window_and_a_flood_of_members_stay_within_their_caps_in_redis()
    {
        var (store, db, prefix) = Open(new MemoryLimitsOptions { MaxTimesPerWindow = 50, MaxMembersPerWindow = 20 });
        var hour = TimeSpan.FromHours(1);

        // An attacker hitting an unlimited anomaly window, and one making up a new member each time.
        for (var i = 1; i <= 500; i++)
        {
            Assert.Equal(i, (await store.HitAsync("anomaly:flood", hour)).Count);
            await store.AddMemberAsync("anomaly:members", "m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), hour);
            _clock.Advance(TimeSpan.FromMilliseconds(3));
        }

        Assert.Equal(500, await store.HitsAsync("anomaly:flood", hour));
        // 50 times (the last one standing for 451 hits) and the member counting the joined hits.
        Assert.Equal(51, await db.SortedSetLengthAsync(prefix + "h:anomaly:flood"));
        Assert.Equal(20, await db.SortedSetLengthAsync(prefix + "m:anomaly:members"));
        Assert.Equal(new WindowMember(false, 20), await store.AddMemberAsync("anomaly:members", "m500", hour));

        // The window still empties as its hits age out, and so does the key.
        _clock.Advance(hour);
        Assert.Equal(0, await store.HitsAsync("anomaly:flood", hour));
        Assert.False(await db.KeyExistsAsync(prefix + "h:anomaly:flood"));
    }

    [Fact]
    public async Task Its_state_lives_in_redis_under_its_prefix_and_ends_there_too()
    {
        var options = new RedisLimitsOptions { Configuration = redis.Configuration, KeyPrefix = RedisServer.NewPrefix() };
        using var connection = RedisLimitsStore.Connect(options);
        using var store = new RedisLimitsStore(connection, options, _clock, null, [], NullLogger<RedisLimitsStore>.Instance);

        await store.IncrementAsync("c", TimeSpan.FromMinutes(1));
        await store.HitAsync("h", TimeSpan.FromMinutes(1));
        await store.TrySpendAsync("t", _clock.GetUtcNow().AddMinutes(1));
        await store.BlockAsync("b", TimeSpan.FromMinutes(1), "r");

        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var keys = server.Keys(pattern: options.KeyPrefix + "*").Select(k => k.ToString()).Order().ToList();
        Assert.Equal(new[] { "blocks", "c:c", "h:h", "s:t" }.Select(k => options.KeyPrefix + k), keys);
        // Redis forgets each entry on its own a second after it ended (real time; the answers use the portal's clock).
        var ttl = await connection.GetDatabase().KeyTimeToLiveAsync(options.KeyPrefix + "s:t");
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61));
    }

    public void Dispose()
    {
        foreach (var opened in _opened) opened.Dispose();
    }
}

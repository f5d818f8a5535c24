using Microsoft.Extensions.Logging.Abstractions;
using ScorePortal.Platform.Limits;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Platform.Limits;

/// <summary>The limits store contract against a real redis-server: the shared store answers as the memory store does.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisLimitsStoreTests(RedisServer redis) : LimitsStoreContract, IDisposable
{
    private readonly List<IDisposable> _opened = [];

    protected override ILimitsStore Store()
    {
        var options = new RedisLimitsOptions { Configuration = redis.Configuration, KeyPrefix = RedisServer.NewPrefix() };
        var connection = RedisLimitsStore.Connect(options);
        var store = new RedisLimitsStore(connection, options, _clock, null, [], NullLogger<RedisLimitsStore>.Instance);
        _opened.Add(store);
        _opened.Add(connection);
        Assert.True(store.IsShared);
        return store;
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

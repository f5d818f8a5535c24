using Microsoft.Extensions.Options;
using ScorePortal.Platform.Leases;
using ScorePortal.Platform.Limits;
using ScorePortal.Tests.Infrastructure;
using StackExchange.Redis;

namespace ScorePortal.Tests.Platform.Leases;

/// <summary>
/// The lease seam on its own: in process for one instance, and in a real redis-server for two (each with its own
/// connection, as two instances have), including Redis stopped while a lease is held.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class LeasesTests(RedisServer redis)
{
    [Fact]
    public async Task In_process_a_held_lease_is_refused_until_its_holder_lets_go()
    {
        var leases = new MemoryLeases();
        Assert.False(leases.Shared);
        var held = await leases.TryAcquireAsync("job", TimeSpan.Zero);
        Assert.NotNull(held);
        Assert.Null(await leases.TryAcquireAsync("job", TimeSpan.Zero));
        // Another name is another lease.
        await using (var other = await leases.TryAcquireAsync("other", TimeSpan.Zero)) Assert.NotNull(other);

        await held.DisposeAsync();
        await held.DisposeAsync(); // twice is once
        await using var again = await leases.TryAcquireAsync("job", TimeSpan.Zero);
        Assert.NotNull(again);
        Assert.False(again.Lost.CanBeCanceled);
        Assert.Null(await leases.TryAcquireAsync("job", TimeSpan.Zero));
    }

    [Fact]
    public async Task In_redis_a_lease_held_by_one_instance_is_refused_to_the_other_until_released()
    {
        var prefix = RedisServer.NewPrefix();
        using var connectionA = Connect(prefix);
        using var connectionB = Connect(prefix);
        var a = Leases(connectionA, prefix);
        var b = Leases(connectionB, prefix);
        Assert.True(a.Shared);

        var held = await a.TryAcquireAsync("batches:publisher", TimeSpan.Zero);
        Assert.NotNull(held);
        Assert.Null(await b.TryAcquireAsync("batches:publisher", TimeSpan.Zero));
        Assert.True(await connectionA.GetDatabase().KeyExistsAsync(prefix + "lease:batches:publisher"));
        // Another prefix (another portal on the same Redis) has its own leases.
        await using (var elsewhere = await Leases(connectionB, RedisServer.NewPrefix()).TryAcquireAsync("batches:publisher", TimeSpan.Zero))
            Assert.NotNull(elsewhere);

        // A waiter gets it as soon as the holder lets go.
        var waiting = b.TryAcquireAsync("batches:publisher", TimeSpan.FromSeconds(20));
        await held.DisposeAsync();
        await using var taken = await waiting;
        Assert.NotNull(taken);
        Assert.Null(await a.TryAcquireAsync("batches:publisher", TimeSpan.Zero));
    }

    [Fact]
    public async Task With_redis_stopped_no_lease_can_be_taken_and_a_held_one_is_reported_lost()
    {
        var prefix = RedisServer.NewPrefix();
        using var connection = Connect(prefix);
        var leases = Leases(connection, prefix, expiry: TimeSpan.FromSeconds(1));
        var held = await leases.TryAcquireAsync("audit:archive", TimeSpan.Zero);
        Assert.NotNull(held);
        var lost = held.Lost;
        Assert.False(lost.IsCancellationRequested);

        await redis.StopAsync();
        try
        {
            var refused = await Assert.ThrowsAsync<LeaseUnavailableException>(() => leases.TryAcquireAsync("audit:chain", TimeSpan.Zero));
            Assert.Equal("audit:chain", refused.Name);
            // The holder cannot extend it any more: it learns so within about the expiry (bounded wait, no sleep).
            var signal = new TaskCompletionSource();
            using var registration = lost.Register(() => signal.TrySetResult());
            await signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await held.DisposeAsync(); // releasing against a stopped Redis is quiet
        }
        finally
        {
            await redis.StartAsync();
        }
        // Redis back (empty, as after a crash without persistence): the lease can be taken again.
        Assert.True(await WaitConnectedAsync(connection));
        await using var again = await leases.TryAcquireAsync("audit:archive", TimeSpan.FromSeconds(10));
        Assert.NotNull(again);
    }

    private IConnectionMultiplexer Connect(string prefix) =>
        RedisLimitsStore.Connect(new RedisLimitsOptions { Configuration = redis.Configuration, KeyPrefix = prefix });

    private static RedisLeases Leases(IConnectionMultiplexer connection, string prefix, TimeSpan? expiry = null) =>
        new(connection, Options.Create(new RedisLimitsOptions { KeyPrefix = prefix }),
            Options.Create(new LeaseOptions { Expiry = expiry ?? TimeSpan.FromSeconds(30) }));

    /// <summary>The connection reconnects by itself after an outage; waits (bounded) until it has.</summary>
    internal static async Task<bool> WaitConnectedAsync(IConnectionMultiplexer connection)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await connection.GetDatabase().PingAsync();
                return true;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                await Task.Delay(100);
            }
        }
        return false;
    }
}

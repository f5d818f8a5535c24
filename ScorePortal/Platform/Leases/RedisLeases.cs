using Medallion.Threading.Redis;
using Microsoft.Extensions.Options;
using ScorePortal.Platform.Limits;
using StackExchange.Redis;

namespace ScorePortal.Platform.Leases;

/// <summary>
/// Leases shared by every instance on one Redis (<c>DistributedLock.Redis</c>: a key set only when absent, with an
/// expiry the holder keeps extending), on the instance's one <see cref="IConnectionMultiplexer"/>, under
/// <see cref="RedisLimitsOptions.KeyPrefix"/><c>lease:</c>. An instance that dies holding a lease frees it after
/// <see cref="LeaseOptions.Expiry"/>. While Redis is down nothing can be asked: <see cref="LeaseUnavailableException"/>.
/// </summary>
public sealed class RedisLeases(IConnectionMultiplexer redis, IOptions<RedisLimitsOptions> redisOptions, IOptions<LeaseOptions> options)
    : ILeases
{
    public bool Shared => true;

    /// <summary>The Redis key of a lease.</summary>
    public string KeyOf(string name) => redisOptions.Value.KeyPrefix + "lease:" + name;

    public async Task<ILease?> TryAcquireAsync(string name, TimeSpan wait, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var expiry = options.Value.Expiry;
        var @lock = new RedisDistributedLock(KeyOf(name), redis.GetDatabase(), o => o
            .Expiry(expiry)
            // A waiter (the audit chain's next batch) notices within milliseconds that the holder let go.
            .BusyWaitSleepTime(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(20)));
        RedisDistributedLockHandle? handle;
        try
        {
            handle = await @lock.TryAcquireAsync(wait, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The multiplexer fails fast while disconnected (RedisLimitsStore.Connect): a connection or timeout error.
            throw new LeaseUnavailableException(name, ex);
        }
        return handle is null ? null : new Lease(name, handle);
    }

    private sealed class Lease(string name, RedisDistributedLockHandle handle) : ILease
    {
        public string Name => name;

        // Reading it starts the handle's watch (an extension failure cancels it); holders that never ask pay nothing.
        public CancellationToken Lost => handle.HandleLostToken;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await handle.DisposeAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or AggregateException)
            {
                // Redis went away while the lease was held (the release reports it wrapped): its key expires by itself.
            }
        }
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Hybrid;
using ScorePortal.Platform.Limits;
using StackExchange.Redis;

namespace ScorePortal.Platform.Caching;

/// <summary>
/// The portal's <see cref="HybridCache"/> when several instances share one Redis (<c>Redis:Configuration</c>): every
/// entry stays in this instance's memory (the framework's cache, <see cref="Local"/>), and every removal — a key or a
/// tag, e.g. <c>ResultCatalog.InvalidateAsync</c> after a catalog edit, <c>ResultCaches.AfterResultsChangedAsync</c>
/// after a publication — is also published on one Redis channel (<c>&lt;KeyPrefix&gt;cache</c>, on the instance's one
/// <see cref="IConnectionMultiplexer"/>), so every other instance removes the same key or tag from its memory within
/// milliseconds. Callers do not change: they remove from <see cref="HybridCache"/> as a single instance does.
/// <para>
/// <b>Redis down.</b> Pub/sub keeps no message for an instance that is not listening, so while this instance cannot
/// publish or hear the channel (a connection failed, a publish failed, or the probe's own message did not come back
/// within <see cref="RedisLimitsOptions.OperationTimeout"/>) it goes on alone: it clears its memory once, every entry
/// it creates lives at most <see cref="SharedCacheOptions.ExpiryWhileAlone"/> (so it converges on the database by
/// itself), <see cref="IsShared"/> is false (the "caches" health check), and an error is logged. Every
/// <see cref="RedisLimitsOptions.ReconnectInterval"/>, and when the client reconnects, a probe publishes a message
/// to the channel and waits for it to come back; when it does, the instance clears its memory once more (it missed
/// what others published) and publishes a removal of everything, so the other instances drop what it could not tell
/// them meanwhile.
/// </para>
/// </summary>
public sealed class SharedHybridCache : HybridCache, IDisposable
{
    /// <summary>HybridCache's tag for "every entry".</summary>
    public const string AllTag = "*";

    private const char Separator = '\n';

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;
    private readonly RedisLimitsOptions _redisOptions;
    private readonly SharedCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private readonly Action<RedisChannel, RedisValue> _handler;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _echoes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _probing = new(1, 1);
    private readonly ITimer _probeTimer;
    private int _down;
    private int _subscribed;
    private long _downSince;
    private int _disposed;

    public SharedHybridCache(HybridCache local, IConnectionMultiplexer redis, RedisLimitsOptions redisOptions, SharedCacheOptions options,
        TimeProvider time, ILogger<SharedHybridCache> logger)
    {
        Local = local;
        _redis = redis;
        _redisOptions = redisOptions;
        _options = options;
        _time = time;
        _logger = logger;
        _channel = RedisChannel.Literal(redisOptions.KeyPrefix + "cache");
        _handler = (_, message) => Receive(message);
        _redis.ConnectionFailed += (_, e) => MarkDown(e.Exception?.Message ?? e.FailureType.ToString());
        _redis.ConnectionRestored += (_, _) => _ = ProbeAsync();
        _probeTimer = TimeProvider.System.CreateTimer(static s => _ = ((SharedHybridCache)s!).ProbeAsync(), this,
            redisOptions.ReconnectInterval, redisOptions.ReconnectInterval);
        // Alone until the first probe hears its own message back (at once when Redis answers at start).
        _down = 1;
        _downSince = time.GetTimestamp();
        _ = StartAsync();
    }

    /// <summary>This instance's own memory cache, which the shared one fills and clears.</summary>
    public HybridCache Local { get; }

    /// <summary>Whether removals reach the other instances right now (false: this instance caches alone, briefly).</summary>
    public bool IsShared => Volatile.Read(ref _down) == 0;

    private async Task StartAsync()
    {
        if (!await ProbeAsync())
            _logger.LogError("Redis is unreachable at start; this instance caches alone (entries live at most {Expiry}) until it answers",
                _options.ExpiryWhileAlone);
    }

    public override ValueTask<T> GetOrCreateAsync<TState, T>(string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default) =>
        Local.GetOrCreateAsync(key, state, factory, Entry(options), tags, cancellationToken);

    public override ValueTask SetAsync<T>(string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null,
        CancellationToken cancellationToken = default) =>
        Local.SetAsync(key, value, Entry(options), tags, cancellationToken);

    public override async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        await Local.RemoveAsync(key, cancellationToken);
        await PublishAsync('k', key);
    }

    public override async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        await Local.RemoveByTagAsync(tag, cancellationToken);
        await PublishAsync('t', tag);
    }

    /// <summary>Entry options as asked while shared; while alone, no entry outlives <see cref="SharedCacheOptions.ExpiryWhileAlone"/>.</summary>
    private HybridCacheEntryOptions? Entry(HybridCacheEntryOptions? options)
    {
        if (IsShared) return options;
        var alone = _options.ExpiryWhileAlone;
        return new HybridCacheEntryOptions
        {
            Expiration = Min(options?.Expiration, alone),
            LocalCacheExpiration = Min(options?.LocalCacheExpiration ?? options?.Expiration, alone),
            Flags = options?.Flags,
        };
    }

    private static TimeSpan Min(TimeSpan? asked, TimeSpan alone) => asked is { } a && a < alone ? a : alone;

    // Messages: "<origin>\n<kind>\n<name>", kind k (a key), t (a tag) or p (a probe, name = its nonce).

    private async ValueTask PublishAsync(char kind, string name)
    {
        if (!IsShared) return;
        try
        {
            await _redis.GetSubscriber().PublishAsync(_channel, Message(kind, name));
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            MarkDown(ex.Message);
        }
    }

    private string Message(char kind, string name) => string.Concat(_origin, Separator.ToString(), kind.ToString(), Separator.ToString(), name);

    private void Receive(RedisValue message)
    {
        var text = (string?)message;
        if (text is null) return;
        var parts = text.Split(Separator, 3);
        if (parts.Length != 3 || parts[1].Length != 1) return;
        var (origin, kind, name) = (parts[0], parts[1][0], parts[2]);
        if (origin == _origin)
        {
            if (kind == 'p' && _echoes.TryRemove(name, out var echo)) echo.TrySetResult();
            return;
        }
        // Removals are cheap and never throw for an unknown key or tag; run them off the client's reader.
        _ = kind switch
        {
            't' => Local.RemoveByTagAsync(name).AsTask(),
            'k' => Local.RemoveAsync(name).AsTask(),
            _ => Task.CompletedTask,
        };
    }

    private void MarkDown(string reason)
    {
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.CompareExchange(ref _down, 1, 0) != 0) return;
        Volatile.Write(ref _downSince, _time.GetTimestamp());
        _logger.LogError("Redis is unreachable ({Reason}); this instance caches alone (entries live at most {Expiry}) until it answers again",
            reason, _options.ExpiryWhileAlone);
        // An entry cached before now may have missed a removal published by another instance.
        _ = Local.RemoveByTagAsync(AllTag).AsTask();
    }

    /// <summary>
    /// Publishes a probe and waits for it to come back on the channel; when it does and the instance was alone, it shares
    /// again. Runs at start, on a timer and when the client reconnects; tests call it directly.
    /// </summary>
    public async Task<bool> ProbeAsync()
    {
        if (IsShared) return true;
        if (Volatile.Read(ref _disposed) != 0 || !await _probing.WaitAsync(0)) return false;
        var nonce = Guid.NewGuid().ToString("N");
        try
        {
            if (IsShared) return true;
            var echo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _echoes[nonce] = echo;
            var subscriber = _redis.GetSubscriber();
            if (Volatile.Read(ref _subscribed) == 0)
            {
                // Once subscribed, the client renews the subscription after every reconnect by itself.
                await subscriber.SubscribeAsync(_channel, _handler);
                Volatile.Write(ref _subscribed, 1);
            }
            await subscriber.PublishAsync(_channel, Message('p', nonce));
            await echo.Task.WaitAsync(_redisOptions.OperationTimeout);

            // Everything cached alone may be stale, here and (for what this instance changed) on the others.
            await Local.RemoveByTagAsync(AllTag);
            await subscriber.PublishAsync(_channel, Message('t', AllTag));
            var outage = _time.GetElapsedTime(Volatile.Read(ref _downSince));
            Volatile.Write(ref _down, 0);
            _logger.LogWarning("Redis answers again; this instance shares cache removals after {Outage} alone", outage);
            return true;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            return false;
        }
        finally
        {
            _echoes.TryRemove(nonce, out _);
            _probing.Release();
        }
    }

    private static bool IsOutage(Exception ex) =>
        ex is RedisConnectionException or RedisTimeoutException or TimeoutException or ObjectDisposedException or RedisServerException;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _probeTimer.Dispose();
        try
        {
            _redis.GetSubscriber().Unsubscribe(_channel, _handler, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or RedisConnectionException)
        {
            // The connection went first, or is down: the subscription ends with it.
        }
        (Local as IDisposable)?.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;

namespace ScorePortal.Platform.Limits;

/// <summary>
/// <see cref="ILimitsStore"/> shared by every instance through Redis (<see cref="RedisLimitsOptions"/>): each operation
/// is one Lua script on one key, so it is atomic across instances as the memory store's lock per key is within one.
/// <para>
/// <b>Time.</b> Entries carry their own end, in ticks of the portal's <see cref="TimeProvider"/> since 2020 (exact in
/// Lua's doubles until 2048), and the scripts compare them with the caller's now: the store answers as the memory
/// store does, to the tick. Redis's own expiry (real time, a second of slack) only removes what ended.
/// </para>
/// <para>
/// <b>Redis down.</b> An operation that cannot reach Redis (connection lost, <see cref="RedisLimitsOptions.OperationTimeout"/>
/// passed) is answered by this instance's <see cref="MemoryLimitsStore"/>, and so is every one after it until a probe
/// (every <see cref="RedisLimitsOptions.ReconnectInterval"/>, and when the client reconnects) reaches Redis again; losing
/// and regaining it raise <see cref="ILimitsStoreAlarm"/> and flip <see cref="IsShared"/> (the "limits" health check).
/// On recovery the blocks placed and tokens spent meanwhile are written to Redis, so they hold on every instance.
/// A token is always marked spent in memory too, before Redis is asked: whatever Redis does, one instance never
/// accepts a token twice.
/// </para>
/// </summary>
public sealed class RedisLimitsStore : ILimitsStore, IDisposable
{
    private static readonly long Epoch = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private const long TicksPerMs = TimeSpan.TicksPerMillisecond;

    // Every number that goes back into Redis is formatted with %.0f: Lua's default %.14g would round a tick count.
    private const string Lib = "local function s(n) return string.format('%.0f', n) end ";

    private const string IncrementScript = Lib + """
        local now = tonumber(ARGV[1]) local win = tonumber(ARGV[2])
        local e = tonumber(redis.call('HGET', KEYS[1], 'e') or '0')
        local v
        if e <= now then
          v = 1 e = now + win
          redis.call('HSET', KEYS[1], 'v', '1', 'e', s(e))
        else
          v = redis.call('HINCRBY', KEYS[1], 'v', 1)
          if ARGV[3] == '1' then e = now + win redis.call('HSET', KEYS[1], 'e', s(e)) end
        end
        redis.call('PEXPIRE', KEYS[1], s(math.floor((e - now) / 10000) + 1000))
        return v
        """;

    private const string CountScript = """
        local r = redis.call('HMGET', KEYS[1], 'v', 'e')
        if not r[2] or tonumber(r[2]) <= tonumber(ARGV[1]) then return 0 end
        return tonumber(r[1])
        """;

    // A sliding window is a sorted set of hit times (member = a unique hit id, score = its time), capped like the memory
    // store's (MaxTimesPerWindow): past the cap a hit joins the newest time instead of adding one (its member renamed
    // "<id>*<weight>"), and the hits so joined are counted by the member "#" whose score is minus their number: below
    // every time, so trimming by time never touches it. Count = entries + joined hits; a key holds at most cap + 1
    // members however fast it is hit (an unlimited anomaly window included).
    private const string Window = Lib + """
        local function trim(k, since)
          local x = redis.call('ZSCORE', k, '#')
          local extra = 0
          if x then
            extra = -tonumber(x)
            local gone = redis.call('ZRANGEBYSCORE', k, 0, '(' .. s(since))
            for i = 1, #gone do
              local w = string.match(gone[i], '%*(%d+)$')
              if w then extra = extra - (tonumber(w) - 1) end
            end
          end
          redis.call('ZREMRANGEBYSCORE', k, 0, '(' .. s(since))
          if x then
            if extra > 0 then redis.call('ZADD', k, s(-extra), '#') else redis.call('ZREM', k, '#') extra = 0 end
          end
          local entries = redis.call('ZCARD', k)
          if extra > 0 then entries = entries - 1 end
          return entries, extra
        end
        """;

    private const string HitScript = Window + "\n" + """
        local now = tonumber(ARGV[1]) local win = tonumber(ARGV[2]) local limit = tonumber(ARGV[3]) local cap = tonumber(ARGV[5])
        local entries, extra = trim(KEYS[1], now - win)
        local n = entries + extra
        if n >= limit then
          if n == 0 then return {0, 0, win} end
          local oldest = tonumber(redis.call('ZRANGEBYSCORE', KEYS[1], 0, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)[2])
          return {0, n, math.max(1, oldest + win + 1 - now)}
        end
        if entries >= cap then
          local last = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', 0, 'WITHSCORES', 'LIMIT', 0, 1)
          local w = tonumber(string.match(last[1], '%*(%d+)$') or '1')
          redis.call('ZREM', KEYS[1], last[1])
          redis.call('ZADD', KEYS[1], last[2], string.match(last[1], '^[^*]*') .. '*' .. (w + 1))
          redis.call('ZADD', KEYS[1], s(-(extra + 1)), '#')
        else
          redis.call('ZADD', KEYS[1], s(now), ARGV[4])
        end
        redis.call('PEXPIRE', KEYS[1], s(math.floor(win / 10000) + 1000))
        return {1, n + 1, 0}
        """;

    private const string HitsScript = Window + "\n" + """
        local entries, extra = trim(KEYS[1], tonumber(ARGV[1]) - tonumber(ARGV[2]))
        return entries + extra
        """;

    private const string MemberScript = Lib + """
        local now = tonumber(ARGV[1]) local win = tonumber(ARGV[2]) local cap = tonumber(ARGV[3])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. s(now - win))
        local old = redis.call('ZSCORE', KEYS[1], ARGV[4])
        redis.call('ZADD', KEYS[1], s(now), ARGV[4])
        local n = redis.call('ZCARD', KEYS[1])
        if n > cap then redis.call('ZPOPMIN', KEYS[1], n - cap) n = cap end
        redis.call('PEXPIRE', KEYS[1], s(math.floor(win / 10000) + 1000))
        if old then return {0, n} end
        return {1, n}
        """;

    // A lock and a spent token: the value is when it ends; taken when absent or ended.
    private const string TakeScript = """
        local u = tonumber(redis.call('GET', KEYS[1]) or '0')
        if u > tonumber(ARGV[1]) then return 0 end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1
        """;

    private const string ReserveScript = Lib + """
        local now = tonumber(ARGV[1]) local spacing = tonumber(ARGV[2])
        local u = tonumber(redis.call('GET', KEYS[1]) or '0')
        local slot = now
        if u > now then slot = u end
        local wait = slot - now
        if wait > tonumber(ARGV[3]) then return -1 end
        redis.call('SET', KEYS[1], s(slot + spacing), 'PX', s(math.floor((wait + spacing) / 10000) + 1000))
        return wait + spacing
        """;

    // Blocks live in one hash (field = key, value = "end|reason"), so the admin list is one read.
    private const string BlockScript = """
        local cur = redis.call('HGET', KEYS[1], ARGV[1])
        if cur and tonumber(string.match(cur, '^(%d+)')) >= tonumber(ARGV[2]) then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
        return 1
        """;

    private const string ActiveBlocksScript = """
        local all = redis.call('HGETALL', KEYS[1])
        local now = tonumber(ARGV[1])
        local out = {}
        for i = 1, #all, 2 do
          if tonumber(string.match(all[i + 1], '^(%d+)')) <= now then redis.call('HDEL', KEYS[1], all[i])
          else out[#out + 1] = all[i] out[#out + 1] = all[i + 1] end
        end
        return out
        """;

    private const string LiftScript = """
        local cur = redis.call('HGET', KEYS[1], ARGV[1])
        if not cur then return 0 end
        redis.call('HDEL', KEYS[1], ARGV[1])
        if tonumber(string.match(cur, '^(%d+)')) > tonumber(ARGV[2]) then return 1 end
        return 0
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisLimitsOptions _options;
    private readonly MemoryLimitsOptions _memoryOptions;
    private readonly TimeProvider _time;
    private readonly MemoryLimitsStore _local;
    private readonly IReadOnlyList<ILimitsStoreAlarm> _alarms;
    private readonly ILogger _logger;
    private readonly string _instance = Environment.MachineName + ":" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    private readonly string _hitPrefix = Guid.NewGuid().ToString("N")[..12] + ":";
    private readonly RedisKey _blocks;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _spentWhileDown = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _probing = new(1, 1);
    private readonly ITimer _probeTimer;
    private readonly bool _ownsConnection;
    private long _hitSequence;
    private int _disposed;
    private int _down;
    private long _downSince;

    public RedisLimitsStore(IConnectionMultiplexer redis, RedisLimitsOptions options, TimeProvider time, MemoryLimitsOptions? memoryOptions,
        IEnumerable<ILimitsStoreAlarm> alarms, ILogger<RedisLimitsStore> logger, bool ownsConnection = false)
    {
        _redis = redis;
        _ownsConnection = ownsConnection;
        _options = options;
        _time = time;
        _memoryOptions = memoryOptions ?? new();
        _local = new MemoryLimitsStore(time, _memoryOptions);
        _alarms = alarms.ToList();
        _logger = logger;
        _blocks = options.KeyPrefix + "blocks";
        _redis.ConnectionFailed += (_, e) => MarkDown(e.Exception?.Message ?? e.FailureType.ToString());
        _redis.ConnectionRestored += (_, _) => _ = ProbeAsync();
        _probeTimer = TimeProvider.System.CreateTimer(static s => _ = ((RedisLimitsStore)s!).ProbeAsync(), this,
            options.ReconnectInterval, options.ReconnectInterval);
        if (!_redis.IsConnected) MarkDown("not connected at start");
    }

    /// <summary>
    /// Connects without failing when Redis is not there yet (the instance starts on its own memory and joins when Redis
    /// answers); commands fail at once while disconnected instead of queueing, so a request never waits for a reconnect.
    /// </summary>
    public static ConnectionMultiplexer Connect(RedisLimitsOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.AsyncTimeout = configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.ClientName ??= "scoreportal";
        return ConnectionMultiplexer.Connect(configuration);
    }

    /// <summary>Whether the state is shared right now (false: this instance counts alone until Redis answers again).</summary>
    public bool IsShared => Volatile.Read(ref _down) == 0;

    /// <summary>This instance's name in alerts and logs.</summary>
    public string Instance => _instance;

    private IDatabase Db => _redis.GetDatabase();

    private long Now() => _time.GetUtcNow().UtcTicks - Epoch;

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Redis's own expiry, in real milliseconds: the entry's remaining life plus a second.</summary>
    private static string Ttl(long ticks) => N(Math.Max(0, ticks) / TicksPerMs + 1000);

    private RedisKey Key(string kind, string key) => _options.KeyPrefix + kind + key;

    private async ValueTask<T> Shared<T>(Func<IDatabase, Task<T>> shared, Func<ValueTask<T>> local)
    {
        if (IsShared)
        {
            try
            {
                return await shared(Db);
            }
            catch (Exception ex) when (IsOutage(ex))
            {
                MarkDown(ex.Message);
            }
        }
        return await local();
    }

    private static bool IsOutage(Exception ex) => ex is RedisConnectionException or RedisTimeoutException or TimeoutException or ObjectDisposedException
        || (ex is RedisServerException server && (server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal) || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)));

    private void MarkDown(string reason)
    {
        if (Interlocked.CompareExchange(ref _down, 1, 0) != 0) return;
        Volatile.Write(ref _downSince, _time.GetTimestamp());
        _logger.LogError("Redis is unreachable ({Reason}); instance {Instance} keeps its limits in its own memory until it answers again",
            reason, _instance);
        foreach (var alarm in _alarms)
            _ = Task.Run(() => alarm.SharedStoreLostAsync(_instance, reason));
    }

    /// <summary>
    /// Tries Redis when the store fell back to memory; when it answers, writes the blocks placed and the tokens spent
    /// meanwhile to it and shares again. Runs on a timer and when the client reconnects; tests call it directly.
    /// </summary>
    public async Task<bool> ProbeAsync()
    {
        if (IsShared) return true;
        if (Volatile.Read(ref _disposed) != 0 || !await _probing.WaitAsync(0)) return false;
        try
        {
            if (IsShared) return true;
            var db = Db;
            await db.PingAsync();
            var now = Now();
            foreach (var block in await _local.ActiveBlocksAsync())
                await db.ScriptEvaluateAsync(BlockScript, [_blocks], [block.Key, N(block.Until.UtcTicks - Epoch), block.Reason]);
            foreach (var (key, expiresAt) in _spentWhileDown)
            {
                var until = expiresAt.UtcTicks - Epoch;
                if (until > now) await db.ScriptEvaluateAsync(TakeScript, [Key("s:", key)], [N(now), N(until), Ttl(until - now)]);
                _spentWhileDown.TryRemove(key, out _);
            }
            var outage = _time.GetElapsedTime(Volatile.Read(ref _downSince));
            Volatile.Write(ref _down, 0);
            _logger.LogWarning("Redis answers again; instance {Instance} shares its limits after {Outage} alone", _instance, outage);
            foreach (var alarm in _alarms)
                _ = Task.Run(() => alarm.SharedStoreRestoredAsync(_instance, outage));
            return true;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            return false;
        }
        finally
        {
            _probing.Release();
        }
    }

    // Counters.

    public ValueTask<long> IncrementAsync(string key, TimeSpan window, CounterExpiry expiry = CounterExpiry.FromFirst) =>
        Shared(async db => (long)await db.ScriptEvaluateAsync(IncrementScript, [Key("c:", key)],
                [N(Now()), N(window.Ticks), expiry == CounterExpiry.FromLast ? "1" : "0"]),
            () => _local.IncrementAsync(key, window, expiry));

    public ValueTask<long> CountAsync(string key) =>
        Shared(async db => (long)await db.ScriptEvaluateAsync(CountScript, [Key("c:", key)], [N(Now())]),
            () => _local.CountAsync(key));

    public ValueTask ResetAsync(string key) =>
        new(Shared(async db => await db.KeyDeleteAsync(Key("c:", key)), async () =>
        {
            await _local.ResetAsync(key);
            return true;
        }).AsTask());

    // Sliding windows.

    public ValueTask<WindowHit> HitAsync(string key, TimeSpan window, int limit = int.MaxValue) =>
        Shared(async db =>
        {
            var member = _hitPrefix + N(Interlocked.Increment(ref _hitSequence));
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(HitScript, [Key("h:", key)],
                [N(Now()), N(window.Ticks), N(limit), member, N(_memoryOptions.MaxTimesPerWindow)]))!;
            return (long)r[0] == 1
                ? new WindowHit(true, (int)r[1])
                : new WindowHit(false, (int)r[1], TimeSpan.FromTicks((long)r[2]));
        }, () => _local.HitAsync(key, window, limit));

    public ValueTask<int> HitsAsync(string key, TimeSpan window) =>
        Shared(async db => (int)await db.ScriptEvaluateAsync(HitsScript, [Key("h:", key)], [N(Now()), N(window.Ticks)]),
            () => _local.HitsAsync(key, window));

    public ValueTask<WindowMember> AddMemberAsync(string key, string member, TimeSpan window) =>
        Shared(async db =>
        {
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(MemberScript, [Key("m:", key)],
                [N(Now()), N(window.Ticks), N(_memoryOptions.MaxMembersPerWindow), member]))!;
            return new WindowMember((long)r[0] == 1, (int)r[1]);
        }, () => _local.AddMemberAsync(key, member, window));

    // Locks.

    public ValueTask<bool> TryLockAsync(string key, TimeSpan duration) =>
        Shared(async db =>
        {
            var now = Now();
            return (long)await db.ScriptEvaluateAsync(TakeScript, [Key("l:", key)], [N(now), N(now + duration.Ticks), Ttl(duration.Ticks)]) == 1;
        }, () => _local.TryLockAsync(key, duration));

    public ValueTask<TimeSpan> LockRemainingAsync(string key) =>
        Shared(async db => Remaining(await db.StringGetAsync(Key("l:", key)), Now()), () => _local.LockRemainingAsync(key));

    public ValueTask ReleaseLockAsync(string key) =>
        new(Shared(async db => await db.KeyDeleteAsync(Key("l:", key)), async () =>
        {
            await _local.ReleaseLockAsync(key);
            return true;
        }).AsTask());

    public ValueTask<TimeSpan?> ReserveSlotAsync(string key, TimeSpan spacing, TimeSpan maxWait) =>
        Shared(async db =>
        {
            var wait = (long)await db.ScriptEvaluateAsync(ReserveScript, [Key("l:", key)], [N(Now()), N(spacing.Ticks), N(maxWait.Ticks)]);
            return wait < 0 ? (TimeSpan?)null : TimeSpan.FromTicks(wait);
        }, () => _local.ReserveSlotAsync(key, spacing, maxWait));

    private static TimeSpan Remaining(RedisValue until, long now) =>
        until.HasValue && long.TryParse((string?)until, NumberStyles.None, CultureInfo.InvariantCulture, out var u) && u > now
            ? TimeSpan.FromTicks(u - now)
            : TimeSpan.Zero;

    // Blocks.

    public ValueTask BlockAsync(string key, TimeSpan duration, string reason) =>
        new(Shared(async db =>
        {
            await db.ScriptEvaluateAsync(BlockScript, [_blocks], [key, N(Now() + duration.Ticks), reason]);
            return true;
        }, async () =>
        {
            await _local.BlockAsync(key, duration, reason);
            return true;
        }).AsTask());

    public ValueTask<TimeSpan> BlockRemainingAsync(string key) =>
        Shared(async db =>
        {
            var value = (string?)await db.HashGetAsync(_blocks, key);
            var bar = value?.IndexOf('|', StringComparison.Ordinal) ?? -1;
            return bar < 0 ? TimeSpan.Zero : Remaining(value![..bar], Now());
        }, () => _local.BlockRemainingAsync(key));

    public ValueTask<IReadOnlyList<LimitBlock>> ActiveBlocksAsync(string prefix = "") =>
        Shared(async db =>
        {
            var r = (RedisResult[])(await db.ScriptEvaluateAsync(ActiveBlocksScript, [_blocks], [N(Now())]))!;
            var active = new List<LimitBlock>();
            for (var i = 0; i + 1 < r.Length; i += 2)
            {
                var key = (string)r[i]!;
                if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var value = (string)r[i + 1]!;
                var bar = value.IndexOf('|', StringComparison.Ordinal);
                var until = long.Parse(value.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture);
                active.Add(new LimitBlock(key, value[(bar + 1)..], new DateTimeOffset(until + Epoch, TimeSpan.Zero)));
            }
            active.Sort((a, b) => a.Until.CompareTo(b.Until));
            return (IReadOnlyList<LimitBlock>)active;
        }, () => _local.ActiveBlocksAsync(prefix));

    public ValueTask<bool> LiftBlockAsync(string key) =>
        Shared(async db =>
        {
            // A block lifted by an admin also ends in this instance's memory (placed there during an outage).
            await _local.LiftBlockAsync(key);
            return (long)await db.ScriptEvaluateAsync(LiftScript, [_blocks], [key, N(Now())]) == 1;
        }, () => _local.LiftBlockAsync(key));

    // Single-use tokens.

    public async ValueTask<bool> TrySpendAsync(string key, DateTimeOffset expiresAt)
    {
        // Memory first: a token this instance accepted is refused here whatever happens to Redis afterwards.
        if (!await _local.TrySpendAsync(key, expiresAt)) return false;
        return await Shared(async db =>
        {
            var now = Now();
            var until = expiresAt.UtcTicks - Epoch;
            return (long)await db.ScriptEvaluateAsync(TakeScript, [Key("s:", key)], [N(now), N(until), Ttl(until - now)]) == 1;
        }, () =>
        {
            _spentWhileDown[key] = expiresAt;
            return ValueTask.FromResult(true);
        });
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _probeTimer.Dispose();
        if (_ownsConnection) _redis.Dispose();
    }
}

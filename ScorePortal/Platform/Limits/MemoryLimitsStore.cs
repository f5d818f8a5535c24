using System.Collections.Concurrent;

namespace ScorePortal.Platform.Limits;

/// <summary>Bounds of <see cref="MemoryLimitsStore"/> (configuration section "Limits:Memory").</summary>
public sealed class MemoryLimitsOptions
{
    public const string Section = "Limits:Memory";

    /// <summary>
    /// Distinct times one sliding window keeps. Counts stay exact: past this many, a hit joins the newest time, so it
    /// may leave the window up to about window / MaxTimesPerWindow early (6 ms of a minute). Exact below it.
    /// </summary>
    public int MaxTimesPerWindow { get; set; } = 10_000;

    /// <summary>Distinct members one sliding window remembers; beyond it the longest unseen is forgotten.</summary>
    public int MaxMembersPerWindow { get; set; } = 10_000;

    /// <summary>How often expired entries are swept away (in the background, never on a request).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// <see cref="ILimitsStore"/> in this process's memory: one concurrent dictionary per kind of state, a lock per key
/// for the entries that change in place, every answer completed synchronously. Time comes from the portal's
/// <see cref="TimeProvider"/>; an expired entry answers as absent at once and is swept away in the background
/// (at most every <see cref="MemoryLimitsOptions.SweepInterval"/>), so memory follows the live windows. Per-key
/// growth is capped by <see cref="MemoryLimitsOptions"/>.
/// </summary>
public sealed class MemoryLimitsStore(TimeProvider time, MemoryLimitsOptions? options = null) : ILimitsStore
{
    private readonly MemoryLimitsOptions _options = options ?? new();
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Hits> _hits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Members> _members = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Hold> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Hold> _blocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _spent = new(StringComparer.Ordinal);
    private long _nextSweep;
    private int _sweeping;

    // Entries that change in place are locked while used; one that the sweep removed is marked dead, and a caller
    // that finds it dead takes a fresh one, so no update is lost to a sweep.
    private abstract class Entry
    {
        public bool Dead;
    }

    private sealed class Counter : Entry
    {
        public long Value;
        public long Expires;
    }

    /// <summary>
    /// Times of hits, oldest first, each with how many hits it stands for: one per hit while there are fewer than the
    /// cap, after that a hit joins the newest time (so the count stays whole and memory stays at the cap).
    /// </summary>
    private sealed class Hits : Entry
    {
        public long[] Times = new long[4];
        public int[] Counts = new int[4];
        public int Head;
        public int Length;
        public int Total;
        public long Window;

        public void Trim(long since)
        {
            while (Length > 0 && Times[Head] < since)
            {
                Total -= Counts[Head];
                Head = (Head + 1) % Times.Length;
                Length--;
            }
        }

        public void Add(long at, int cap)
        {
            Total++;
            if (Length >= cap)
            {
                Counts[(Head + Length - 1) % Times.Length]++;
                return;
            }
            if (Length == Times.Length)
            {
                var size = Math.Min(Times.Length * 2, cap);
                var times = new long[size];
                var counts = new int[size];
                for (var i = 0; i < Length; i++)
                {
                    times[i] = Times[(Head + i) % Times.Length];
                    counts[i] = Counts[(Head + i) % Times.Length];
                }
                (Times, Counts, Head) = (times, counts, 0);
            }
            var slot = (Head + Length) % Times.Length;
            Times[slot] = at;
            Counts[slot] = 1;
            Length++;
        }
    }

    /// <summary>Members by when they were last seen, oldest first; the common single member needs no collections.</summary>
    private sealed class Members : Entry
    {
        public string? Only;
        public long OnlySeen;
        public Dictionary<string, LinkedListNode<Seen>>? Index;
        public LinkedList<Seen>? Order;
        public long Window;

        public int Distinct => Index?.Count ?? (Only is null ? 0 : 1);

        public void Trim(long since)
        {
            if (Index is null)
            {
                if (Only is not null && OnlySeen < since) Only = null;
                return;
            }
            while (Order!.First is { } oldest && oldest.Value.At < since)
            {
                Index.Remove(oldest.Value.Member);
                Order.RemoveFirst();
            }
        }

        /// <summary>Returns whether the member is new in the window.</summary>
        public bool Add(string member, long at, int cap)
        {
            if (Index is null)
            {
                if (Only is null || Only == member)
                {
                    var isNew = Only is null;
                    Only = member;
                    OnlySeen = at;
                    return isNew;
                }
                Index = new Dictionary<string, LinkedListNode<Seen>>(StringComparer.Ordinal);
                Order = new LinkedList<Seen>();
                Index[Only] = Order.AddLast(new Seen(Only, OnlySeen));
                Only = null;
            }
            if (Index.TryGetValue(member, out var node))
            {
                node.Value.At = at;
                Order!.Remove(node);
                Order.AddLast(node);
                return false;
            }
            Index[member] = Order!.AddLast(new Seen(member, at));
            if (Index.Count > cap)
            {
                Index.Remove(Order.First!.Value.Member);
                Order.RemoveFirst();
            }
            return true;
        }
    }

    private sealed class Seen(string member, long at)
    {
        public readonly string Member = member;
        public long At = at;
    }

    /// <summary>A lock or block: immutable, replaced by compare-and-swap.</summary>
    private sealed record Hold(long Until, string Reason);

    private long Now()
    {
        var now = time.GetUtcNow().UtcTicks;
        if (now >= Volatile.Read(ref _nextSweep) && Interlocked.CompareExchange(ref _sweeping, 1, 0) == 0)
        {
            Volatile.Write(ref _nextSweep, now + _options.SweepInterval.Ticks);
            ThreadPool.UnsafeQueueUserWorkItem(static store => store.SweepAndRelease(), this, preferLocal: false);
        }
        return now;
    }

    // Counters.

    public ValueTask<long> IncrementAsync(string key, TimeSpan window, CounterExpiry expiry = CounterExpiry.FromFirst)
    {
        var now = Now();
        while (true)
        {
            var counter = _counters.GetOrAdd(key, static _ => new Counter());
            lock (counter)
            {
                if (counter.Dead) continue;
                if (counter.Expires <= now)
                {
                    counter.Value = 0;
                    counter.Expires = now + window.Ticks;
                }
                else if (expiry == CounterExpiry.FromLast)
                {
                    counter.Expires = now + window.Ticks;
                }
                return new ValueTask<long>(++counter.Value);
            }
        }
    }

    public ValueTask<long> CountAsync(string key)
    {
        var now = Now();
        if (!_counters.TryGetValue(key, out var counter)) return new ValueTask<long>(0);
        lock (counter) return new ValueTask<long>(counter.Dead || counter.Expires <= now ? 0 : counter.Value);
    }

    public ValueTask ResetAsync(string key)
    {
        if (_counters.TryRemove(key, out var counter))
            lock (counter) counter.Dead = true;
        return ValueTask.CompletedTask;
    }

    // Sliding windows.

    public ValueTask<WindowHit> HitAsync(string key, TimeSpan window, int limit = int.MaxValue)
    {
        var now = Now();
        while (true)
        {
            var hits = _hits.GetOrAdd(key, static _ => new Hits());
            lock (hits)
            {
                if (hits.Dead) continue;
                hits.Window = window.Ticks;
                hits.Trim(now - window.Ticks);
                // Refused: the wait is until the oldest hit leaves the window and frees a permit.
                if (hits.Total >= limit)
                    return new ValueTask<WindowHit>(new WindowHit(false, hits.Total,
                        hits.Length == 0 ? window : TimeSpan.FromTicks(Math.Max(1, hits.Times[hits.Head] + window.Ticks + 1 - now))));
                hits.Add(now, _options.MaxTimesPerWindow);
                return new ValueTask<WindowHit>(new WindowHit(true, hits.Total));
            }
        }
    }

    public ValueTask<int> HitsAsync(string key, TimeSpan window)
    {
        var now = Now();
        if (!_hits.TryGetValue(key, out var hits)) return new ValueTask<int>(0);
        lock (hits)
        {
            if (hits.Dead) return new ValueTask<int>(0);
            hits.Trim(now - window.Ticks);
            return new ValueTask<int>(hits.Total);
        }
    }

    public ValueTask<WindowMember> AddMemberAsync(string key, string member, TimeSpan window)
    {
        var now = Now();
        while (true)
        {
            var members = _members.GetOrAdd(key, static _ => new Members());
            lock (members)
            {
                if (members.Dead) continue;
                members.Window = window.Ticks;
                members.Trim(now - window.Ticks);
                var isNew = members.Add(member, now, _options.MaxMembersPerWindow);
                return new ValueTask<WindowMember>(new WindowMember(isNew, members.Distinct));
            }
        }
    }

    // Locks.

    public ValueTask<bool> TryLockAsync(string key, TimeSpan duration)
    {
        var now = Now();
        var taken = new Hold(now + duration.Ticks, "");
        while (true)
        {
            if (_locks.TryAdd(key, taken)) return new ValueTask<bool>(true);
            if (!_locks.TryGetValue(key, out var held)) continue;
            if (held.Until > now) return new ValueTask<bool>(false);
            if (_locks.TryUpdate(key, taken, held)) return new ValueTask<bool>(true);
        }
    }

    public ValueTask<TimeSpan> LockRemainingAsync(string key) => new(Remaining(_locks, key, Now()));

    public ValueTask ReleaseLockAsync(string key)
    {
        _locks.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask<TimeSpan?> ReserveSlotAsync(string key, TimeSpan spacing, TimeSpan maxWait)
    {
        var now = Now();
        while (true)
        {
            var found = _locks.TryGetValue(key, out var held);
            var slot = found && held!.Until > now ? held.Until : now;
            var wait = slot - now;
            if (wait > maxWait.Ticks) return new ValueTask<TimeSpan?>((TimeSpan?)null);
            var reserved = new Hold(slot + spacing.Ticks, "");
            if (found ? _locks.TryUpdate(key, reserved, held!) : _locks.TryAdd(key, reserved))
                return new ValueTask<TimeSpan?>(TimeSpan.FromTicks(wait + spacing.Ticks));
        }
    }

    // Blocks.

    public ValueTask BlockAsync(string key, TimeSpan duration, string reason)
    {
        var now = Now();
        var block = new Hold(now + duration.Ticks, reason);
        while (true)
        {
            if (_blocks.TryAdd(key, block)) return ValueTask.CompletedTask;
            if (!_blocks.TryGetValue(key, out var held)) continue;
            if (held.Until >= block.Until || _blocks.TryUpdate(key, block, held)) return ValueTask.CompletedTask;
        }
    }

    public ValueTask<TimeSpan> BlockRemainingAsync(string key) => new(Remaining(_blocks, key, Now()));

    public ValueTask<IReadOnlyList<LimitBlock>> ActiveBlocksAsync(string prefix = "")
    {
        var now = Now();
        var active = new List<LimitBlock>();
        foreach (var (key, block) in _blocks)
            if (block.Until > now && key.StartsWith(prefix, StringComparison.Ordinal))
                active.Add(new LimitBlock(key, block.Reason, new DateTimeOffset(block.Until, TimeSpan.Zero)));
        active.Sort((a, b) => a.Until.CompareTo(b.Until));
        return new ValueTask<IReadOnlyList<LimitBlock>>(active);
    }

    public ValueTask<bool> LiftBlockAsync(string key)
    {
        var now = Now();
        return new ValueTask<bool>(_blocks.TryRemove(key, out var block) && block.Until > now);
    }

    // Single-use tokens.

    public ValueTask<bool> TrySpendAsync(string key, DateTimeOffset expiresAt)
    {
        var now = Now();
        var until = expiresAt.UtcTicks;
        while (true)
        {
            if (_spent.TryAdd(key, until)) return new ValueTask<bool>(true);
            if (!_spent.TryGetValue(key, out var spentUntil)) continue;
            // Spent and not yet expired: refused. An expired entry the sweep has not removed yet is a new spend.
            if (spentUntil > now) return new ValueTask<bool>(false);
            if (_spent.TryUpdate(key, until, spentUntil)) return new ValueTask<bool>(true);
        }
    }

    private static TimeSpan Remaining(ConcurrentDictionary<string, Hold> holds, string key, long now) =>
        holds.TryGetValue(key, out var hold) && hold.Until > now ? TimeSpan.FromTicks(hold.Until - now) : TimeSpan.Zero;

    /// <summary>Entries held now, expired or not (tests and diagnostics).</summary>
    internal int EntryCount => _counters.Count + _hits.Count + _members.Count + _locks.Count + _blocks.Count + _spent.Count;

    private void SweepAndRelease()
    {
        try
        {
            Sweep();
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>Removes every expired entry (run in the background by the store itself; tests call it directly).</summary>
    internal void Sweep()
    {
        var now = time.GetUtcNow().UtcTicks;
        foreach (var (key, counter) in _counters)
            lock (counter)
                if (counter.Expires <= now) Remove(_counters, key, counter);
        foreach (var (key, hits) in _hits)
            lock (hits)
            {
                hits.Trim(now - hits.Window);
                if (hits.Length == 0) Remove(_hits, key, hits);
            }
        foreach (var (key, members) in _members)
            lock (members)
            {
                members.Trim(now - members.Window);
                if (members.Distinct == 0) Remove(_members, key, members);
            }
        foreach (var holds in new[] { _locks, _blocks })
            foreach (var entry in holds)
                if (entry.Value.Until <= now) holds.TryRemove(entry);
        foreach (var entry in _spent)
            if (entry.Value <= now) _spent.TryRemove(entry);
    }

    // Called under the entry's lock.
    private static void Remove<T>(ConcurrentDictionary<string, T> entries, string key, T entry) where T : Entry
    {
        entry.Dead = true;
        entries.TryRemove(new KeyValuePair<string, T>(key, entry));
    }
}

namespace ScorePortal.Platform.Limits;

/// <summary>
/// The one store behind the portal's own limits: fixed-window counters, sliding windows (hits and distinct members),
/// locks, blocks and spent single-use tokens. Today it is <see cref="MemoryLimitsStore"/> (per instance); several
/// instances share one Redis-backed implementation of this interface (release-day-at-scale issue), so every operation
/// is one atomic step on one key, and async. The framework rate-limiter policies stay beside it, their partitions in
/// <c>Operations/LimitPartitions</c>.
/// <para>
/// <b>Usage.</b> A limiter keeps its rules (thresholds, delays, messages) and asks the store only for state:
/// <c>await store.HitAsync("lookup:addr:" + address, TimeSpan.FromMinutes(1), limit)</c> takes a permit of a sliding
/// minute; <c>IncrementAsync</c> counts wrong answers in a fixed window; <c>BlockAsync</c>/<c>BlockRemainingAsync</c>
/// refuse what was abused for a while (admins list them with <see cref="ActiveBlocksAsync"/> and lift one with
/// <see cref="LiftBlockAsync"/>); <c>TrySpendAsync</c> makes a token single-use. The hot path calls it on every lookup:
/// the operations return <see cref="ValueTask"/>, which the in-memory store completes synchronously.
/// </para>
/// <para>
/// <b>Keys.</b> <c>area:what:subject</c>, e.g. <c>lookup:addr:198.51.100.7</c>, <c>signin:fail:a:&lt;hash&gt;</c>,
/// <c>anomaly:block:&lt;hash&gt;</c>, <c>captcha:&lt;token id&gt;</c>: the area prefix keeps one limiter's keys apart from
/// another's (the five kinds of state are separate namespaces, so a counter and a block may share a key). A key must
/// hold no personal data in clear: ID numbers only as their blind-index value, email addresses and client addresses
/// for monitors only as keyed hashes (as <c>SignInThrottle</c> and <c>AnomalyDetector</c> do); per-address limits key
/// by <c>ClientAddress.LimitKey</c> (an IPv6 client by its /64). Never a name, an ID number or an email address.
/// </para>
/// <para>
/// <b>Time.</b> Every entry expires on its own (a window, a lock, a block, a token's expiry); the store keeps nothing
/// past that, so its memory follows the traffic of the last window. Durations are measured on the store's clock.
/// </para>
/// </summary>
public interface ILimitsStore
{
    // Counters in a fixed window.

    /// <summary>
    /// Adds one to a counter and returns its new value. A new counter lives for <paramref name="window"/> from this
    /// increment; with <see cref="CounterExpiry.FromLast"/> every increment restarts that time instead (failures
    /// forgotten after a quiet period).
    /// </summary>
    ValueTask<long> IncrementAsync(string key, TimeSpan window, CounterExpiry expiry = CounterExpiry.FromFirst);

    /// <summary>The counter's value; zero when it never counted or expired.</summary>
    ValueTask<long> CountAsync(string key);

    /// <summary>Forgets a counter.</summary>
    ValueTask ResetAsync(string key);

    // Sliding windows.

    /// <summary>
    /// Records one hit in the sliding window of <paramref name="key"/> if fewer than <paramref name="limit"/> hits
    /// fall within the last <paramref name="window"/> (a refused hit is not recorded, like a rate limiter's permit).
    /// </summary>
    ValueTask<WindowHit> HitAsync(string key, TimeSpan window, int limit = int.MaxValue);

    /// <summary>The hits within the last <paramref name="window"/>.</summary>
    ValueTask<int> HitsAsync(string key, TimeSpan window);

    /// <summary>
    /// Records <paramref name="member"/> as seen now in the window of <paramref name="key"/> and returns how many
    /// distinct members were seen within the last <paramref name="window"/>, and whether this one is new among them.
    /// </summary>
    ValueTask<WindowMember> AddMemberAsync(string key, string member, TimeSpan window);

    // Locks.

    /// <summary>Takes the lock for <paramref name="duration"/> when it is free; false (and nothing changed) when held.</summary>
    ValueTask<bool> TryLockAsync(string key, TimeSpan duration);

    /// <summary>How long the lock is still held; zero when free.</summary>
    ValueTask<TimeSpan> LockRemainingAsync(string key);

    ValueTask ReleaseLockAsync(string key);

    /// <summary>
    /// Reserves the next slot of a queue whose slots are <paramref name="spacing"/> apart: returns how long from now
    /// until the reserved slot ends (the wait before it plus <paramref name="spacing"/>), or null, and nothing reserved,
    /// when the wait before it would exceed <paramref name="maxWait"/>. The key stays held until its last slot ends.
    /// </summary>
    ValueTask<TimeSpan?> ReserveSlotAsync(string key, TimeSpan spacing, TimeSpan maxWait);

    // Blocks.

    /// <summary>Blocks a key for <paramref name="duration"/> from now (a longer block already in place stays).</summary>
    ValueTask BlockAsync(string key, TimeSpan duration, string reason);

    /// <summary>How long the key is still blocked; zero when it is not.</summary>
    ValueTask<TimeSpan> BlockRemainingAsync(string key);

    /// <summary>The blocks in force whose key starts with <paramref name="prefix"/> (all when empty), soonest to end first.</summary>
    ValueTask<IReadOnlyList<LimitBlock>> ActiveBlocksAsync(string prefix = "");

    /// <summary>Ends a block now; false when the key was not blocked.</summary>
    ValueTask<bool> LiftBlockAsync(string key);

    // Single-use tokens.

    /// <summary>
    /// Marks a token spent until <paramref name="expiresAt"/> (when the token is worthless anyway); false when it was
    /// spent already.
    /// </summary>
    ValueTask<bool> TrySpendAsync(string key, DateTimeOffset expiresAt);
}

public enum CounterExpiry
{
    /// <summary>The counter ends a fixed time after its first increment.</summary>
    FromFirst,

    /// <summary>The counter ends a fixed time after its latest increment.</summary>
    FromLast,
}

/// <param name="Counted">Whether this hit was recorded (false: the limit was reached).</param>
/// <param name="Count">The hits in the window, this one included when counted.</param>
/// <param name="RetryAfter">When refused, how long until the window has room for a hit again; zero when counted.</param>
public readonly record struct WindowHit(bool Counted, int Count, TimeSpan RetryAfter = default);

/// <param name="IsNew">Whether the member was not seen within the window before.</param>
/// <param name="Distinct">The distinct members within the window, this one included.</param>
public readonly record struct WindowMember(bool IsNew, int Distinct);

/// <summary>A block in force: what is blocked, why (a monitor's or limiter's name) and until when.</summary>
public sealed record LimitBlock(string Key, string Reason, DateTimeOffset Until);

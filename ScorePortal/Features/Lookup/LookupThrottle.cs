using Microsoft.Extensions.Options;
using ScorePortal.Operations;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Features.Lookup;

public sealed class LookupLimitsOptions
{
    public const string Section = "Lookup:Limits";

    /// <summary>
    /// Lookups one address may send per minute (0 = no limit, e.g. for a load test on loopback). A flood guard, set
    /// above the release-minute rush of a school or a carrier's NAT (100 candidates in the first minute); enumeration
    /// is stopped by the anomaly monitors' miss rules, not by volume.
    /// </summary>
    public int PerAddressPerMinute { get; set; } = 120;

    /// <summary>
    /// Lookups of one ID number per 10 minutes from one address (an IPv6 /64). Per address, so that lookups from
    /// elsewhere never use up the candidate's own; guessing from many addresses is slowed by the wrong-name spacing.
    /// </summary>
    public int PerIdNumberPer10Minutes { get; set; } = 10;

    /// <summary>
    /// Wrong names for one ID number from one address within <see cref="WrongNameWindow"/> before that ID number is
    /// locked for that address (other addresses, the candidate's own among them, are not locked out).
    /// </summary>
    public int WrongNamesBeforeLock { get; set; } = 5;

    public TimeSpan WrongNameWindow { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Wrong names for one ID number from all addresses within <see cref="WrongNameWindow"/> before its lookups are
    /// spaced out: each further wrong name doubles the spacing, from <see cref="FirstDelay"/> up to <see cref="MaxDelay"/>.
    /// This is what stops guessing from many addresses, which the per-address lock cannot.
    /// </summary>
    public int WrongNamesBeforeDelay { get; set; } = 5;

    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}

public enum ThrottleVerdict
{
    Allowed,
    AddressLimited,
    IdNumberLimited,
    IdNumberLocked,
}

/// <summary>
/// The limits of the public lookup, kept in the limits store (<see cref="ILimitsStore"/>; per instance in memory, shared
/// when several instances run): requests per address, lookups per ID number, a temporary lock of an ID number for the
/// one address that sent repeated wrong names, and a growing spacing of an ID number's lookups after wrong names from
/// anywhere. Together they stop guessing a name for a known ID — from one address (the lock) or from many (the
/// spacing: one lookup of that ID per delay, whoever sends it) — while nobody can lock the candidate out: an outsider's
/// wrong names lock only the outsider's own address, and the spacing delays the candidate's lookup by at most
/// <see cref="LookupLimitsOptions.MaxDelay"/>. Keys are blind-index values and address limit keys, never names.
/// </summary>
public sealed class LookupThrottle(IOptions<LookupLimitsOptions> options, ILimitsStore store)
{
    /// <summary>Prefix of the blocks that lock an ID number for one address (<see cref="ILimitsStore.ActiveBlocksAsync"/>).</summary>
    public const string LockPrefix = "lookup:lock:";

    /// <summary>The reason of those blocks.</summary>
    public const string LockReason = "lookup.wrong-names";

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);
    private readonly LookupLimitsOptions _options = options.Value;

    public async ValueTask<ThrottleVerdict> CheckAddressAsync(string? address) =>
        await AddressWaitAsync(address) == TimeSpan.Zero ? ThrottleVerdict.Allowed : ThrottleVerdict.AddressLimited;

    /// <summary>Takes one of the address's lookups of the minute: zero when allowed, else how long until one is free.</summary>
    public async ValueTask<TimeSpan> AddressWaitAsync(string? address)
    {
        if (_options.PerAddressPerMinute <= 0) return TimeSpan.Zero;
        var hit = await store.HitAsync("lookup:addr:" + AddressKey(address), Minute, _options.PerAddressPerMinute);
        return hit.Counted ? TimeSpan.Zero : hit.RetryAfter;
    }

    /// <param name="idKey">The blind index of the ID number (hex), so no ID number is held in memory.</param>
    /// <param name="address">The source address of the lookup.</param>
    public async ValueTask<ThrottleVerdict> CheckIdNumberAsync(string idKey, string? address)
    {
        var pair = PairKey(idKey, address);
        if (await store.BlockRemainingAsync(LockPrefix + pair) > TimeSpan.Zero) return ThrottleVerdict.IdNumberLocked;
        if (_options.PerIdNumberPer10Minutes <= 0) return ThrottleVerdict.Allowed;
        var hit = await store.HitAsync("lookup:id:" + pair, TenMinutes, _options.PerIdNumberPer10Minutes);
        return hit.Counted ? ThrottleVerdict.Allowed : ThrottleVerdict.IdNumberLimited;
    }

    /// <summary>Whether this address sent so many wrong names for this ID number that it may not look it up for a while.</summary>
    public async ValueTask<bool> IsLockedAsync(string idKey, string? address) =>
        await store.BlockRemainingAsync(LockPrefix + PairKey(idKey, address)) > TimeSpan.Zero;

    /// <summary>
    /// Reserves the next slot for a lookup of an ID number: how long this lookup must wait before it runs (zero while
    /// the ID has had few wrong names), or null when the queue of waiting lookups is longer than
    /// <see cref="LookupLimitsOptions.MaxDelay"/> (refused as too many). Every lookup of the ID waits alike, right name
    /// or wrong, so the wait says nothing, and parallel guesses from many addresses are served one slot at a time.
    /// </summary>
    public async ValueTask<TimeSpan?> ReserveSlotAsync(string idKey)
    {
        if (_options.WrongNamesBeforeDelay <= 0) return TimeSpan.Zero;
        var beyond = await store.CountAsync(WrongNamesKey(idKey)) - _options.WrongNamesBeforeDelay;
        if (beyond < 0) return TimeSpan.Zero;
        var step = TimeSpan.FromTicks(Math.Min(_options.MaxDelay.Ticks, _options.FirstDelay.Ticks << (int)Math.Min(beyond, 30)));
        return await store.ReserveSlotAsync("lookup:slot:" + idKey, step, _options.MaxDelay);
    }

    /// <summary>Counts a wrong name for an ID number from an address; returns true when this one locked the ID for that address.</summary>
    public async ValueTask<bool> RecordWrongNameAsync(string idKey, string? address)
    {
        if (_options.WrongNamesBeforeDelay > 0) await store.IncrementAsync(WrongNamesKey(idKey), _options.WrongNameWindow);
        if (_options.WrongNamesBeforeLock <= 0) return false;
        var pair = PairKey(idKey, address);
        var counter = "lookup:wrong-from:" + pair;
        if (await store.IncrementAsync(counter, _options.WrongNameWindow) < _options.WrongNamesBeforeLock) return false;
        await store.BlockAsync(LockPrefix + pair, _options.LockDuration, LockReason);
        await store.ResetAsync(counter);
        return true;
    }

    private static string WrongNamesKey(string idKey) => "lookup:wrong:" + idKey;

    private static string AddressKey(string? address) => ClientAddress.LimitKey(address) ?? "unknown";

    private static string PairKey(string idKey, string? address) => idKey + "|" + AddressKey(address);
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Limits;
using ScorePortal.Security;

namespace ScorePortal.Features.Alerts;

public enum Observation
{
    Lookup,
    Verification,
    WrongCaptcha,

    /// <summary>A lookup that matched nobody: a wrong name or an unknown ID number (one answer to the visitor, one signal here).</summary>
    WrongName,
}

/// <summary>
/// Sliding windows over public lookups and verifications, in the limits store (<see cref="ILimitsStore"/>). What
/// enumerators do and honest crowds rarely do blocks an address's <b>lookups</b> for a while: misses (wrong names and
/// unknown ID numbers) and distinct ID numbers with a miss, when they stand out against the address's lookups, and
/// bursts of wrong captchas. Volume, many provinces and one ID number from many addresses only alert: a school or a
/// carrier's NAT puts hundreds of honest candidates behind one address. A crossed threshold stores an
/// <see cref="Alert"/> and tells live dashboards; admins see the blocks and may lift one (<see cref="LiftAddressBlock"/>).
/// Sign-in, the candidate area and the admin areas never look at these blocks. Addresses are kept only as keyed
/// hashes; ID numbers only as blind-index keys (and hashed again in the set of misses).
/// </summary>
public sealed class AnomalyDetector(
    IOptionsMonitor<AnomalyOptions> options,
    TimeProvider time,
    SourceAddressHasher hasher,
    ILimitsStore store,
    IDbContextFactory<ScorePortalDbContext> dbFactory,
    ILogger<AnomalyDetector> logger)
{
    public const string ManyLookups = "lookup.many-from-address";
    public const string ManyAddresses = "lookup.id-from-many-addresses";
    public const string ManyProvinces = "lookup.many-provinces-from-address";
    public const string WrongCaptchas = "lookup.wrong-captcha-burst";
    public const string WrongNames = "lookup.wrong-name-burst";
    public const string MissedIdNumbers = "lookup.missed-id-numbers";

    /// <summary>Prefix of the address blocks in the limits store (<see cref="ILimitsStore.ActiveBlocksAsync"/>).</summary>
    public const string BlockPrefix = "anomaly:block:";

    /// <summary>Raised after an alert is stored; the admin dashboard listens.</summary>
    public event Action<Alert>? AlertRaised;

    /// <summary>How long this address's lookups are still blocked; zero when they are not.</summary>
    public ValueTask<TimeSpan> BlockedForAsync(string? address) => store.BlockRemainingAsync(BlockKeyOf(address));

    /// <summary>The key of an address's block: the prefix and the address's keyed hash (an alert's subject).</summary>
    public string BlockKeyOf(string? address) => BlockPrefix + SourceKey(address);

    /// <summary>The block key of an alert's subject, when that alert blocked an address.</summary>
    public static string BlockKeyOfSubject(string subjectKey) => BlockPrefix + subjectKey;

    /// <summary>The blocked addresses (as keyed hashes) with why and until when.</summary>
    public ValueTask<IReadOnlyList<LimitBlock>> ActiveBlocksAsync() => store.ActiveBlocksAsync(BlockPrefix);

    /// <summary>Lifts the block of one address, given as its block's key; false when it was not blocked.</summary>
    public ValueTask<bool> LiftBlockAsync(string blockKey) =>
        blockKey.StartsWith(BlockPrefix, StringComparison.Ordinal) ? store.LiftBlockAsync(blockKey) : ValueTask.FromResult(false);

    /// <param name="idKey">Blind-index key of the ID number asked for (or the ticket), when there is one.</param>
    /// <param name="provinceCode">First two digits of a resident ID, when there is one.</param>
    public async Task ObserveAsync(Observation what, string? address, string? idKey = null, string? provinceCode = null)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow();
        var source = SourceKey(address);

        switch (what)
        {
            // A monitor switched off (threshold 0) keeps no window at all.
            case Observation.Lookup or Observation.Verification:
                // The address's lookups are counted for the volume alert and as the measure misses must stand out against.
                if (o.LookupsPerAddress > 0 || o.WrongNamesPerAddress > 0 || o.MissedIdNumbersPerAddress > 0)
                {
                    var n = await CountAsync(ManyLookups, source, o.Window);
                    if (Crossed(n, o.LookupsPerAddress))
                        await RaiseAsync(ManyLookups, source, $"{n} lookups from one address within {Minutes(o.Window)} min", now, block: false);
                }
                if (o.AddressesPerIdNumber > 0 && idKey is not null
                    && await DistinctAsync(ManyAddresses, idKey, source, o.Window) is var a && Crossed(a, o.AddressesPerIdNumber))
                    await RaiseAsync(ManyAddresses, "id:" + idKey[..Math.Min(16, idKey.Length)],
                        $"one ID number asked for from {a} addresses within {Minutes(o.Window)} min", now, block: false);
                if (o.ProvincesPerAddress > 0 && provinceCode is not null
                    && await DistinctAsync(ManyProvinces, source, provinceCode, o.Window) is var p && Crossed(p, o.ProvincesPerAddress))
                    await RaiseAsync(ManyProvinces, source, $"ID numbers of {p} provinces from one address within {Minutes(o.Window)} min", now, block: false);
                break;
            case Observation.WrongCaptcha:
                if (o.WrongCaptchasPerAddress > 0 && await CountAsync(WrongCaptchas, source, o.Window) is var c && Crossed(c, o.WrongCaptchasPerAddress))
                    await RaiseAsync(WrongCaptchas, source, $"{c} wrong captchas from one address within {Minutes(o.Window)} min", now, block: true);
                break;
            case Observation.WrongName:
                if (o.WrongNamesPerAddress <= 0 && o.MissedIdNumbersPerAddress <= 0) break;
                var lookups = await store.HitsAsync(WindowKey(ManyLookups, source), o.Window);
                if (o.WrongNamesPerAddress > 0 && await CountAsync(WrongNames, source, o.Window) is var w
                    && StandsOut(w, o.WrongNamesPerAddress, lookups, o) && !await BlockedAsync(source))
                    await RaiseAsync(WrongNames, source, $"{w} of {lookups} lookups from one address matched nobody within {Minutes(o.Window)} min", now, block: true);
                if (o.MissedIdNumbersPerAddress > 0 && idKey is not null
                    && await DistinctAsync(MissedIdNumbers, source, hasher.Hash(idKey)!, o.Window) is var d
                    && StandsOut(d, o.MissedIdNumbersPerAddress, lookups, o) && !await BlockedAsync(source))
                    await RaiseAsync(MissedIdNumbers, source, $"{d} ID numbers without a match among {lookups} lookups from one address within {Minutes(o.Window)} min", now, block: true);
                break;
        }
    }

    /// <summary>
    /// Misses count against an address when there are enough of them and they are a large enough share of its lookups:
    /// a crowd's typos grow with the crowd, an enumerator's misses are nearly all it sends.
    /// </summary>
    private static bool StandsOut(int misses, int threshold, int lookups, AnomalyOptions o) =>
        misses >= threshold && (o.MissPercent <= 0 || misses * 100L >= (long)o.MissPercent * lookups);

    private async ValueTask<bool> BlockedAsync(string source) => await store.BlockRemainingAsync(BlockPrefix + source) > TimeSpan.Zero;

    private string SourceKey(string? address) => hasher.Hash(address ?? "unknown")!;

    // An alert fires once, when the count reaches the threshold, not on every later event of the same burst.
    private static bool Crossed(int count, int threshold) => threshold > 0 && count == threshold;

    /// <summary>Adds an event; returns the events in the window.</summary>
    private async ValueTask<int> CountAsync(string kind, string key, TimeSpan window) =>
        (await store.HitAsync(WindowKey(kind, key), window)).Count;

    /// <summary>Adds a value; returns the number of distinct values when this one is new in the window, else -1.</summary>
    private async ValueTask<int> DistinctAsync(string kind, string key, string value, TimeSpan window) =>
        // Only a new distinct value can cross the threshold; repeats report nothing new.
        await store.AddMemberAsync(WindowKey(kind, key), value, window) is { IsNew: true } added ? added.Distinct : -1;

    private static string WindowKey(string kind, string key) => "anomaly:" + kind + ":" + key;

    private async Task RaiseAsync(string kind, string subject, string details, DateTimeOffset now, bool block)
    {
        var o = options.CurrentValue;
        if (block) await store.BlockAsync(BlockPrefix + subject, o.BlockDuration, kind);
        var alert = new Alert
        {
            RaisedAt = now,
            Kind = kind,
            Severity = block ? AlertSeverity.Critical : AlertSeverity.Warning,
            SubjectKey = subject,
            Details = block ? $"{details}; lookups from the address blocked for {Minutes(o.BlockDuration)} min" : details,
        };
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            db.Alerts.Add(alert);
            await db.SaveChangesAsync();
        }
        catch (Exception ex)
        {
            // The block holds even if the alert cannot be stored; the log says why.
            logger.LogError(ex, "Could not store the {Kind} alert", kind);
        }
        logger.LogWarning("Anomaly {Kind} for {Subject}: {Details}", kind, subject, alert.Details);
        AlertRaised?.Invoke(alert);
    }

    private static string Minutes(TimeSpan t) => t.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture);
}

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
    WrongName,
}

/// <summary>
/// Sliding windows over public lookups and verifications, in the limits store (<see cref="ILimitsStore"/>): many lookups from one address,
/// one ID number from many addresses, one address asking across many provinces, bursts of wrong captchas or names.
/// A crossed threshold stores an <see cref="Alert"/>, tells live dashboards, and blocks the address for a while.
/// Addresses are kept only as keyed hashes; ID numbers only as blind-index keys.
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

    /// <summary>Prefix of the address blocks in the limits store (<see cref="ILimitsStore.ActiveBlocksAsync"/>).</summary>
    public const string BlockPrefix = "anomaly:block:";

    /// <summary>Raised after an alert is stored; the admin dashboard listens.</summary>
    public event Action<Alert>? AlertRaised;

    /// <summary>How long this address is still blocked; zero when it is not.</summary>
    public ValueTask<TimeSpan> BlockedForAsync(string? address) => store.BlockRemainingAsync(BlockPrefix + SourceKey(address));

    /// <summary>The blocked addresses (as keyed hashes) with why and until when.</summary>
    public ValueTask<IReadOnlyList<LimitBlock>> ActiveBlocksAsync() => store.ActiveBlocksAsync(BlockPrefix);

    /// <summary>Lifts the block of one address, given as its block's key; false when it was not blocked.</summary>
    public ValueTask<bool> LiftBlockAsync(string blockKey) =>
        blockKey.StartsWith(BlockPrefix, StringComparison.Ordinal) ? store.LiftBlockAsync(blockKey) : ValueTask.FromResult(false);

    /// <param name="idKey">Blind-index key of the ID number asked for, when there is one.</param>
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
                if (o.LookupsPerAddress > 0 && await CountAsync(ManyLookups, source, o.Window) is var n && Crossed(n, o.LookupsPerAddress))
                    await RaiseAsync(ManyLookups, source, $"{n} lookups from one address within {Minutes(o.Window)} min", now, block: true);
                if (o.AddressesPerIdNumber > 0 && idKey is not null
                    && await DistinctAsync(ManyAddresses, idKey, source, o.Window) is var a && Crossed(a, o.AddressesPerIdNumber))
                    await RaiseAsync(ManyAddresses, "id:" + idKey[..Math.Min(16, idKey.Length)],
                        $"one ID number asked for from {a} addresses within {Minutes(o.Window)} min", now, block: false);
                if (o.ProvincesPerAddress > 0 && provinceCode is not null
                    && await DistinctAsync(ManyProvinces, source, provinceCode, o.Window) is var p && Crossed(p, o.ProvincesPerAddress))
                    await RaiseAsync(ManyProvinces, source, $"ID numbers of {p} provinces from one address within {Minutes(o.Window)} min", now, block: true);
                break;
            case Observation.WrongCaptcha:
                if (o.WrongCaptchasPerAddress > 0 && await CountAsync(WrongCaptchas, source, o.Window) is var c && Crossed(c, o.WrongCaptchasPerAddress))
                    await RaiseAsync(WrongCaptchas, source, $"{c} wrong captchas from one address within {Minutes(o.Window)} min", now, block: true);
                break;
            case Observation.WrongName:
                if (o.WrongNamesPerAddress > 0 && await CountAsync(WrongNames, source, o.Window) is var w && Crossed(w, o.WrongNamesPerAddress))
                    await RaiseAsync(WrongNames, source, $"{w} wrong names from one address within {Minutes(o.Window)} min", now, block: true);
                break;
        }
    }

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
            Details = block ? $"{details}; address blocked for {Minutes(o.BlockDuration)} min" : details,
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

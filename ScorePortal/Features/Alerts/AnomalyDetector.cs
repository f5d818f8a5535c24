using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
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
/// Sliding windows over public lookups and verifications, in memory (per instance): many lookups from one address,
/// one ID number from many addresses, one address asking across many provinces, bursts of wrong captchas or names.
/// A crossed threshold stores an <see cref="Alert"/>, tells live dashboards, and blocks the address for a while.
/// Addresses are kept only as keyed hashes; ID numbers only as blind-index keys.
/// </summary>
public sealed class AnomalyDetector(
    IOptionsMonitor<AnomalyOptions> options,
    TimeProvider time,
    SourceAddressHasher hasher,
    IDbContextFactory<ScorePortalDbContext> dbFactory,
    ILogger<AnomalyDetector> logger)
{
    public const string ManyLookups = "lookup.many-from-address";
    public const string ManyAddresses = "lookup.id-from-many-addresses";
    public const string ManyProvinces = "lookup.many-provinces-from-address";
    public const string WrongCaptchas = "lookup.wrong-captcha-burst";
    public const string WrongNames = "lookup.wrong-name-burst";

    private sealed class Window
    {
        public readonly Queue<(DateTimeOffset At, string? Value)> Events = new();

        /// <summary>How often each value occurs in <see cref="Events"/>: distinct counts in O(1), however busy the key.</summary>
        public readonly Dictionary<string, int> Values = new(StringComparer.Ordinal);
    }

    private readonly ConcurrentDictionary<(string Kind, string Key), Window> _windows = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _blocked = new();
    private long _observations;

    /// <summary>Raised after an alert is stored; the admin dashboard listens.</summary>
    public event Action<Alert>? AlertRaised;

    public bool IsBlocked(string? address, out TimeSpan remaining)
    {
        remaining = TimeSpan.Zero;
        var key = SourceKey(address);
        if (!_blocked.TryGetValue(key, out var until)) return false;
        remaining = until - time.GetUtcNow();
        if (remaining > TimeSpan.Zero) return true;
        _blocked.TryRemove(key, out _);
        return false;
    }

    /// <param name="idKey">Blind-index key of the ID number asked for, when there is one.</param>
    /// <param name="provinceCode">First two digits of a resident ID, when there is one.</param>
    public async Task ObserveAsync(Observation what, string? address, string? idKey = null, string? provinceCode = null)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow();
        var source = SourceKey(address);
        if (Interlocked.Increment(ref _observations) % 10_000 == 0) Sweep(now - o.Window);

        switch (what)
        {
            // A monitor switched off (threshold 0) keeps no window at all.
            case Observation.Lookup or Observation.Verification:
                if (o.LookupsPerAddress > 0 && Count(ManyLookups, source, now, o.Window) is var n && Crossed(n, o.LookupsPerAddress))
                    await RaiseAsync(ManyLookups, source, $"{n} lookups from one address within {Minutes(o.Window)} min", now, block: true);
                if (o.AddressesPerIdNumber > 0 && idKey is not null
                    && Distinct(ManyAddresses, idKey, source, now, o.Window) is var a && Crossed(a, o.AddressesPerIdNumber))
                    await RaiseAsync(ManyAddresses, "id:" + idKey[..Math.Min(16, idKey.Length)],
                        $"one ID number asked for from {a} addresses within {Minutes(o.Window)} min", now, block: false);
                if (o.ProvincesPerAddress > 0 && provinceCode is not null
                    && Distinct(ManyProvinces, source, provinceCode, now, o.Window) is var p && Crossed(p, o.ProvincesPerAddress))
                    await RaiseAsync(ManyProvinces, source, $"ID numbers of {p} provinces from one address within {Minutes(o.Window)} min", now, block: true);
                break;
            case Observation.WrongCaptcha:
                if (o.WrongCaptchasPerAddress > 0 && Count(WrongCaptchas, source, now, o.Window) is var c && Crossed(c, o.WrongCaptchasPerAddress))
                    await RaiseAsync(WrongCaptchas, source, $"{c} wrong captchas from one address within {Minutes(o.Window)} min", now, block: true);
                break;
            case Observation.WrongName:
                if (o.WrongNamesPerAddress > 0 && Count(WrongNames, source, now, o.Window) is var w && Crossed(w, o.WrongNamesPerAddress))
                    await RaiseAsync(WrongNames, source, $"{w} wrong names from one address within {Minutes(o.Window)} min", now, block: true);
                break;
        }
    }

    private string SourceKey(string? address) => hasher.Hash(address ?? "unknown")!;

    // An alert fires once, when the count reaches the threshold, not on every later event of the same burst.
    private static bool Crossed(int count, int threshold) => threshold > 0 && count == threshold;

    private int Count(string kind, string key, DateTimeOffset now, TimeSpan window)
    {
        var w = _windows.GetOrAdd((kind, key), _ => new Window());
        lock (w)
        {
            Trim(w, now - window);
            w.Events.Enqueue((now, null));
            return w.Events.Count;
        }
    }

    /// <summary>Adds a value; returns the number of distinct values when this one is new in the window, else -1.</summary>
    private int Distinct(string kind, string key, string value, DateTimeOffset now, TimeSpan window)
    {
        var w = _windows.GetOrAdd((kind, key), _ => new Window());
        lock (w)
        {
            Trim(w, now - window);
            w.Events.Enqueue((now, value));
            ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(w.Values, value, out var existed);
            count++;
            // Only a new distinct value can cross the threshold; repeats report nothing new.
            return existed ? -1 : w.Values.Count;
        }
    }

    private static void Trim(Window w, DateTimeOffset since)
    {
        while (w.Events.Count > 0 && w.Events.Peek().At < since)
        {
            var (_, value) = w.Events.Dequeue();
            if (value is not null && w.Values.TryGetValue(value, out var count))
            {
                if (count <= 1) w.Values.Remove(value);
                else w.Values[value] = count - 1;
            }
        }
    }

    private void Sweep(DateTimeOffset since)
    {
        foreach (var (key, w) in _windows)
        {
            lock (w)
            {
                Trim(w, since);
                if (w.Events.Count == 0) _windows.TryRemove(key, out _);
            }
        }
    }

    private async Task RaiseAsync(string kind, string subject, string details, DateTimeOffset now, bool block)
    {
        var o = options.CurrentValue;
        if (block) _blocked[subject] = now + o.BlockDuration;
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

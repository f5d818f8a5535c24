namespace ScorePortal.Features.Alerts;

/// <summary>
/// Sliding-window thresholds of the anomaly monitors (configuration section "Anomaly"). 0 switches a monitor off.
/// Only what enumerators do and honest people rarely do blocks (misses: wrong names and unknown ID numbers, wrong
/// captchas); volume, many provinces and one ID number from many addresses only alert, since a school, an office or a
/// mobile carrier's NAT puts hundreds of honest candidates behind one address on release day. A block covers the
/// lookups only (docs/security.md, "Anomaly rules and address blocks").
/// </summary>
public sealed class AnomalyOptions
{
    public const string Section = "Anomaly";

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Lookups and verifications from one address within the window: an alert for admins, never a block.</summary>
    public int LookupsPerAddress { get; set; } = 600;

    /// <summary>Distinct addresses asking for one ID number within the window: an alert, never a block.</summary>
    public int AddressesPerIdNumber { get; set; } = 6;

    /// <summary>Distinct provinces (first two digits of resident IDs) asked for from one address within the window: an alert, never a block.</summary>
    public int ProvincesPerAddress { get; set; } = 12;

    /// <summary>Wrong captchas from one address within the window before its lookups are blocked.</summary>
    public int WrongCaptchasPerAddress { get; set; } = 60;

    /// <summary>
    /// Lookups from one address that matched nobody (a wrong name or an unknown ID number: one answer to the visitor, one
    /// signal here) within the window before its lookups are blocked, when they are also at least
    /// <see cref="MissPercent"/> of its lookups.
    /// </summary>
    public int WrongNamesPerAddress { get; set; } = 40;

    /// <summary>
    /// Distinct ID numbers with a miss from one address within the window before its lookups are blocked (an
    /// enumerator sweeps numbers; an honest typo retried counts its ID number once), when they are also at least
    /// <see cref="MissPercent"/> of its lookups.
    /// </summary>
    public int MissedIdNumbersPerAddress { get; set; } = 20;

    /// <summary>
    /// Misses block only when they are at least this share (percent) of the address's lookups in the window: honest
    /// crowds mistype now and then (a few percent), an enumerator misses nearly always. 0 counts misses alone.
    /// </summary>
    public int MissPercent { get; set; } = 10;

    /// <summary>How long an offending address's lookups are refused (the form comes back with the wait).</summary>
    public TimeSpan BlockDuration { get; set; } = TimeSpan.FromMinutes(15);
}

namespace ScorePortal.Features.Alerts;

/// <summary>Sliding-window thresholds of the anomaly monitors (configuration section "Anomaly"). 0 switches a monitor off.</summary>
public sealed class AnomalyOptions
{
    public const string Section = "Anomaly";

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Lookups and verifications from one address within the window.</summary>
    public int LookupsPerAddress { get; set; } = 120;

    /// <summary>Distinct addresses asking for one ID number within the window.</summary>
    public int AddressesPerIdNumber { get; set; } = 6;

    /// <summary>Distinct provinces (first two digits of resident IDs) asked for from one address within the window.</summary>
    public int ProvincesPerAddress { get; set; } = 6;

    public int WrongCaptchasPerAddress { get; set; } = 20;

    public int WrongNamesPerAddress { get; set; } = 10;

    /// <summary>How long an offending address is answered 429.</summary>
    public TimeSpan BlockDuration { get; set; } = TimeSpan.FromMinutes(15);
}

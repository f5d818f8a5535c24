using System.Diagnostics.Metrics;

namespace ScorePortal.Security;

/// <summary>
/// Counts the steps of a request whose number must not depend on a secret — above all whether an ID number is
/// registered: field decryptions and name normalizations. Published as metrics (free while nobody listens); the lookup
/// tests compare the counts of a hit, a wrong name and an unknown number.
/// </summary>
public static class WorkMeter
{
    public const string MeterName = "ScorePortal.Work";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Decryptions = Meter.CreateCounter<long>("scoreportal.work.decryptions");

    public static readonly Counter<long> NameNormalizations = Meter.CreateCounter<long>("scoreportal.work.name_normalizations");
}

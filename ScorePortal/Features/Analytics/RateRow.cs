namespace ScorePortal.Features.Analytics;

/// <summary>A line of the analytics tables: registrations, sat, absent and passed for one key (qualification, province, level, session).</summary>
public sealed record RateRow(string Key, int Registrations, int Sat, int Absent, int Passed)
{
    public double PassRate => Sat == 0 ? 0 : (double)Passed / Sat;
}

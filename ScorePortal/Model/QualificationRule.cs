using System.Globalization;

namespace ScorePortal.Model;

/// <summary>One sitting of a qualification by one candidate: the session and the subjects passed in it.</summary>
public sealed record QualificationSitting(int SessionId, int Year, ExamHalf Half, IReadOnlyCollection<int> PassedSubjectIds);

/// <summary>
/// Who passed: the one rule shared by publication, retraction and the demo seeder, as a pure function over
/// in-memory data (scores are encrypted, so callers load and decrypt them first).
/// </summary>
public static class QualificationRule
{
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>A subject counts as passed only with a normal status and a score at or above the pass line.</summary>
    public static bool IsPass(ScoreStatus status, decimal? score, decimal passLine) =>
        status == ScoreStatus.Normal && score is { } s && s >= passLine;

    /// <summary>
    /// The session in which the qualification is passed, or null: the earliest sitting T such that every subject was
    /// passed in some sitting S no later than T (by year and half) whose exam year lies in T's validity window
    /// (S.Year ≥ T.Year − validityYears + 1). Validity 1 means all subjects in the one sitting T (the H1 and H2
    /// sittings of a year do not combine); 2 lets passes carry over within two consecutive exam years. Only sittings
    /// of published sessions, with current scores, belong in <paramref name="sittings"/>.
    /// </summary>
    public static int? PassedIn(IReadOnlyCollection<int> subjectIds, int validityYears, IEnumerable<QualificationSitting> sittings)
    {
        ArgumentNullException.ThrowIfNull(subjectIds);
        ArgumentNullException.ThrowIfNull(sittings);
        // A qualification without subjects (a catalog mistake) is never passed by default.
        if (subjectIds.Count == 0) return null;

        var chronological = sittings.OrderBy(s => s.Year).ThenBy(s => s.Half).ToList();
        var passed = new HashSet<int>();
        for (var t = 0; t < chronological.Count; t++)
        {
            var target = chronological[t];
            // Only a sitting with a pass can be the one that completes the qualification.
            if (target.PassedSubjectIds.Count == 0) continue;
            passed.Clear();
            if (validityYears <= 1)
            {
                passed.UnionWith(target.PassedSubjectIds);
            }
            else
            {
                var windowStart = target.Year - validityYears + 1;
                for (var s = 0; s <= t; s++)
                {
                    if (chronological[s].Year >= windowStart) passed.UnionWith(chronological[s].PassedSubjectIds);
                }
            }
            if (passed.IsSupersetOf(subjectIds)) return target.SessionId;
        }
        return null;
    }

    /// <summary>"RK" + the release date of the session passed in, in China time (yyyyMMdd).</summary>
    public static string CertificatePrefix(DateTimeOffset releaseAt) =>
        "RK" + releaseAt.ToOffset(ChinaOffset).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The prefix and a 6-digit sequence within that release date, e.g. RK20260110000042.</summary>
    public static string CertificateNumber(DateTimeOffset releaseAt, int sequence) =>
        CertificatePrefix(releaseAt) + sequence.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The sequence part of a number with the given prefix; 0 when it has none.</summary>
    public static int SequenceOf(string? certificateNumber, string prefix) =>
        certificateNumber is not null && certificateNumber.StartsWith(prefix, StringComparison.Ordinal)
        && int.TryParse(certificateNumber.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : 0;
}

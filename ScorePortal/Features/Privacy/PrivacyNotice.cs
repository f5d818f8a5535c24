using ScorePortal.Account;

namespace ScorePortal.Features.Privacy;

/// <summary>One published version of the privacy notice: its number, the day it takes effect, and its text's resource prefix.</summary>
public sealed record PrivacyNoticeVersion(int Version, DateOnly EffectiveDate)
{
    /// <summary>The version's texts in the string tables: <c>Privacy.V{Version}.Intro</c>, <c>.Who</c>, …</summary>
    public string TextPrefix => $"Privacy.V{Version}";
}

/// <summary>
/// The privacy notice's versions. The text lives in the string tables under <see cref="PrivacyNoticeVersion.TextPrefix"/>
/// (both languages); a change of substance is a new version with its own prefix, added at the end of
/// <see cref="Versions"/>: every account that accepted an older one is asked to accept it at its next sign-in
/// (Account/PrivacyNoticeGate). Older versions stay readable at <c>/privacy?version=N</c>.
/// </summary>
public sealed class PrivacyNotice : ICurrentPrivacyNotice
{
    public static readonly IReadOnlyList<PrivacyNoticeVersion> Versions =
    [
        new(1, new DateOnly(2026, 12, 5)),
    ];

    public static PrivacyNoticeVersion Current => Versions[^1];

    public static PrivacyNoticeVersion? Find(int version) => Versions.FirstOrDefault(v => v.Version == version);

    public int Version => Current.Version;

    public DateOnly EffectiveDate => Current.EffectiveDate;
}

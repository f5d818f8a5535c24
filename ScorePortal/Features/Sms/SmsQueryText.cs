using System.Text;
using System.Text.RegularExpressions;
using ScorePortal.Model;

namespace ScorePortal.Features.Sms;

/// <summary>
/// Reads a query text: <c>RKCX+&lt;ID number&gt;</c>, also written <c>RKCX &lt;ID&gt;</c>, in lower case, with a
/// full-width plus sign (＋), full-width letters and digits, or spaces around it. Full-width forms fold to ASCII (NFKC,
/// as the lookup's ID normalization does), then the ID number is tried as each document type whose format it fits.
/// </summary>
public static partial class SmsQueryText
{
    public const string Keyword = "RKCX";

    /// <summary>Longer texts are not read: a query is the keyword and an ID number.</summary>
    public const int MaxLength = 80;

    [GeneratedRegex(@"^RKCX\s*\+?\s*([0-9A-Z×]{5,20})$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Query();

    /// <summary>The ID documents the text may name, normalized; empty when it is not a query.</summary>
    public static IReadOnlyList<(IdType Type, string IdNumber)> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength) return [];
        var folded = text.Normalize(NormalizationForm.FormKC).Trim().ToUpperInvariant();
        if (Query().Match(folded) is not { Success: true } match) return [];
        var id = match.Groups[1].Value;
        var found = new List<(IdType, string)>();
        foreach (var type in new[] { IdType.ResidentId, IdType.HkMacaoTaiwanPermit, IdType.Passport })
            if (CandidateIdentity.IdNumberError(type, id, out var normalized) is null) found.Add((type, normalized));
        return found;
    }
}

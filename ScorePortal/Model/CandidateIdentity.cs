using System.Globalization;
using System.Text;

namespace ScorePortal.Model;

/// <summary>
/// Who a candidate is, written once: how an ID number, a name and an email are normalized and what makes them
/// well-formed. The lookup, the import and the candidate area all call these, so a value stored by the import is
/// always found by a lookup typed the same way. The answers are resource keys (the lookup's messages, which the
/// import report reuses), never whether such a candidate exists.
/// </summary>
public static class CandidateIdentity
{
    /// <summary>Longer input is refused before it is normalized: no ID document number comes close.</summary>
    public const int MaxIdNumberInput = 64;

    /// <summary>The longest address RFC 5321 lets through.</summary>
    public const int MaxEmailLength = 254;

    /// <summary>
    /// The one normalization applied on import and on lookup: full-width forms folded (NFKC, IME input),
    /// all white space removed, upper-cased — so a resident ID ending in a lower-case x matches.
    /// </summary>
    public static string NormalizeIdNumber(IdType type, string idNumber)
    {
        ArgumentNullException.ThrowIfNull(idNumber);
        var folded = idNumber.Normalize(NormalizationForm.FormKC);
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c)) continue;
            sb.Append(char.ToUpperInvariant(c));
        }
        var normalized = sb.ToString();
        // Some Chinese input methods produce the multiplication sign for the check character X.
        if ((type is IdType.ResidentId or IdType.HkMacaoTaiwanPermit) && normalized.Length == 18 && normalized[17] == '×')
            normalized = string.Concat(normalized.AsSpan(0, 17), "X");
        return normalized;
    }

    /// <summary>
    /// Normalizes a non-empty ID number as typed or imported and says what is wrong with it, or null when it is
    /// well-formed: resident ID and permit have 18 characters, a real birth date and the GB 11643 check character
    /// (permits start with 81, 82 or 83); a passport number has 5–20 letters and digits.
    /// </summary>
    public static string? IdNumberError(IdType type, string idNumber, out string normalized)
    {
        ArgumentNullException.ThrowIfNull(idNumber);
        if (idNumber.Length > MaxIdNumberInput)
        {
            normalized = "";
            return type == IdType.Passport ? "Lookup.Error.PassportFormat" : "Lookup.Error.ResidentIdLength";
        }
        normalized = NormalizeIdNumber(type, idNumber);
        return NormalizedIdNumberProblem(type, normalized);
    }

    private static string? NormalizedIdNumberProblem(IdType type, string id)
    {
        switch (type)
        {
            case IdType.Passport:
                return id.Length is >= 5 and <= 20 && id.All(char.IsAsciiLetterOrDigit) ? null : "Lookup.Error.PassportFormat";
            case IdType.HkMacaoTaiwanPermit:
                if (id.Length != 18 || !(id.StartsWith("81", StringComparison.Ordinal) || id.StartsWith("82", StringComparison.Ordinal)
                    || id.StartsWith("83", StringComparison.Ordinal)))
                    return "Lookup.Error.PermitFormat";
                goto default;
            default:
                if (id.Length != 18 || !id.Take(17).All(char.IsAsciiDigit) || !(char.IsAsciiDigit(id[17]) || id[17] == 'X'))
                    return "Lookup.Error.ResidentIdLength";
                if (!DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
                    || birth.Year < 1900)
                    return "Lookup.Error.ResidentIdBirthDate";
                return ResidentIdNumber.IsValid(id) ? null : "Lookup.Error.ResidentIdCheckDigit";
        }
    }

    /// <summary>Normalizes a name (<see cref="NameNormalizer"/>) and says what is wrong with it, or null.</summary>
    public static string? NameError(string? name, out string normalized) =>
        NameNormalizer.TryNormalize(name, out normalized) switch
        {
            NameProblem.None => null,
            NameProblem.Empty => "Lookup.Error.NameRequired",
            NameProblem.TooLong => "Lookup.Error.NameTooLong",
            NameProblem.InvalidEscape => "Lookup.Error.NameEscape",
            _ => "Lookup.Error.NameCharacter",
        };

    /// <summary>Trimmed, folded full-width forms (IME input) and lower case: how an email is stored and compared.</summary>
    public static string NormalizeEmail(string? email) =>
        (email ?? "").Normalize(NormalizationForm.FormKC).Trim().ToLowerInvariant();

    /// <summary>Whether a normalized, non-empty email is an address mail can be sent to.</summary>
    public static bool IsEmail(string normalizedEmail) =>
        normalizedEmail.Length <= MaxEmailLength && normalizedEmail.Contains('@')
        && System.Net.Mail.MailAddress.TryCreate(normalizedEmail, out _);

    /// <summary>Whether two stored or typed emails name the same mailbox.</summary>
    public static bool SameEmail(string? a, string? b) => a is not null && b is not null && NormalizeEmail(a) == NormalizeEmail(b);

    /// <summary>The first character, the rest as stars, separators kept: 张*, 买**·**.</summary>
    public static string MaskName(string name)
    {
        var sb = new System.Text.StringBuilder();
        var first = true;
        foreach (var rune in name.EnumerateRunes())
        {
            if (rune.Value is ' ' or NameNormalizer.MiddleDot) { sb.Append(rune.ToString()); continue; }
            sb.Append(first ? rune.ToString() : "*");
            first = false;
        }
        return sb.ToString();
    }
}

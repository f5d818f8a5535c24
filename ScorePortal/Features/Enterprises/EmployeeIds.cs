using System.Text;

namespace ScorePortal.Features.Enterprises;

/// <summary>
/// Employee ids as the enterprise's HR system and the candidate type them: "E2023001", "ｅ２０２３００１ " and
/// "e2023001" are one id. Applied identically when a consent is granted, when the API is called and when a roster is
/// uploaded.
/// </summary>
public static class EmployeeIds
{
    /// <summary>
    /// NFKC (full-width letters and digits become ASCII), trimmed, upper case; letters, digits and <c>- _ . /</c> only,
    /// 1 to <see cref="Consent.EmployeeIdMaxLength"/> characters. Null when the value cannot be an employee id.
    /// </summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        string folded;
        try
        {
            folded = value.Normalize(NormalizationForm.FormKC).Trim().ToUpperInvariant();
        }
        catch (ArgumentException)
        {
            return null; // a lone surrogate cannot be normalized
        }
        if (folded.Length is 0 or > Consent.EmployeeIdMaxLength) return null;
        foreach (var c in folded)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or '/')) return null;
        }
        return folded;
    }
}

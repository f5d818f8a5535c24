using PhoneNumbers;

namespace ScorePortal.Model;

/// <summary>
/// A candidate's mobile number, written once for the result import and the SMS query: parsed with libphonenumber
/// (numbers without a country code read as Chinese), refused unless it is a valid number, and stored and compared in
/// E.164 (+8613800138000), so "138 0013 8000", "+86 138-0013-8000" and "008613800138000" are one number.
/// </summary>
public static class CandidateMobile
{
    /// <summary>Numbers without a country code are read in this region.</summary>
    public const string DefaultRegion = "CN";

    /// <summary>Longer input is refused before it is parsed: no phone number comes close (E.164 has at most 15 digits).</summary>
    public const int MaxInput = 32;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>The number in E.164, or null when it is not a valid phone number.</summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxInput) return null;
        // Full-width digits and plus signs (IME input, spreadsheets typed in Chinese) read as ASCII.
        var folded = text.Normalize(System.Text.NormalizationForm.FormKC).Trim();
        return Parse(folded)
            // Gateways often pass the international form without its plus sign (8613800138000).
            ?? (folded.Length > 11 && folded.All(char.IsAsciiDigit) ? Parse("+" + folded) : null);
    }

    private static string? Parse(string text)
    {
        try
        {
            var number = Util.Parse(text, DefaultRegion);
            return Util.IsValidNumber(number) ? Util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}

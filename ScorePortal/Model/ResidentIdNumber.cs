using System.Globalization;

namespace ScorePortal.Model;

/// <summary>The 18-character citizen identification number of GB 11643-1999 (also used by HK/Macao/Taiwan residence permits).</summary>
public static class ResidentIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckDigits = "10X98765432";

    /// <summary>ISO 7064 MOD 11-2 check character for the first 17 digits.</summary>
    public static char ComputeCheckDigit(string first17)
    {
        ArgumentNullException.ThrowIfNull(first17);
        if (first17.Length != 17) throw new ArgumentException("Exactly 17 digits are required.", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var c = first17[i];
            if (!char.IsAsciiDigit(c)) throw new ArgumentException("Only ASCII digits are allowed.", nameof(first17));
            sum += (c - '0') * Weights[i];
        }
        return CheckDigits[sum % 11];
    }

    /// <summary>Length 18, 17 digits, a real birth date (yyyyMMdd at positions 7–14) and a correct check character (X or x).</summary>
    public static bool IsValid(string? s)
    {
        if (s is null || s.Length != 18) return false;
        for (var i = 0; i < 17; i++)
            if (!char.IsAsciiDigit(s[i])) return false;
        if (!DateOnly.TryParseExact(s.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
            || birth.Year < 1900)
            return false;
        return char.ToUpperInvariant(s[17]) == ComputeCheckDigit(s[..17]);
    }

    /// <summary>The birth date encoded in a valid number.</summary>
    public static DateOnly BirthDate(string s) =>
        DateOnly.ParseExact(s.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture);
}

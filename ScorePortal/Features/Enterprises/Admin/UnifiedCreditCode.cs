namespace ScorePortal.Features.Enterprises.Admin;

/// <summary>
/// The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from the 31 of
/// <see cref="Alphabet"/> (digits and capitals without I, O, Z, S, V). Position 1 is the registering authority, 2 the
/// kind of organisation, 3–8 the administrative division (GB/T 2260, six digits), 9–17 the organisation code, and 18 a
/// check character: with Ci the value of character i in the alphabet and Wi = 3^(i−1) mod 31, C18 = 31 − (Σ Ci·Wi mod
/// 31), where 31 is written 0.
/// </summary>
public static class UnifiedCreditCode
{
    public const int Length = 18;
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>
    /// The code as stored: upper case, spaces and hyphens people type between groups removed, full-width characters
    /// folded. Null when the input is empty.
    /// </summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var folded = value.Normalize(System.Text.NormalizationForm.FormKC);
        return string.Concat(folded.Where(c => !char.IsWhiteSpace(c) && c != '-')).ToUpperInvariant();
    }

    /// <summary>Whether a normalized <paramref name="code"/> has the form and the check character of GB 32100-2015.</summary>
    public static bool IsValid(string? code)
    {
        if (code is not { Length: Length }) return false;
        for (var i = 2; i < 8; i++)
            if (!char.IsAsciiDigit(code[i])) return false;
        return CheckCharacter(code[..(Length - 1)]) == code[Length - 1];
    }

    /// <summary>The check character the first 17 characters call for; null when one of them is not in the alphabet.</summary>
    public static char? CheckCharacter(string first17)
    {
        ArgumentNullException.ThrowIfNull(first17);
        if (first17.Length != Length - 1) return null;
        var sum = 0;
        for (var i = 0; i < first17.Length; i++)
        {
            var value = Alphabet.IndexOf(first17[i], StringComparison.Ordinal);
            if (value < 0) return null;
            sum += value * Weights[i];
        }
        return Alphabet[(31 - (sum % 31)) % 31];
    }
}

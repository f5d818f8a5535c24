using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ScorePortal.Features.Candidates;

public enum NameProblem
{
    None = 0,
    Empty,
    TooLong,

    /// <summary>An escape such as <c>U+110000</c> or a lone surrogate that names no character.</summary>
    InvalidEscape,

    /// <summary>Control characters, lone surrogates, unassigned private forms: nothing a person's name is written with.</summary>
    InvalidCharacter,
}

/// <summary>
/// The one normalization of personal names, applied identically to a stored name and to what a candidate types
/// (DESIGN.md "Data and trust"). Two names match when their normalized forms are equal, ignoring Latin case.
/// </summary>
public static partial class NameNormalizer
{
    /// <summary>Longest accepted name, in code points (an Extension B character counts once, not twice).</summary>
    public const int MaxLength = 50;

    /// <summary>The canonical separator of transliterated minority and foreign names (U+00B7 MIDDLE DOT).</summary>
    public const char MiddleDot = '\u00B7';

    // Everything an IME, a font or a copy from a PDF gives for the dot in 买买提·艾力.
    private const string DotLookAlikes =
        "\u00B7\u0387\u2022\u2027\u2219\u22C5\u2E31\u30FB\uFF0E\uFF65\u318D";

    /// <summary>Normalizes <paramref name="input"/>, or says what is wrong with it.</summary>
    public static NameProblem TryNormalize(string? input, out string normalized)
    {
        normalized = "";
        if (string.IsNullOrWhiteSpace(input)) return NameProblem.Empty;
        // A pasted essay is refused before any work is spent on it.
        if (input.Length > MaxLength * 12) return NameProblem.TooLong;

        if (!TryDecodeEscapes(input, out var decoded)) return NameProblem.InvalidEscape;
        if (!IsWellFormed(decoded)) return NameProblem.InvalidCharacter;

        var composed = decoded.Normalize(NormalizationForm.FormC);
        var sb = new StringBuilder(composed.Length);
        var pendingSpace = false;
        foreach (var rune in composed.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (Rune.IsControl(rune)) return NameProblem.InvalidCharacter;

            var value = rune.Value;
            if (value <= 0xFFFF && DotLookAlikes.Contains((char)value))
            {
                // "买买提 · 艾力" and "买买提·艾力" are the same name.
                pendingSpace = false;
                if (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
                sb.Append(MiddleDot);
                continue;
            }
            if (pendingSpace && sb.Length > 0 && sb[^1] != MiddleDot) sb.Append(' ');
            pendingSpace = false;

            // Full-width Latin letters and digits (an IME left in full-width mode) are the ASCII ones.
            if (value is >= 0xFF01 and <= 0xFF5E) value -= 0xFEE0;
            sb.Append(char.ConvertFromUtf32(value));
        }

        normalized = sb.ToString();
        if (normalized.Length == 0) return NameProblem.Empty;
        if (CodePointCount(normalized) > MaxLength) return NameProblem.TooLong;
        return NameProblem.None;
    }

    /// <summary>
    /// The normalized form of a stored name. A stored name that cannot be normalized (it should never happen, the
    /// import normalizes) is returned as is, so that it simply matches nothing typed in.
    /// </summary>
    public static string Normalize(string stored) =>
        TryNormalize(stored, out var normalized) == NameProblem.None ? normalized : stored;

    /// <summary>Whether a typed name (already normalized) matches a stored name.</summary>
    public static bool Matches(string normalizedInput, string storedName) =>
        string.Equals(normalizedInput, Normalize(storedName), StringComparison.OrdinalIgnoreCase);

    /// <summary>Length in Unicode code points: 杨𠮷 is 2, although it takes 3 UTF-16 units.</summary>
    public static int CodePointCount(string s)
    {
        var count = 0;
        foreach (var _ in s.EnumerateRunes()) count++;
        return count;
    }

    /// <summary>
    /// Replaces <c>\u5586</c>, <c>\U00020BB7</c>, <c>U+5586</c>, <c>U+20BB7</c>, <c>&amp;#x5586;</c> and
    /// <c>&amp;#22918;</c> by the character. A UTF-16 surrogate pair written as two <c>\u</c> escapes is joined.
    /// </summary>
    public static bool TryDecodeEscapes(string input, out string decoded)
    {
        decoded = input;
        if (input.IndexOfAny(['\\', '+', '&']) < 0) return true;

        var ok = true;
        var units = Escape().Replace(input, m =>
        {
            var (digits, style) = m.Groups["u4"].Success ? (m.Groups["u4"].Value, NumberStyles.HexNumber)
                : m.Groups["u8"].Success ? (m.Groups["u8"].Value, NumberStyles.HexNumber)
                : m.Groups["uplus"].Success ? (m.Groups["uplus"].Value, NumberStyles.HexNumber)
                : m.Groups["hex"].Success ? (m.Groups["hex"].Value, NumberStyles.HexNumber)
                : (m.Groups["dec"].Value, NumberStyles.None);
            if (!int.TryParse(digits, style, CultureInfo.InvariantCulture, out var cp) || cp < 0 || cp > 0x10FFFF)
            {
                ok = false;
                return "";
            }
            // A \u escape may carry half of a surrogate pair; it is checked once both halves are in place.
            if (m.Groups["u4"].Success && char.IsSurrogate((char)cp)) return ((char)cp).ToString();
            if (!Rune.IsValid(cp))
            {
                ok = false;
                return "";
            }
            return char.ConvertFromUtf32(cp);
        });
        if (!ok) return false;
        decoded = units;
        return true;
    }

    private static bool IsWellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return false;
        }
        return true;
    }

    [GeneratedRegex(@"\\u(?<u4>[0-9A-Fa-f]{4})|\\U(?<u8>[0-9A-Fa-f]{8})|[Uu]\+(?<uplus>[0-9A-Fa-f]{4,6})|&#[xX](?<hex>[0-9A-Fa-f]{1,6});|&#(?<dec>[0-9]{1,7});")]
    private static partial Regex Escape();
}

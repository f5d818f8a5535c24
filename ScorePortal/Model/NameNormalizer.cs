using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ScorePortal.Model;

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
/// (docs/architecture.md, "Data and trust"). Two names match when their normalized forms are equal, ignoring Latin case.
/// </summary>
public static partial class NameNormalizer
{
    /// <summary>Longest accepted name, in code points (an Extension B character counts once, not twice).</summary>
    public const int MaxLength = 50;

    /// <summary>The canonical separator of transliterated minority and foreign names (U+00B7 MIDDLE DOT).</summary>
    public const char MiddleDot = '\u00B7';

    // Everything an IME, a font or a copy from a PDF gives for the dot in 买买提·艾力, wherever it stands.
    private const string DotLookAlikes =
        "\u00B7\u0387\u2022\u2027\u2219\u22C5\u2E31\u30FB\uFF65\u318D\u16EB\u2E30";

    // Full stops people type for the dot (ASCII, full-width, ideographic, halfwidth ideographic, small, one-dot
    // leader): the dot only between two letters (买买提.艾力), since a full stop anywhere else is no part of a name.
    private const string FullStops = ".\uFF0E\u3002\uFF61\uFE52\u2024";

    /// <summary>
    /// Normalizes <paramref name="input"/>, or says what is wrong with it. A name is written with letters of any
    /// script (CJK extensions as surrogate pairs, Uyghur, Tibetan, Mongolian, Latin…), combining marks after a letter,
    /// variation selectors (kept, ignored when matching), Private Use Area characters (rare characters some
    /// registration systems store there), ideographic description characters and CJK components (a rare character
    /// described as ⿰木吉), the middle dot and its look-alikes, spaces, hyphens and apostrophes. Everything else —
    /// digits, markup, punctuation, symbols, emoji, control and format characters — is
    /// <see cref="NameProblem.InvalidCharacter"/>.
    /// </summary>
    public static NameProblem TryNormalize(string? input, out string normalized)
    {
        ScorePortal.Security.WorkMeter.NameNormalizations.Add(1);
        normalized = "";
        if (string.IsNullOrWhiteSpace(input)) return NameProblem.Empty;
        // A pasted essay is refused before any work is spent on it.
        if (input.Length > MaxLength * 12) return NameProblem.TooLong;

        if (!TryDecodeEscapes(input, out var decoded)) return NameProblem.InvalidEscape;
        if (!IsWellFormed(decoded)) return NameProblem.InvalidCharacter;

        var composed = decoded.Normalize(NormalizationForm.FormC);
        var runes = new List<Rune>(composed.Length);
        foreach (var rune in composed.EnumerateRunes()) runes.Add(rune);

        var sb = new StringBuilder(composed.Length);
        var pendingSpace = false;
        for (var i = 0; i < runes.Count; i++)
        {
            var rune = runes[i];
            // Tabs and line breaks of a pasted cell are white space; any other control character (NEL included) is not.
            if (Rune.IsControl(rune) && rune.Value is not ('\t' or '\n' or '\r')) return NameProblem.InvalidCharacter;
            if (Rune.IsWhiteSpace(rune))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            var value = rune.Value;
            var isDot = value <= 0xFFFF && DotLookAlikes.Contains((char)value);
            // "买买提.艾力" (a phone's keyboard) and "买买提。艾力" (a Chinese IME) mean the middle dot.
            if (!isDot && value <= 0xFFFF && FullStops.Contains((char)value))
            {
                if (!LetterBefore(sb) || !LetterAfter(runes, i)) return NameProblem.InvalidCharacter;
                isDot = true;
            }
            if (isDot)
            {
                // "买买提 · 艾力" and "买买提·艾力" are the same name.
                pendingSpace = false;
                if (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
                sb.Append(MiddleDot);
                continue;
            }

            // Full-width Latin letters, hyphen and apostrophe (an IME left in full-width mode) are the ASCII ones;
            // typographic hyphens and the apostrophe a phone's autocorrect puts in (O’Brien) are the plain ones.
            if (value is >= 0xFF01 and <= 0xFF5E) value -= 0xFEE0;
            value = value switch
            {
                0x2010 or 0x2011 => '-',
                0x2019 or 0x2018 => '\'',
                _ => value,
            };

            switch (Classify(value))
            {
                case Kind.Letter:
                    break;
                case Kind.Attached:
                    // A mark or a variation selector belongs to the character before it.
                    if (sb.Length == 0 || pendingSpace || sb[^1] is ' ' or MiddleDot or '-' or '\'') return NameProblem.InvalidCharacter;
                    break;
                case Kind.Joiner:
                    if (!LetterBefore(sb) || pendingSpace) return NameProblem.InvalidCharacter;
                    break;
                default:
                    return NameProblem.InvalidCharacter;
            }

            if (pendingSpace && sb.Length > 0 && sb[^1] != MiddleDot) sb.Append(' ');
            pendingSpace = false;
            sb.Append(char.ConvertFromUtf32(value));
        }

        normalized = sb.ToString();
        if (normalized.Length == 0) return NameProblem.Empty;
        if (!HasLetter(normalized)) return NameProblem.InvalidCharacter;
        if (CodePointCount(normalized) > MaxLength) return NameProblem.TooLong;
        return NameProblem.None;
    }

    private enum Kind { Other, Letter, Attached, Joiner }

    /// <summary>What role a code point (after folding) can play in a name.</summary>
    private static Kind Classify(int value)
    {
        if (value is '-' or '\'') return Kind.Letter;
        if (IsVariationSelector(value)) return Kind.Attached;
        // Zero-width joiner and non-joiner shape Arabic-script (Uyghur) and Indic names; ignored when matching.
        if (value is 0x200C or 0x200D) return Kind.Joiner;
        // Tibetan syllables are separated by the tsheg (་, ༌); Mongolian has its nirugu and vowel separator.
        if (value is 0x0F0B or 0x0F0C or 0x180A or 0x180E) return Kind.Letter;
        // 〇 (ideographic zero) is written in Chinese names although Unicode files it as a number.
        if (value == 0x3007) return Kind.Letter;
        // Ideographic description characters, CJK radicals and strokes: how a rare character is spelt out (⿰木吉).
        if (value is >= 0x2E80 and <= 0x2FFF or >= 0x31C0 and <= 0x31EF) return Kind.Letter;
        switch (CharUnicodeInfo.GetUnicodeCategory(value))
        {
            case UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.PrivateUse:
                return Kind.Letter;
            case UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark:
                return Kind.Attached;
            case UnicodeCategory.OtherNotAssigned:
                // Planes 2 and 3 hold CJK ideographs only: a character newer than this runtime's Unicode tables
                // (a future extension) is still a character of a name.
                return value is >= 0x20000 and <= 0x3FFFF ? Kind.Letter : Kind.Other;
            default:
                return Kind.Other;
        }
    }

    private static bool IsVariationSelector(int value) =>
        value is >= 0xFE00 and <= 0xFE0F or >= 0xE0100 and <= 0xE01EF or >= 0x180B and <= 0x180D or 0x180F;

    private static bool LetterBefore(StringBuilder sb)
    {
        if (sb.Length == 0) return false;
        var last = sb[^1];
        if (char.IsLowSurrogate(last)) return true; // a supplementary character: a letter or a mark on one
        return last is not (' ' or MiddleDot or '-' or '\'');
    }

    private static bool LetterAfter(List<Rune> runes, int index)
    {
        for (var j = index + 1; j < runes.Count; j++)
        {
            if (Rune.IsWhiteSpace(runes[j])) continue;
            var value = runes[j].Value;
            if (value is >= 0xFF01 and <= 0xFF5E) value -= 0xFEE0;
            return Classify(value) == Kind.Letter && value is not ('-' or '\'');
        }
        return false;
    }

    private static bool HasLetter(string normalized)
    {
        foreach (var rune in normalized.EnumerateRunes())
            if (Classify(rune.Value) == Kind.Letter && rune.Value is not ('-' or '\'' or 0x0F0B or 0x0F0C or 0x180A or 0x180E)) return true;
        return false;
    }

    /// <summary>
    /// What two names are compared on: the normalized name without variation selectors and joiners (葛 and 葛󠄀 with
    /// an ideographic variation selector are one name written with two glyphs).
    /// </summary>
    public static string MatchKey(string normalized)
    {
        var sb = new StringBuilder(normalized.Length);
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (IsVariationSelector(rune.Value) || rune.Value is 0x200C or 0x200D) continue;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>
    /// The normalized form of a stored name. A stored name that cannot be normalized (it should never happen, the
    /// import normalizes) is returned as is, so that it simply matches nothing typed in.
    /// </summary>
    public static string Normalize(string stored) =>
        TryNormalize(stored, out var normalized) == NameProblem.None ? normalized : stored;

    /// <summary>Whether a typed name (already normalized) matches a stored name.</summary>
    public static bool Matches(string normalizedInput, string storedName) =>
        string.Equals(MatchKey(normalizedInput), MatchKey(Normalize(storedName)), StringComparison.OrdinalIgnoreCase);

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

using System.Security.Cryptography;

namespace ScorePortal.Features.Reports;

/// <summary>
/// A report's verification code: 20 Crockford base-32 characters (100 random bits), shown in groups of four to read
/// aloud over the phone. Typed input is forgiving: case, spaces and dashes are ignored, O reads as 0, I and L as 1.
/// </summary>
public static class VerificationCode
{
    public const int Length = 20;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New()
    {
        Span<byte> random = stackalloc byte[Length];
        RandomNumberGenerator.Fill(random);
        Span<char> code = stackalloc char[Length];
        for (var i = 0; i < Length; i++) code[i] = Alphabet[random[i] & 31];
        return new string(code);
    }

    public static string Grouped(string code) => string.Join('-', code.Chunk(4).Select(c => new string(c)));

    /// <summary>The canonical code, or null when the input cannot be one (never a database query for garbage).</summary>
    public static string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > 64) return null;
        Span<char> code = stackalloc char[Length];
        var n = 0;
        foreach (var raw in input)
        {
            if (raw is '-' or ' ' or '\u3000' or '\t') continue;
            var c = char.ToUpperInvariant(raw) switch { 'O' => '0', 'I' or 'L' => '1', var other => other };
            if (Alphabet.IndexOf(c) < 0 || n == Length) return null;
            code[n++] = c;
        }
        return n == Length ? new string(code) : null;
    }
}

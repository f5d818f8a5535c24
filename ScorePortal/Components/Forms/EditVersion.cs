using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ScorePortal.Components.Forms;

/// <summary>
/// A fingerprint of the editable values of a record as an admin form loaded them. The save compares it with the
/// record as stored: when another admin saved in between, the later save is refused instead of silently overwriting
/// (optimistic concurrency without a row-version column, so the model stays as it is).
/// </summary>
public static class EditVersion
{
    /// <summary>Refusal key when the record changed since the form loaded it.</summary>
    public const string Stale = "Admin.Error.Stale";

    public static string Of(params object?[] values)
    {
        var text = string.Join('\u001f', values.Select(Canonical));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
    }

    /// <summary>True when the caller sent a version and the stored record no longer matches it.</summary>
    public static bool IsStale(string? loaded, string current) =>
        loaded is not null && !string.Equals(loaded, current, StringComparison.Ordinal);

    // One spelling per value, whatever the provider hands back: 45 and 45.0 are the same pass line, and an instant
    // read as +08:00 equals the same instant in UTC.
    private static string Canonical(object? value) => value switch
    {
        null => "\u0000",
        decimal d => d.ToString("0.############################", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcTicks.ToString(CultureInfo.InvariantCulture),
        DateOnly d => d.DayNumber.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ScorePortal.Data;

/// <summary>
/// Instants that queries sort or filter by in SQL are stored as Unix milliseconds: SQLite cannot compare
/// DateTimeOffset values, and milliseconds compare the same on both providers.
/// <c>builder.Property(r => r.At).HasConversion(UnixTime.Milliseconds);</c>
/// </summary>
public static class UnixTime
{
    public static readonly ValueConverter<DateTimeOffset, long> Milliseconds = new(
        v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));

    public static readonly ValueConverter<DateTimeOffset?, long?> NullableMilliseconds = new(
        v => v.HasValue ? v.Value.ToUnixTimeMilliseconds() : null,
        v => v.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(v.Value) : null);
}

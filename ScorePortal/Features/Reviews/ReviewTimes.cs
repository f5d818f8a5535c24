using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ScorePortal.Features.Reviews;

/// <summary>
/// Review instants are stored as Unix milliseconds: the queue sorts and filters by them (overdue, newest first) in
/// SQL, and SQLite cannot compare DateTimeOffset values; milliseconds compare the same on both providers.
/// </summary>
internal static class ReviewTimes
{
    public static readonly ValueConverter<DateTimeOffset, long> UnixMilliseconds = new(
        v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));

    public static readonly ValueConverter<DateTimeOffset?, long?> NullableUnixMilliseconds = new(
        v => v.HasValue ? v.Value.ToUnixTimeMilliseconds() : null,
        v => v.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(v.Value) : null);
}

using System.Security.Cryptography;

namespace ScorePortal.Security;

/// <summary>
/// An encrypted column value that does not open for its column and row: altered, copied from another row or column,
/// or written before row binding (and refused). Names the column and the row's key, never a value, so it can be
/// logged and raised as an alert for admins (<see cref="IIntegrityAlarm"/>).
/// </summary>
public sealed class FieldIntegrityException : CryptographicException
{
    public FieldIntegrityException(string binding, Guid row, string reason, Exception? inner = null, bool unbound = false)
        : base($"{binding} of row {row:D} {reason}", inner)
    {
        Binding = binding;
        Row = row;
        Unbound = unbound;
    }

    /// <summary>
    /// The value is of a form from before row binding, refused as such (a database upgraded without <c>rotate-keys</c>,
    /// or an old value put back): one alert per column says so, not one per row.
    /// </summary>
    public bool Unbound { get; }

    /// <summary>The column: "Candidate.Name".</summary>
    public string Binding { get; }

    /// <summary>The RowKey of the row whose value did not open.</summary>
    public Guid Row { get; }

    /// <summary>The first <see cref="FieldIntegrityException"/> in an exception's chain, if any.</summary>
    public static FieldIntegrityException? In(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is FieldIntegrityException found) return found;
        return null;
    }
}

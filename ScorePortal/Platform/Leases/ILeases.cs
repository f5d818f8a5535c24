namespace ScorePortal.Platform.Leases;

/// <summary>
/// Who may do a thing that must happen once across every instance right now: publish due batches, sign the periodic
/// checkpoint, archive old audit entries, append to the audit chain. In process (<see cref="MemoryLeases"/>) when one
/// instance runs; in Redis (<see cref="RedisLeases"/>) when <c>Redis:Configuration</c> is set (docs/scale.md).
/// </summary>
public interface ILeases
{
    /// <summary>Whether other instances take the same leases (Redis): then what one holder did may have been done by another since.</summary>
    bool Shared { get; }

    /// <summary>
    /// Takes the lease <paramref name="name"/>, waiting up to <paramref name="wait"/> (zero: one try) for its holder to
    /// let go. Null when someone else still holds it. Throws <see cref="LeaseUnavailableException"/> when the lease
    /// cannot be asked for at all (Redis down): the caller skips its turn and says so, or — the audit chain — relies on
    /// the database alone.
    /// </summary>
    Task<ILease?> TryAcquireAsync(string name, TimeSpan wait, CancellationToken ct = default);
}

/// <summary>A lease held until it is disposed, or until <see cref="Lost"/> fires.</summary>
public interface ILease : IAsyncDisposable
{
    string Name { get; }

    /// <summary>
    /// Cancelled when the lease can no longer be kept (Redis stopped answering and its expiry passed, so another
    /// instance may take it): stop before the next step. Never cancelled in process.
    /// </summary>
    CancellationToken Lost { get; }
}

/// <summary>The lease could not be asked for (Redis unreachable): nobody can say who holds it.</summary>
public sealed class LeaseUnavailableException(string name, Exception inner)
    : Exception($"The lease '{name}' cannot be taken: the shared lease store does not answer.", inner)
{
    public string Name { get; } = name;
}

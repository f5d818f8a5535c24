using System.Collections.Concurrent;

namespace ScorePortal.Platform.Leases;

/// <summary>Leases for one instance: a semaphore per name, never lost (the embedded default, without Redis).</summary>
public sealed class MemoryLeases : ILeases
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _leases = new(StringComparer.Ordinal);

    public bool Shared => false;

    public async Task<ILease?> TryAcquireAsync(string name, TimeSpan wait, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var semaphore = _leases.GetOrAdd(name, static _ => new SemaphoreSlim(1, 1));
        return await semaphore.WaitAsync(wait, ct) ? new Lease(name, semaphore) : null;
    }

    private sealed class Lease(string name, SemaphoreSlim semaphore) : ILease
    {
        private int _released;

        public string Name => name;

        public CancellationToken Lost => CancellationToken.None;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) semaphore.Release();
            return ValueTask.CompletedTask;
        }
    }
}

namespace ScorePortal.Operations;

/// <summary>
/// What the busy gate (<see cref="BusyGate"/>) holds at this moment on this instance: requests inside, requests waiting
/// for a slot, requests refused. Counters only (Interlocked), read by the metrics (<see cref="PortalMetrics"/>) and the
/// public status page; the gate's own decisions do not depend on them.
/// </summary>
public sealed class GateOccupancy
{
    public GateCounters Lookups { get; } = new();

    public GateCounters Challenges { get; } = new();

    public sealed class GateCounters
    {
        private long _inside;
        private long _waiting;
        private long _refused;

        public long Inside => Interlocked.Read(ref _inside);

        public long Waiting => Interlocked.Read(ref _waiting);

        /// <summary>Requests answered "busy" since the instance started.</summary>
        public long Refused => Interlocked.Read(ref _refused);

        internal void StartWaiting() => Interlocked.Increment(ref _waiting);

        internal void StopWaiting(bool admitted)
        {
            Interlocked.Decrement(ref _waiting);
            if (admitted) Interlocked.Increment(ref _inside);
            else Interlocked.Increment(ref _refused);
        }

        internal void Leave() => Interlocked.Decrement(ref _inside);
    }
}

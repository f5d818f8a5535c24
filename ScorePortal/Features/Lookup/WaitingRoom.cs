using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using ScorePortal.Operations;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Features.Lookup;

/// <summary>The waiting room's settings (configuration section "WaitingRoom"; docs/configuration.md).</summary>
public sealed class WaitingRoomOptions
{
    public const string Section = "WaitingRoom";

    /// <summary>How often the waiting page asks for its place.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a ticket keeps its place at most; after it, the visitor starts again with a captcha.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>A place not heard from for this long is passed over when its turn comes (the tab was closed).</summary>
    public TimeSpan AbandonedAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long an admitted visitor has to come in before the place is passed over.</summary>
    public TimeSpan AdmittedFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest admission window: within any window, no more than this instance's free lookup slots are admitted.
    /// The window is the mean time a lookup holds a slot (measured by the gate, <see cref="GateLine.TryAdmit"/>), so
    /// the line moves as fast as slots free; this bounds it before anything was measured and when lookups are slow.
    /// </summary>
    public TimeSpan AdmitWindow { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a waiting page asks at most when its place is far from the front (the poll answer says when to ask again).</summary>
    public TimeSpan LongestPollInterval { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How long after seeing people in line an instance sends newcomers to its end.</summary>
    public TimeSpan LineHint { get; set; } = TimeSpan.FromSeconds(5);
}

public enum PlaceState
{
    /// <summary>In line: <see cref="QueuePlace.Place"/> people to go, this one included.</summary>
    Waiting,

    /// <summary>Their turn: the kept form may be posted with the ticket now.</summary>
    Admitted,

    /// <summary>Forged, expired, used, or passed over for good: the visitor starts again with a captcha.</summary>
    Gone,
}

/// <param name="Place">1 for the next to be admitted; 0 unless waiting.</param>
/// <param name="Estimate">The expected wait, at the pace the line moved lately (<see cref="LinePace"/>); null while it did not move.</param>
public readonly record struct QueuePlace(PlaceState State, long Place = 0, TimeSpan? Estimate = null);

/// <param name="Waiting">Places given and not yet admitted (closed tabs among them until their turn passes them over).</param>
/// <param name="Estimate">The wait of someone joining now at the pace the line moved lately; null while it did not move.</param>
/// <param name="PerSecond">That pace: places per second over the last minute; null while unmeasured.</param>
public readonly record struct LineStatus(long Waiting, TimeSpan? Estimate, double? PerSecond);

/// <summary>What a lookup post with a ticket may do.</summary>
public enum TicketUse
{
    /// <summary>Admitted and now spent: the lookup runs without a captcha (every other limit stays).</summary>
    Admitted,

    /// <summary>Not yet (or the gate is full again): the waiting page again, same ticket, same place.</summary>
    Waiting,

    /// <summary>Forged, expired or used: the form again, with a fresh captcha.</summary>
    Refused,
}

/// <summary>
/// The line in front of a full lookup gate, first come first served, kept in the limits store
/// (<see cref="ILimitsStore"/>) so that with the shared (Redis) store every instance serves one line. A visitor whose
/// captcha passed when the gate was full joins at the end (<see cref="JoinAsync"/>) and gets a ticket: their number
/// in line, sealed with Data Protection (shared by every instance), short-lived and single use. Two counters make the
/// line: <c>waiting:tail</c> (the last number given) and <c>waiting:head</c> (the last number whose turn came); the
/// waiting page's polls (<see cref="CheckAsync"/>) keep each place alive and move the head on as this instance's gate
/// frees slots (<see cref="GateLine.TryAdmit"/>: within the mean time a slot is held, at most as many as are free), so
/// admission keeps up with the gate's throughput and no more; the head only moves forward, one number at a time, so
/// places are admitted in the order they were given, whichever instance gave them or admits them. The estimate is the
/// place divided by the pace the head moved lately (<see cref="LinePace"/>: the shared head sampled by this instance,
/// so it counts every instance's admissions, at no extra store operation). A place not heard from lately is passed
/// over (the tab was closed); an admitted place is held for <see cref="WaitingRoomOptions.AdmittedFor"/>. The form
/// itself stays in the visitor's page, never here.
/// </summary>
public sealed class WaitingRoom(ILimitsStore store, GateLine gate, IDataProtectionProvider protection, TimeProvider time,
    IOptions<WaitingRoomOptions> options)
{
    private const string Tail = "waiting:tail";
    private const string Head = "waiting:head";

    /// <summary>How long the line's counters outlive their last change (a quiet line starts again from 0).</summary>
    private static readonly TimeSpan LineMemory = TimeSpan.FromHours(6);

    /// <summary>Passed-over places one step may skip to find a live one.</summary>
    private const int MaxSkips = 64;

    /// <summary>Admissions one poll may make.</summary>
    private const int MaxAdmitsPerCheck = 8;

    private const int IdLength = 16;

    private readonly IDataProtector _protector = protection.CreateProtector("ScorePortal.Lookup.WaitingRoom.v1");

    private readonly LinePace _pace = new(time);

    public WaitingRoomOptions Options => options.Value;

    /// <summary>
    /// The line now, for the status page: how many places wait and how long someone joining now would wait. Two store
    /// reads; the same line on every instance with the shared store.
    /// </summary>
    public async ValueTask<LineStatus> LineAsync()
    {
        var head = await store.CountAsync(Head);
        var tail = await store.CountAsync(Tail);
        _pace.Sample(head);
        var waiting = Math.Max(0, tail - head);
        var pace = _pace.PerSecond;
        return new LineStatus(waiting, waiting > 0 ? Estimate(waiting + 1, pace) : TimeSpan.Zero, pace);
    }

    /// <summary>
    /// When a waiting page at <paramref name="place"/> should ask again: every <see cref="WaitingRoomOptions.PollInterval"/>
    /// near the front, less often far back (a quarter of the estimate, at most
    /// <see cref="WaitingRoomOptions.LongestPollInterval"/> and well within <see cref="WaitingRoomOptions.AbandonedAfter"/>),
    /// so a long line costs fewer polls.
    /// </summary>
    public TimeSpan PollAfter(QueuePlace place)
    {
        var o = Options;
        if (place.State != PlaceState.Waiting || place.Estimate is not { } estimate) return o.PollInterval;
        var longest = TimeSpan.FromTicks(Math.Max(o.PollInterval.Ticks, Math.Min(o.LongestPollInterval.Ticks, o.AbandonedAfter.Ticks / 2)));
        return TimeSpan.FromTicks(Math.Clamp(estimate.Ticks / 4, o.PollInterval.Ticks, longest.Ticks));
    }

    /// <summary>Puts the visitor at the end of the line; returns their ticket.</summary>
    public async ValueTask<string> JoinAsync()
    {
        var number = await store.IncrementAsync(Tail, LineMemory, CounterExpiry.FromLast);
        await store.HitAsync(Seen(number), Options.AbandonedAfter);
        gate.SawLine(Options.LineHint);
        var payload = new byte[IdLength + 16];
        RandomNumberGenerator.Fill(payload.AsSpan(0, IdLength));
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(IdLength), number);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(IdLength + 8), (time.GetUtcNow() + Options.TicketLifetime).ToUnixTimeMilliseconds());
        return WebEncoders.Base64UrlEncode(_protector.Protect(payload));
    }

    /// <summary>
    /// The ticket's place (the waiting page's poll): keeps the place alive, lets the line move as this instance has free
    /// slots, and says whether the visitor's turn came.
    /// </summary>
    public async ValueTask<QueuePlace> CheckAsync(string? ticket)
    {
        if (Open(ticket) is not { } t) return new QueuePlace(PlaceState.Gone);
        await store.HitAsync(Seen(t.Number), Options.AbandonedAfter);
        if (await store.LockRemainingAsync(Admitted(t.Number)) > TimeSpan.Zero) return new QueuePlace(PlaceState.Admitted);

        var head = await store.CountAsync(Head);
        _pace.Sample(head);
        if (t.Number <= head)
        {
            // Passed over while silent (no script, a lost connection) or admitted and late: first in line again,
            // unless the ticket was used.
            if (await store.LockRemainingAsync(Used(t.Number)) > TimeSpan.Zero) return new QueuePlace(PlaceState.Gone);
            if (gate.TryAdmit(Options.AdmitWindow) && await store.TryLockAsync(Admitted(t.Number), Options.AdmittedFor))
                return new QueuePlace(PlaceState.Admitted);
            return new QueuePlace(PlaceState.Waiting, 1, Estimate(1, _pace.PerSecond));
        }

        gate.SawLine(Options.LineHint);
        head = await AdvanceAsync(head);
        if (t.Number <= head && await store.LockRemainingAsync(Admitted(t.Number)) > TimeSpan.Zero) return new QueuePlace(PlaceState.Admitted);
        var place = Math.Max(1, t.Number - head);
        return new QueuePlace(PlaceState.Waiting, place, Estimate(place, _pace.PerSecond));
    }

    /// <summary>
    /// A lookup post carrying a ticket. With <paramref name="spend"/> (the post holds a gate slot) an admitted ticket is
    /// spent; without (the gate was full again) the visitor keeps waiting with the same ticket.
    /// </summary>
    public async ValueTask<TicketUse> UseAsync(string? ticket, bool spend)
    {
        if (Open(ticket) is not { } t) return TicketUse.Refused;
        switch ((await CheckAsync(ticket)).State)
        {
            case PlaceState.Gone:
                return TicketUse.Refused;
            case PlaceState.Waiting:
                return TicketUse.Waiting;
        }
        if (!spend) return TicketUse.Waiting;
        if (!await store.TrySpendAsync("waiting:ticket:" + Convert.ToHexString(t.Id), t.ExpiresAt)) return TicketUse.Refused;
        await store.TryLockAsync(Used(t.Number), Options.TicketLifetime);
        await store.ReleaseLockAsync(Admitted(t.Number));
        return TicketUse.Admitted;
    }

    /// <summary>
    /// Moves the head on: while this instance's gate has room (<see cref="GateLine.TryAdmit"/>), the next live place is
    /// admitted (silent ones passed over). Returns the head after.
    /// </summary>
    private async ValueTask<long> AdvanceAsync(long head)
    {
        for (var admitted = 0; admitted < MaxAdmitsPerCheck; admitted++)
        {
            var tail = await store.CountAsync(Tail);
            if (head >= tail || !gate.TryAdmit(Options.AdmitWindow)) return head;
            var found = false;
            for (var skip = 0; skip < MaxSkips && !found && head < tail; skip++)
            {
                head = await store.IncrementAsync(Head, LineMemory, CounterExpiry.FromLast);
                if (await store.HitsAsync(Seen(head), Options.AbandonedAfter) == 0) continue;
                found = await store.TryLockAsync(Admitted(head), Options.AdmittedFor);
            }
            if (!found) return head;
        }
        return head;
    }

    /// <summary>The wait for <paramref name="place"/> at <paramref name="perSecond"/> places a second; null unmeasured.</summary>
    private static TimeSpan? Estimate(long place, double? perSecond) =>
        perSecond is > 0 and var pace ? TimeSpan.FromSeconds(Math.Ceiling(place / pace)) : null;

    private static string Seen(long number) => "waiting:seen:" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Admitted(long number) => "waiting:admitted:" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Used(long number) => "waiting:used:" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Ticket(byte[] Id, long Number, DateTimeOffset ExpiresAt);

    /// <summary>The ticket's content; null when forged, altered or expired.</summary>
    private Ticket? Open(string? ticket)
    {
        if (string.IsNullOrEmpty(ticket) || ticket.Length > 512) return null;
        try
        {
            var payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(ticket));
            if (payload.Length != IdLength + 16) return null;
            var expires = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(IdLength + 8)));
            if (expires <= time.GetUtcNow()) return null;
            return new Ticket(payload[..IdLength], BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(IdLength)), expires);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// How fast the line's head moved lately, from samples of the shared head counter this instance reads anyway (each
/// poll and status read): at most one sample a second, a minute kept. The pace counts every admission and every
/// passed-over place, on every instance, which is what a place in line waits for.
/// </summary>
internal sealed class LinePace(TimeProvider time)
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Kept = TimeSpan.FromMinutes(1);

    private readonly Queue<(long At, long Head)> _samples = new();
    private (long At, long Head) _last;

    public void Sample(long head)
    {
        var now = time.GetTimestamp();
        lock (_samples)
        {
            // A head lower than the last one seen: the line was forgotten and started again; so is its pace.
            if (_samples.Count > 0 && head < _last.Head) _samples.Clear();
            if (_samples.Count > 0 && time.GetElapsedTime(_last.At, now) < Every) return;
            _last = (now, head);
            _samples.Enqueue(_last);
            while (_samples.Count > 1 && time.GetElapsedTime(_samples.Peek().At, now) > Kept) _samples.Dequeue();
        }
    }

    /// <summary>Places per second between the oldest and newest samples; null with less than a second measured.</summary>
    public double? PerSecond
    {
        get
        {
            lock (_samples)
            {
                if (_samples.Count < 2) return null;
                var first = _samples.Peek();
                var seconds = time.GetElapsedTime(first.At, _last.At).TotalSeconds;
                return seconds < Every.TotalSeconds ? null : (_last.Head - first.Head) / seconds;
            }
        }
    }
}

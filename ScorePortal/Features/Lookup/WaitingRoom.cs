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
    /// Admissions are spread over windows of this length: within any window, no more than this instance's free lookup
    /// slots are admitted (an admitted visitor's post arrives within about a poll's round trip).
    /// </summary>
    public TimeSpan AdmitWindow { get; set; } = TimeSpan.FromMilliseconds(500);

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
/// <param name="Estimate">The expected wait, from the admissions of the last minute; null while there were none.</param>
public readonly record struct QueuePlace(PlaceState State, long Place = 0, TimeSpan? Estimate = null);

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
/// has free slots, at most as many per <see cref="WaitingRoomOptions.AdmitWindow"/> as it has free, so admission
/// follows capacity. A place not heard from lately is passed over (the tab was closed); an admitted place is held for
/// <see cref="WaitingRoomOptions.AdmittedFor"/>. The form itself stays in the visitor's page, never here.
/// </summary>
public sealed class WaitingRoom(ILimitsStore store, GateLine gate, IDataProtectionProvider protection, TimeProvider time,
    IOptions<WaitingRoomOptions> options)
{
    private const string Tail = "waiting:tail";
    private const string Head = "waiting:head";
    private const string AdmitBudget = "waiting:admit";
    private const string AdmitRate = "waiting:rate";

    /// <summary>How long the line's counters outlive their last change (a quiet line starts again from 0).</summary>
    private static readonly TimeSpan LineMemory = TimeSpan.FromHours(6);

    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    /// <summary>Passed-over places one step may skip to find a live one.</summary>
    private const int MaxSkips = 64;

    /// <summary>Admissions one poll may make.</summary>
    private const int MaxAdmitsPerCheck = 8;

    private const int IdLength = 16;

    private readonly IDataProtector _protector = protection.CreateProtector("ScorePortal.Lookup.WaitingRoom.v1");

    public WaitingRoomOptions Options => options.Value;

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
        if (t.Number <= head)
        {
            // Passed over while silent (no script, a lost connection) or admitted and late: first in line again,
            // unless the ticket was used.
            if (await store.LockRemainingAsync(Used(t.Number)) > TimeSpan.Zero) return new QueuePlace(PlaceState.Gone);
            if (await TakeAdmissionAsync() && await store.TryLockAsync(Admitted(t.Number), Options.AdmittedFor))
                return new QueuePlace(PlaceState.Admitted);
            return new QueuePlace(PlaceState.Waiting, 1, await EstimateAsync(1));
        }

        gate.SawLine(Options.LineHint);
        head = await AdvanceAsync(head);
        if (t.Number <= head && await store.LockRemainingAsync(Admitted(t.Number)) > TimeSpan.Zero) return new QueuePlace(PlaceState.Admitted);
        var place = Math.Max(1, t.Number - head);
        return new QueuePlace(PlaceState.Waiting, place, await EstimateAsync(place));
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
    /// Moves the head on: while this instance has free slots and the window's admissions allow, the next live place is
    /// admitted (silent ones passed over). Returns the head after.
    /// </summary>
    private async ValueTask<long> AdvanceAsync(long head)
    {
        for (var admitted = 0; admitted < MaxAdmitsPerCheck; admitted++)
        {
            var tail = await store.CountAsync(Tail);
            if (head >= tail || !await TakeAdmissionAsync()) return head;
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

    /// <summary>One admission of this window, if this instance has free slots left for it.</summary>
    private async ValueTask<bool> TakeAdmissionAsync()
    {
        var free = gate.FreeSlots;
        if (free <= 0 || !(await store.HitAsync(AdmitBudget, Options.AdmitWindow, free)).Counted) return false;
        await store.HitAsync(AdmitRate, RateWindow);
        return true;
    }

    /// <summary>The wait for <paramref name="place"/> at the pace of the last minute's admissions; null without any.</summary>
    private async ValueTask<TimeSpan?> EstimateAsync(long place)
    {
        var admitted = await store.HitsAsync(AdmitRate, RateWindow);
        return admitted == 0 ? null : TimeSpan.FromSeconds(Math.Ceiling(place * RateWindow.TotalSeconds / admitted));
    }

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

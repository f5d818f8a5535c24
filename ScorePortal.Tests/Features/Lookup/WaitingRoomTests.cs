using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Features.Lookup;
using ScorePortal.Operations;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>
/// The waiting room's line on the limits store: first come first served, admission as the gate's slots free, places
/// of closed tabs passed over, tickets that are single use, short-lived and cannot be forged.
/// </summary>
public sealed class WaitingRoomTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero));
    private readonly GateLine _gate;
    private readonly WaitingRoom _room;
    private readonly WaitingRoomOptions _options = new();

    public WaitingRoomTests()
    {
        _gate = new GateLine(_time, Options.Create(new BusyGateOptions { MaxConcurrent = 2 }));
        _room = RoomOn(new MemoryLimitsStore(_time), new EphemeralDataProtectionProvider());
    }

    private WaitingRoom RoomOn(ILimitsStore store, IDataProtectionProvider protection) =>
        new(store, _gate, protection, _time, Options.Create(_options));

    /// <summary>Takes every slot of the gate, as lookups in progress do.</summary>
    private void FillGate()
    {
        while (_gate.LookupSlots.Wait(0))
        {
        }
    }

    private void FreeSlot() => _gate.LookupSlots.Release();

    [Fact]
    public async Task Places_follow_the_order_of_arrival_and_nobody_is_admitted_while_the_gate_is_full()
    {
        FillGate();
        var first = await _room.JoinAsync();
        var second = await _room.JoinAsync();
        var third = await _room.JoinAsync();

        Assert.Equal(new QueuePlace(PlaceState.Waiting, 1), await _room.CheckAsync(first));
        Assert.Equal(new QueuePlace(PlaceState.Waiting, 2), await _room.CheckAsync(second));
        Assert.Equal(new QueuePlace(PlaceState.Waiting, 3), await _room.CheckAsync(third));
        Assert.True(_gate.LineWaiting);
    }

    [Fact]
    public async Task A_freed_slot_admits_the_head_of_the_line_whoever_asks_and_the_line_moves_up()
    {
        FillGate();
        var first = await _room.JoinAsync();
        var second = await _room.JoinAsync();
        var third = await _room.JoinAsync();

        FreeSlot();
        // The third visitor's poll moves the line: the first is admitted, not the one who asked.
        Assert.Equal(PlaceState.Waiting, (await _room.CheckAsync(third)).State);
        Assert.Equal(PlaceState.Admitted, (await _room.CheckAsync(first)).State);
        // No estimate yet: the line's pace is measured over at least a second.
        Assert.Equal(new QueuePlace(PlaceState.Waiting, 1), await _room.CheckAsync(second));
        Assert.Equal(2, (await _room.CheckAsync(third)).Place);
    }

    [Fact]
    public async Task Admissions_in_a_window_are_bounded_by_the_free_slots()
    {
        FillGate();
        var tickets = new List<string>();
        for (var i = 0; i < 5; i++) tickets.Add(await _room.JoinAsync());

        FreeSlot();
        foreach (var ticket in tickets) await _room.CheckAsync(ticket);
        var states = new List<PlaceState>();
        foreach (var ticket in tickets) states.Add((await _room.CheckAsync(ticket)).State);
        Assert.Equal([PlaceState.Admitted, PlaceState.Waiting, PlaceState.Waiting, PlaceState.Waiting, PlaceState.Waiting], states);

        // The next window: the one free slot admits the next in line.
        _time.Advance(_options.AdmitWindow + TimeSpan.FromMilliseconds(1));
        await _room.CheckAsync(tickets[4]);
        Assert.Equal(PlaceState.Admitted, (await _room.CheckAsync(tickets[1])).State);
        Assert.Equal(PlaceState.Waiting, (await _room.CheckAsync(tickets[2])).State);
    }

    [Fact]
    public async Task Admission_keeps_up_with_the_measured_slot_time_not_a_fixed_window()
    {
        FillGate();
        var tickets = new List<string>();
        for (var i = 0; i < 6; i++) tickets.Add(await _room.JoinAsync());
        // Lookups lately held their slot 20 ms each.
        var began = _gate.Now();
        _time.Advance(TimeSpan.FromMilliseconds(20));
        _gate.Held(began);
        Assert.Equal(TimeSpan.FromMilliseconds(20), _gate.MeanHold);

        FreeSlot();
        FreeSlot();
        await _room.CheckAsync(tickets[5]);
        // Two free slots, two admitted; 20 ms later the slots have freed again as far as the line knows: two more,
        // long before the longest window (500 ms) would allow.
        _time.Advance(TimeSpan.FromMilliseconds(20));
        await _room.CheckAsync(tickets[5]);
        var states = new List<PlaceState>();
        foreach (var ticket in tickets) states.Add((await _room.CheckAsync(ticket)).State);
        Assert.Equal([PlaceState.Admitted, PlaceState.Admitted, PlaceState.Admitted, PlaceState.Admitted, PlaceState.Waiting, PlaceState.Waiting], states);
    }

    [Fact]
    public async Task The_estimate_follows_the_pace_of_the_line_and_far_places_poll_less_often()
    {
        FillGate();
        var tickets = new List<string>();
        for (var i = 0; i < 10; i++) tickets.Add(await _room.JoinAsync());
        Assert.Null((await _room.CheckAsync(tickets[9])).Estimate);

        // One admission a second for four seconds.
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            FreeSlot();
            await _room.CheckAsync(tickets[9]);
            FillGate();
        }
        // Sampled once a second as the polls read the head: four places in five seconds, 0.8 a second.
        _time.Advance(TimeSpan.FromSeconds(1));
        var last = await _room.CheckAsync(tickets[9]);
        Assert.Equal(new QueuePlace(PlaceState.Waiting, 6, TimeSpan.FromSeconds(8)), last);
        var line = await _room.LineAsync();
        Assert.Equal(6, line.Waiting);
        Assert.Equal(0.8, line.PerSecond);
        // A newcomer would be seventh: 8.75 s, said as 9.
        Assert.Equal(TimeSpan.FromSeconds(9), line.Estimate);

        Assert.Equal(_options.PollInterval, _room.PollAfter(last));
        Assert.Equal(_options.LongestPollInterval, _room.PollAfter(new QueuePlace(PlaceState.Waiting, 900, TimeSpan.FromMinutes(15))));
        Assert.Equal(TimeSpan.FromSeconds(5), _room.PollAfter(new QueuePlace(PlaceState.Waiting, 20, TimeSpan.FromSeconds(20))));
        Assert.Equal(_options.PollInterval, _room.PollAfter(new QueuePlace(PlaceState.Admitted)));
    }

    [Fact]
    public async Task A_place_not_heard_from_is_passed_over_and_its_ticket_expires_with_its_lifetime()
    {
        FillGate();
        var abandoned = await _room.JoinAsync();
        var waiting = await _room.JoinAsync();
        // The first tab was closed: only the second page keeps asking.
        for (var elapsed = TimeSpan.Zero; elapsed <= _options.AbandonedAfter; elapsed += _options.PollInterval)
        {
            _time.Advance(_options.PollInterval);
            Assert.Equal(PlaceState.Waiting, (await _room.CheckAsync(waiting)).State);
        }

        FreeSlot();
        Assert.Equal(PlaceState.Admitted, (await _room.CheckAsync(waiting)).State);

        _time.Advance(_options.TicketLifetime);
        Assert.Equal(PlaceState.Gone, (await _room.CheckAsync(abandoned)).State);
        Assert.Equal(TicketUse.Refused, await _room.UseAsync(abandoned, spend: true));
    }

    [Fact]
    public async Task An_admitted_ticket_is_spent_once_and_then_refused()
    {
        var ticket = await _room.JoinAsync();

        Assert.Equal(TicketUse.Admitted, await _room.UseAsync(ticket, spend: true));
        Assert.Equal(TicketUse.Refused, await _room.UseAsync(ticket, spend: true));
        Assert.Equal(PlaceState.Gone, (await _room.CheckAsync(ticket)).State);
    }

    [Fact]
    public async Task A_ticket_not_yet_admitted_or_met_by_a_full_gate_keeps_waiting_unspent()
    {
        FillGate();
        var ticket = await _room.JoinAsync();
        Assert.Equal(TicketUse.Waiting, await _room.UseAsync(ticket, spend: true));

        FreeSlot();
        Assert.Equal(PlaceState.Admitted, (await _room.CheckAsync(ticket)).State);
        // Admitted, but the gate was full again when the form came: the same ticket waits on, still usable.
        Assert.Equal(TicketUse.Waiting, await _room.UseAsync(ticket, spend: false));
        Assert.Equal(TicketUse.Admitted, await _room.UseAsync(ticket, spend: true));
    }

    [Fact]
    public async Task Forged_altered_and_foreign_tickets_are_refused()
    {
        var ticket = await _room.JoinAsync();
        var bytes = WebEncoders.Base64UrlDecode(ticket);
        bytes[^1] ^= 1;
        var foreign = await RoomOn(new MemoryLimitsStore(_time), new EphemeralDataProtectionProvider()).JoinAsync();

        Assert.Equal(TicketUse.Refused, await _room.UseAsync(WebEncoders.Base64UrlEncode(bytes), spend: true));
        Assert.Equal(TicketUse.Refused, await _room.UseAsync(foreign, spend: true));
        Assert.Equal(TicketUse.Refused, await _room.UseAsync("not-a-ticket", spend: true));
        Assert.Equal(TicketUse.Refused, await _room.UseAsync(null, spend: true));
        Assert.Equal(PlaceState.Gone, (await _room.CheckAsync(new string('A', 600))).State);
    }

    [Fact]
    public async Task Two_instances_on_one_store_serve_one_line()
    {
        var store = new MemoryLimitsStore(_time);
        var protection = new EphemeralDataProtectionProvider();
        var otherGate = new GateLine(_time, Options.Create(new BusyGateOptions { MaxConcurrent = 1 }));
        var a = RoomOn(store, protection);
        var b = new WaitingRoom(store, otherGate, protection, _time, Options.Create(_options));
        FillGate();
        otherGate.LookupSlots.Wait(0);

        var first = await a.JoinAsync();
        var second = await b.JoinAsync();
        Assert.Equal(2, (await a.CheckAsync(second)).Place);

        otherGate.LookupSlots.Release();
        // B has the free slot: its poll admits the head of the one line, who joined on A.
        await b.CheckAsync(second);
        Assert.Equal(PlaceState.Admitted, (await a.CheckAsync(first)).State);
        Assert.Equal(1, (await b.CheckAsync(second)).Place);
    }
}

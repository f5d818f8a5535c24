using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Features.Lookup;
using ScorePortal.Operations;
using ScorePortal.Platform.Limits;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>
/// Two instances (two gates, two Redis connections) serve one waiting line on one redis-server: places are admitted in
/// the order they were given, whichever instance gave them, whichever instance's slot frees and whoever polls first.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SharedWaitingRoomTests(RedisServer redis) : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 23, 1, 0, 0, TimeSpan.Zero));
    private readonly string _prefix = RedisServer.NewPrefix();
    private readonly IDataProtectionProvider _protection = new EphemeralDataProtectionProvider();
    private readonly WaitingRoomOptions _options = new();
    private readonly List<IDisposable> _opened = [];

    private (WaitingRoom Room, GateLine Gate) Instance()
    {
        var options = new RedisLimitsOptions { Configuration = redis.Configuration, KeyPrefix = _prefix };
        var connection = RedisLimitsStore.Connect(options);
        var store = new RedisLimitsStore(connection, options, _clock, null, [], NullLogger<RedisLimitsStore>.Instance);
        _opened.Add(store);
        _opened.Add(connection);
        var gate = new GateLine(_clock, Options.Create(new BusyGateOptions { MaxConcurrent = 1 }));
        // Both gates start full: every lookup slot taken.
        Assert.True(gate.LookupSlots.Wait(0));
        return (new WaitingRoom(store, gate, _protection, _clock, Options.Create(_options)), gate);
    }

    [Fact]
    public async Task Places_are_admitted_first_come_first_served_across_two_instances_on_one_redis()
    {
        var a = Instance();
        var b = Instance();
        var instances = new[] { a, b };

        // Twelve visitors join alternately on A and B.
        var tickets = new List<string>();
        for (var i = 0; i < 12; i++) tickets.Add(await instances[i % 2].Room.JoinAsync());
        for (var i = 0; i < tickets.Count; i++)
        {
            // One line: each instance tells each visitor the same place.
            Assert.Equal(i + 1, (await a.Room.CheckAsync(tickets[i])).Place);
            Assert.Equal(i + 1, (await b.Room.CheckAsync(tickets[i])).Place);
        }

        var admitted = new List<int>();
        for (var round = 0; round < tickets.Count; round++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            // A slot frees on one instance (in turn); every visitor still waiting polls, the last to join first, on the
            // instance it did not join and then on the other (a load balancer spreads the polls).
            var freed = instances[round % 2].Gate;
            freed.LookupSlots.Release();
            var waiting = Enumerable.Range(0, tickets.Count).Where(i => !admitted.Contains(i)).Reverse().ToList();
            foreach (var i in waiting)
            {
                await instances[(i + 1) % 2].Room.CheckAsync(tickets[i]);
                await instances[i % 2].Room.CheckAsync(tickets[i]);
            }
            // The admitted visitor's lookup takes the slot again; then who was admitted this round.
            Assert.True(freed.LookupSlots.Wait(0));
            var now = new List<int>();
            foreach (var i in waiting)
                if ((await a.Room.CheckAsync(tickets[i])).State == PlaceState.Admitted) now.Add(i);
            Assert.True(now.Count == 1, $"round {round}: admitted {string.Join(", ", now)}");
            admitted.Add(now[0]);
        }

        Assert.Equal(Enumerable.Range(0, tickets.Count), admitted);
    }

    [Fact]
    public async Task Both_instances_give_the_same_estimate_from_the_pace_of_the_shared_line()
    {
        var a = Instance();
        var b = Instance();
        var tickets = new List<string>();
        for (var i = 0; i < 6; i++) tickets.Add(await a.Room.JoinAsync());
        Assert.Equal(6, (await b.Room.LineAsync()).Waiting);
        Assert.Null((await a.Room.LineAsync()).Estimate);

        // B admits two places; both instances measure the shared head's pace from their own samples.
        _clock.Advance(TimeSpan.FromSeconds(10));
        b.Gate.LookupSlots.Release(1);
        await b.Room.CheckAsync(tickets[5]);
        _clock.Advance(_options.AdmitWindow);
        await b.Room.CheckAsync(tickets[5]);
        Assert.True(b.Gate.LookupSlots.Wait(0));
        _clock.Advance(TimeSpan.FromSeconds(10) - _options.AdmitWindow);

        var onA = await a.Room.LineAsync();
        var onB = await b.Room.LineAsync();
        Assert.Equal(4, onA.Waiting);
        Assert.Equal(onA, onB);
        // Two places in the twenty seconds since the first samples: 0.1 a second, five places to go for a newcomer.
        Assert.Equal(TimeSpan.FromSeconds(50), onA.Estimate);
    }

    public void Dispose()
    {
        foreach (var opened in _opened) opened.Dispose();
    }
}

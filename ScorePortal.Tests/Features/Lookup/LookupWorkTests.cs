using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ScorePortal.Data;
using ScorePortal.Features.Lookup;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>
/// Whether an ID number is registered must not show in how much work its lookup costs. Work is counted (decryptions,
/// name normalizations, through the <see cref="WorkMeter"/>), not timed: a count is exact on a loaded machine.
/// </summary>
public sealed class LookupWorkTests
{
    private static readonly AsyncLocal<Tally?> Current = new();

    private sealed class Tally
    {
        public long Decryptions;
        public long Normalizations;
    }

    /// <summary>Lets every lookup through: the captcha and limits are not what is measured here.</summary>
    private sealed class OpenGuard : ILookupGuard
    {
        public ValueTask<LookupRefusal?> CheckAsync(LookupAttempt attempt, CancellationToken cancellationToken) => ValueTask.FromResult<LookupRefusal?>(null);

        public ValueTask RecordAsync(LookupAttempt attempt, bool matched, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_hit_a_wrong_name_and_an_unknown_id_number_decrypt_and_normalize_alike()
    {
        await using var portal = new DemoPortal();
        var services = portal.Services;
        string session;
        await using (var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
            session = (await db.ExamSessions.Where(s => s.PublishedAt != null).ToListAsync())
                .OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).First().Code;
        var flow = new LookupFlow(services.GetRequiredService<SessionCatalog>(), services.GetRequiredService<ResultCatalog>(), TimeProvider.System,
            new OpenGuard(), services.GetRequiredService<LookupDecoy>(), NullLogger<LookupFlow>.Instance);
        var lookup = new LookupById(services.GetRequiredService<ResultQuery>(), services.GetRequiredService<BlindIndex>(), flow);

        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WorkMeter.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            // Other tests run in parallel in this process: only this test's own flow is counted.
            if (Current.Value is not { } tally) return;
            if (instrument == WorkMeter.Decryptions) Interlocked.Add(ref tally.Decryptions, value);
            else Interlocked.Add(ref tally.Normalizations, value);
        });
        listener.Start();

        async Task<(Type Outcome, long Decryptions, long Normalizations)> MeasureAsync(string idNumber, string name)
        {
            var tally = new Tally();
            Current.Value = tally;
            try
            {
                var outcome = await lookup.HandleAsync(new LookupByIdRequest(session, IdType.ResidentId, idNumber, name));
                return (outcome.GetType(), tally.Decryptions, tally.Normalizations);
            }
            finally
            {
                Current.Value = null;
            }
        }

        await MeasureAsync("110105199003072311", "张伟"); // catalogs and prepared statements warm
        var hit = await MeasureAsync("110105199003072311", "张伟");
        var wrongName = await MeasureAsync("110105199003072311", "张三");
        var unknown = await MeasureAsync("11010519491231002X", "张三");

        Assert.Equal(typeof(ResultOutcome.Found), hit.Outcome);
        Assert.Equal(typeof(ResultOutcome.NotFound), wrongName.Outcome);
        Assert.Equal(typeof(ResultOutcome.NotFound), unknown.Outcome);
        Assert.Equal(LookupDecoy.DecryptionBudget, hit.Decryptions);
        Assert.Equal((hit.Decryptions, hit.Normalizations), (wrongName.Decryptions, wrongName.Normalizations));
        Assert.Equal((hit.Decryptions, hit.Normalizations), (unknown.Decryptions, unknown.Normalizations));
        Assert.True(hit.Normalizations >= 2, "the typed name and a stored name are normalized");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>The SQLite lookup statement (prepared once per connection) answers exactly what the EF query answers.</summary>
public sealed class LookupQueryTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    [Fact]
    public async Task Prepared_statements_return_the_rows_of_the_ef_query_for_every_demo_registration()
    {
        var query = portal.Services.GetRequiredService<ResultQuery>();
        List<(ScorePortal.Model.IdType Type, byte[] Index, int SessionId, string Ticket)> registrations;
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
            registrations = (await db.Registrations.AsNoTracking()
                    .Select(r => new { r.Candidate.IdType, r.Candidate.IdNumberIndex, r.ExamSessionId, r.TicketNumber })
                    .OrderBy(r => r.TicketNumber).Take(300).ToListAsync())
                .Select(r => (r.IdType, r.IdNumberIndex, r.ExamSessionId, r.TicketNumber)).ToList();
        Assert.True(registrations.Count >= 10, $"{registrations.Count} registrations");

        var rows = 0;
        var withScores = 0;
        foreach (var (type, index, sessionId, ticket) in registrations)
        {
            var byId = await query.ByIdNumberAsync(type, index, CancellationToken.None);
            Assert.Equal(Sorted(await query.ByIdNumberThroughEfAsync(type, index, CancellationToken.None)), Sorted(byId));
            var byTicket = await query.ByTicketAsync(sessionId, ticket, CancellationToken.None);
            Assert.Equal(Sorted(await query.ByTicketThroughEfAsync(sessionId, ticket, CancellationToken.None)), Sorted(byTicket));
            Assert.NotEmpty(byId);
            rows += byId.Count;
            withScores += byId.Count(r => r.Score is not null);
        }
        Assert.True(withScores > 0 && rows > registrations.Count, $"{rows} rows, {withScores} with a score");
        Assert.Empty(await query.ByIdNumberAsync(ScorePortal.Model.IdType.ResidentId, new byte[32], CancellationToken.None));
        Assert.Empty(await query.ByTicketAsync(registrations[0].SessionId, "NO-SUCH-TICKET", CancellationToken.None));
    }

    private static List<ResultRow> Sorted(List<ResultRow> rows) =>
        [.. rows.OrderBy(r => r.RegistrationId).ThenBy(r => r.SubjectId)];
}

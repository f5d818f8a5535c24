using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises.Consents;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Enterprises.Consents.ConsentTestSupport;

namespace ScorePortal.Tests.Features.Enterprises.Consents;

/// <summary>
/// A demo portal whose contexts carry <see cref="ConsentRace"/>, and whose grant limit is small enough to reach.
/// </summary>
public sealed class ConsentRacePortal : PortalFactory
{
    public const int GrantsPerHour = 3;

    public ConsentRace Race { get; } = new();

    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        settings[DemoSeed] = "true";
        settings[DemoCandidates] = "30";
        settings["Enterprises:Consents:GrantsPerAccountPerHour"] = GrantsPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.ConfigureDbContext<SqliteScorePortalDbContext>(o => o.AddInterceptors(Race)));
    }
}

/// <summary>
/// When armed, runs a competing grant right after the next check for an open consent found none: exactly what a second
/// request committing between that check and the insert does.
/// </summary>
public sealed class ConsentRace : DbCommandInterceptor
{
    private Func<Task>? _competitor;

    public void Arm(Func<Task> competitor) => _competitor = competitor;

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        if (command.CommandText.Contains("FROM \"Consents\"", StringComparison.Ordinal)
            && command.CommandText.Contains("\"ClosedAt\" IS NULL", StringComparison.Ordinal)
            && Interlocked.Exchange(ref _competitor, null) is { } competitor)
            await competitor();
        return result;
    }
}

public sealed class ConsentRaceTests(ConsentRacePortal portal) : IClassFixture<ConsentRacePortal>
{
    private GrantConsent Grant => portal.Services.GetRequiredService<GrantConsent>();

    [Fact]
    public async Task A_grant_that_loses_the_race_for_an_employee_id_is_refused_like_a_second_claim()
    {
        var enterpriseId = await AddEnterpriseAsync(portal, "南京竞速科技有限公司");
        var (winner, winnerCandidate) = await AccountWithRecordAsync(portal);
        var (loser, loserCandidate) = await AccountWithRecordAsync(portal);
        var expires = Today(portal).AddYears(1);
        var winnerQualifications = await QualificationsOfAsync(portal, winnerCandidate);

        // The loser's check sees no open consent; the winner's grant commits right after it.
        GrantConsentOutcome? winnerOutcome = null;
        portal.Race.Arm(async () => winnerOutcome = await Grant.HandleAsync(Request(winner, enterpriseId, "R1001", winnerQualifications, expires)));
        var outcome = await Grant.HandleAsync(Request(loser, enterpriseId, "R1001", await QualificationsOfAsync(portal, loserCandidate), expires));

        Assert.IsType<GrantConsentOutcome.Granted>(winnerOutcome);
        Assert.Equal(GrantConsent.EmployeeIdTaken, Assert.IsType<GrantConsentOutcome.Refused>(outcome).MessageKey);
        await using var db = await DbAsync(portal);
        Assert.Equal(winnerCandidate, await db.Consents.Where(c => c.EnterpriseId == enterpriseId && c.EmployeeId == "R1001").Select(c => c.CandidateId).SingleAsync());
        Assert.False(await db.Consents.AnyAsync(c => c.CandidateId == loserCandidate));
    }

    [Fact]
    public async Task Grant_attempts_are_limited_per_account_whatever_their_outcome()
    {
        var enterpriseId = await AddEnterpriseAsync(portal, "西安限速信息有限公司");
        var (holder, holderCandidate) = await AccountWithRecordAsync(portal);
        var (prober, proberCandidate) = await AccountWithRecordAsync(portal);
        var expires = Today(portal).AddYears(1);
        var proberQualifications = await QualificationsOfAsync(portal, proberCandidate);
        Assert.IsType<GrantConsentOutcome.Granted>(await Grant.HandleAsync(
            Request(holder, enterpriseId, "L1000", await QualificationsOfAsync(portal, holderCandidate), expires)));

        // Input the form refuses does not count; every verified, well-formed attempt does, granted or refused.
        Assert.IsType<GrantConsentOutcome.Invalid>(await Grant.HandleAsync(Request(prober, enterpriseId, "L 1000", proberQualifications, expires)));
        for (var i = 0; i < ConsentRacePortal.GrantsPerHour; i++)
            Assert.Equal(GrantConsent.EmployeeIdTaken, Assert.IsType<GrantConsentOutcome.Refused>(
                await Grant.HandleAsync(Request(prober, enterpriseId, "L1000", proberQualifications, expires))).MessageKey);
        Assert.Equal(GrantConsent.TooManyAttempts, Assert.IsType<GrantConsentOutcome.Refused>(
            await Grant.HandleAsync(Request(prober, enterpriseId, "L1001", proberQualifications, expires))).MessageKey);

        await using var db = await DbAsync(portal);
        Assert.False(await db.Consents.AnyAsync(c => c.CandidateId == proberCandidate));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == ScorePortal.Platform.Audit.AuditActions.ConsentGrant
            && e.ActorUserId == prober && e.DataJson.Contains("limited")));
    }
}

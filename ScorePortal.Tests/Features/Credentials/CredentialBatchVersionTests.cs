using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Credentials;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Credentials;

/// <summary>
/// Publications through the real use case (Features/Batches PublishBatch) and what they do to credentials issued before:
/// a new version of the batch supersedes, a first publication of another session does not.
/// </summary>
public sealed class CredentialBatchVersionTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private readonly BatchTestData _batches = new(portal);
    private static readonly CredentialIssuer Issuer = CredentialIssuer.For(new Uri("https://scores.example.org"));

    [Fact]
    public async Task A_new_batch_version_marks_the_credential_superseded_and_another_sessions_first_publication_does_not()
    {
        var year = NewYear();
        var session = await _batches.PastSessionAsync(year, ExamHalf.H1);
        var later = await _batches.PastSessionAsync(year, ExamHalf.H2);
        var qualification = await _batches.NewQualificationAsync(validityYears: 1);
        var other = await _batches.NewQualificationAsync(validityYears: 1);
        var candidate = await _batches.CandidateAsync();
        var userId = await AccountOfAsync(candidate.Id);
        var registration = await _batches.RegisterAsync(candidate, session, qualification);
        Assert.True((await _batches.PublishedAsync(session, Rows(registration, qualification, "50"))).Succeeded);
        var certificate = Assert.Single(await _batches.OutcomesAsync(candidate.Id));

        var first = await IssueAsync(userId, certificate.Id);

        // The candidate sits another qualification in the next session: a first publication, nothing of the certificate changed.
        var laterRegistration = await _batches.RegisterAsync(candidate, later, other);
        Assert.True((await _batches.PublishedAsync(later, Rows(laterRegistration, other, "30"))).Succeeded);
        Assert.Equal(CredentialStatus.Valid, await StatusAsync(first));

        // A corrected version of the first batch: the credential's figures were replaced.
        Assert.True((await _batches.PublishedAsync(session, Rows(registration, qualification, "47"))).Succeeded);
        Assert.Equal(CredentialStatus.Superseded, await StatusAsync(first));

        var signed = await portal.Services.GetRequiredService<StatusLists>().SignedAsync(Issuer, "message-1");
        Assert.NotNull(signed);
        var lists = new Dictionary<string, string> { [Issuer.StatusListUrl(StatusBits.Message, 1)] = signed! };
        // The message list itself says so at the credential's index.
        int index;
        await using (var db = _batches.Db()) index = await db.IssuedCredentials.Where(c => c.Id == first).Select(c => c.StatusIndex).SingleAsync();
        var bits = StatusBits.Decode((string?)Jose.Parse(lists.Values.Single())!.Payload["credentialSubject"]!["encodedList"])!;
        Assert.True(StatusBits.IsSet(bits, index));

        // The next download is a new credential for the same certificate.
        Assert.NotEqual(first, await IssueAsync(userId, certificate.Id));
    }

    private static Row[] Rows(Registration registration, Qualification qualification, string score) =>
        [Result(registration, qualification, "JC", score), Result(registration, qualification, "YY", score)];

    private async Task<int> IssueAsync(string userId, int certificateId)
    {
        var outcome = await portal.Services.GetRequiredService<IssueCredential>().HandleAsync(new IssueCredentialRequest(userId, certificateId, Issuer, null));
        return Assert.IsType<IssueCredentialOutcome.Issued>(outcome).CredentialId;
    }

    private async Task<CredentialStatus> StatusAsync(int credentialRowId)
    {
        await using var db = _batches.Db();
        return await db.IssuedCredentials.Where(c => c.Id == credentialRowId).Select(c => c.Status).SingleAsync();
    }

    /// <summary>An account linked to the candidate (the credential is handed to the record's own account only).</summary>
    private async Task<string> AccountOfAsync(int candidateId)
    {
        var email = $"vc{Guid.NewGuid():N}@example.org";
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await users.CreateAsync(user, "Candidate#2026pass")).Succeeded);
            await users.AddToRoleAsync(user, Roles.Candidate);
        }
        await using var db = _batches.Db();
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        await db.Candidates.Where(c => c.Id == candidateId).ExecuteUpdateAsync(set => set.SetProperty(c => c.UserId, userId));
        return userId;
    }
}

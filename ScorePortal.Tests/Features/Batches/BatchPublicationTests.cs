using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Batches;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Batches;

/// <summary>
/// Approval, publication, retraction and who passed, on the demo portal. Every test builds its own sessions and
/// candidates (see <see cref="BatchTestData"/>), except the lookup test, which corrects a demo candidate. Nothing here
/// moves the clock, so the scheduler never publishes behind a test's back (see <see cref="BatchPublisherTests"/>).
/// </summary>
public sealed class BatchPublicationTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private readonly BatchTestData _data = new(portal);

    private async Task<T> InScopeAsync<TService, T>(Func<TService, Task<T>> action) where TService : notnull
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    private async Task<List<AuditEntry>> AuditOfBatchAsync(int batchId, string action)
    {
        await using var db = _data.Db();
        var id = batchId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEntries.AsNoTracking().Where(e => e.TargetType == "batch" && e.TargetId == id && e.Action == action)
            .OrderBy(e => e.Sequence).ToListAsync();
    }

    /// <summary>A new candidate registered for the qualification in each of the sessions.</summary>
    private async Task<(Candidate Candidate, Registration[] Registrations)> CandidateInAsync(ScorePortal.Model.Qualification qualification, params ExamSession[] sessions)
    {
        var candidate = await _data.CandidateAsync();
        var registrations = new List<Registration>();
        foreach (var session in sessions) registrations.Add(await _data.RegisterAsync(candidate, session, qualification));
        return (candidate, registrations.ToArray());
    }

    // ------------------------------------------------------------------ approval

    [Fact]
    public async Task Importer_cannot_approve_their_own_batch_and_the_refusal_is_audited()
    {
        var year = NewYear();
        var session = await _data.PastSessionAsync(year, ExamHalf.H1);
        var m01 = await _data.QualificationAsync("M01");
        var (_, regs) = await CandidateInAsync(m01, session);
        var batch = await _data.StageAsync(session, Importer, Result(regs[0], m01, "JC", "50"), Result(regs[0], m01, "YY", "50"));

        var own = await InScopeAsync<ApproveBatch, BatchActionResult>(h => h.HandleAsync(new ApproveBatchRequest(batch.Id, Importer)));

        Assert.False(own.Succeeded);
        Assert.Equal(BatchErrors.OwnBatch, own.ErrorKey);
        Assert.Equal(ResultBatchStatus.Validated, (await _data.BatchAsync(batch.Id)).Status);
        var refusal = Assert.Single(await AuditOfBatchAsync(batch.Id, AuditActions.BatchApprove));
        Assert.Equal(Importer, refusal.ActorUserId);
        Assert.Contains("refused", refusal.DataJson);
        Assert.Contains(BatchErrors.OwnBatch, refusal.DataJson);
        Assert.Contains(batch.Fingerprint, refusal.DataJson);

        var second = await InScopeAsync<ApproveBatch, BatchActionResult>(h => h.HandleAsync(new ApproveBatchRequest(batch.Id, Approver, batch.Fingerprint)));

        Assert.True(second.Succeeded);
        var approved = await _data.BatchAsync(batch.Id);
        Assert.Equal(ResultBatchStatus.Approved, approved.Status);
        Assert.Equal(Approver, approved.ApprovedByUserId);
        Assert.All(await _data.ScoresAsync(regs[0].Id), s => Assert.False(s.IsCurrent));
        Assert.Contains(await AuditOfBatchAsync(batch.Id, AuditActions.BatchApprove),
            e => e.ActorUserId == Approver && e.DataJson.Contains("\"done\"") && e.DataJson.Contains(batch.Fingerprint));
    }

    [Fact]
    public async Task Approval_with_a_fingerprint_other_than_the_batch_is_refused()
    {
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H1);
        var m01 = await _data.QualificationAsync("M01");
        var (_, regs) = await CandidateInAsync(m01, session);
        var batch = await _data.StageAsync(session, Importer, Result(regs[0], m01, "JC", "50"));
        var other = new string('0', 64);

        var wrong = await InScopeAsync<ApproveBatch, BatchActionResult>(h => h.HandleAsync(new ApproveBatchRequest(batch.Id, Approver, other)));

        Assert.Equal(BatchErrors.FingerprintMismatch, wrong.ErrorKey);
        Assert.Equal(ResultBatchStatus.Validated, (await _data.BatchAsync(batch.Id)).Status);
        Assert.Contains(await AuditOfBatchAsync(batch.Id, AuditActions.BatchApprove), e => e.DataJson.Contains(BatchErrors.FingerprintMismatch));

        // Pasted in capitals with a trailing space, the right fingerprint is the same fingerprint.
        var right = await InScopeAsync<ApproveBatch, BatchActionResult>(h => h.HandleAsync(new ApproveBatchRequest(batch.Id, Approver, batch.Fingerprint.ToUpperInvariant() + " ")));

        Assert.True(right.Succeeded);
    }

    [Fact]
    public async Task A_batch_whose_stored_scores_were_changed_after_the_import_cannot_be_approved()
    {
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H1);
        var m01 = await _data.QualificationAsync("M01");
        var (_, regs) = await CandidateInAsync(m01, session);
        var batch = await _data.StageAsync(session, Importer, Result(regs[0], m01, "JC", "50"), Result(regs[0], m01, "YY", "40"));
        await using (var db = _data.Db())
        {
            // Someone with database access turns a fail into a pass between import and approval.
            var score = await db.SubjectScores.SingleAsync(s => s.ResultBatchId == batch.Id && s.Subject.Code == "YY");
            score.Score = 60;
            await db.SaveChangesAsync();
        }

        var refused = await InScopeAsync<ApproveBatch, BatchActionResult>(h => h.HandleAsync(new ApproveBatchRequest(batch.Id, Approver, BatchFingerprint.Grouped(batch.Fingerprint))));

        Assert.Equal(BatchErrors.ContentChanged, refused.ErrorKey);
        Assert.Equal(ResultBatchStatus.Validated, (await _data.BatchAsync(batch.Id)).Status);
    }

    [Fact]
    public async Task An_approved_batch_whose_stored_scores_were_changed_afterwards_is_not_published()
    {
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H1);
        var m01 = await _data.QualificationAsync("M01");
        var (_, regs) = await CandidateInAsync(m01, session);
        var batch = await _data.ApprovedAsync(session, Result(regs[0], m01, "JC", "50"), Result(regs[0], m01, "YY", "40"));
        await using (var db = _data.Db())
        {
            // Someone with database access turns a fail into a pass between approval and the release time.
            var score = await db.SubjectScores.SingleAsync(s => s.ResultBatchId == batch.Id && s.Subject.Code == "YY");
            score.Score = 60;
            await db.SaveChangesAsync();
        }

        var refused = await _data.PublishAsync(batch.Id);

        Assert.Equal(BatchErrors.ContentChanged, refused.ErrorKey);
        Assert.Equal(ResultBatchStatus.Approved, (await _data.BatchAsync(batch.Id)).Status);
        Assert.All(await _data.ScoresAsync(regs[0].Id), s => Assert.False(s.IsCurrent));
        var audited = Assert.Single(await AuditOfBatchAsync(batch.Id, AuditActions.BatchPublish));
        Assert.Contains(BatchErrors.ContentChanged, audited.DataJson);
    }

    [Fact]
    public async Task Rejection_needs_a_second_admin_and_a_reason_and_its_scores_never_go_live()
    {
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H1);
        var m01 = await _data.QualificationAsync("M01");
        var (_, regs) = await CandidateInAsync(m01, session);
        var batch = await _data.StageAsync(session, Importer, Result(regs[0], m01, "JC", "50"), Result(regs[0], m01, "YY", "50"));

        var own = await InScopeAsync<RejectBatch, BatchActionResult>(h => h.HandleAsync(new RejectBatchRequest(batch.Id, Importer, "Wrong file")));
        var noReason = await InScopeAsync<RejectBatch, BatchActionResult>(h => h.HandleAsync(new RejectBatchRequest(batch.Id, Approver, "  ")));
        var rejected = await InScopeAsync<RejectBatch, BatchActionResult>(h => h.HandleAsync(new RejectBatchRequest(batch.Id, Approver, "Province 11 is missing")));
        var publish = await _data.PublishAsync(batch.Id);

        Assert.Equal(BatchErrors.OwnBatch, own.ErrorKey);
        Assert.Equal(BatchErrors.ReasonRequired, noReason.ErrorKey);
        Assert.True(rejected.Succeeded);
        Assert.Equal(BatchErrors.NotApproved, publish.ErrorKey);
        var stored = await _data.BatchAsync(batch.Id);
        Assert.Equal(ResultBatchStatus.Rejected, stored.Status);
        Assert.Equal("Province 11 is missing", stored.Reason);
        Assert.All(await _data.ScoresAsync(regs[0].Id), s => Assert.False(s.IsCurrent));
        Assert.Null((await _data.ReloadAsync(session)).PublishedAt);
    }

    // ------------------------------------------------------------------ publication

    [Fact]
    public async Task Corrected_score_shows_in_the_public_lookup_only_once_the_correction_is_published()
    {
        // 李娜 failed 应用技术 with 41 in the latest demo session; a re-mark corrects it to 46.
        await using var db = _data.Db();
        var index = _data.Service<BlindIndex>().Compute(IdType.ResidentId, "31010419880615478X");
        var registration = await db.Registrations.AsNoTracking().Include(r => r.ExamSession).Include(r => r.Qualification).ThenInclude(q => q.Subjects)
            .Where(r => r.Candidate.IdNumberIndex == index && r.ExamSession.PublishedAt != null)
            .OrderByDescending(r => r.ExamSession.Year).ThenByDescending(r => r.ExamSession.Half).FirstAsync();
        var session = registration.ExamSession;
        var correction = await _data.StageAsync(session, Importer, Result(registration, registration.Qualification, "YY", "46"));

        var staged = await LookUpAsync(session.Code, "31010419880615478X", "李娜");
        await InScopeAsync<ApproveBatch, BatchActionResult>(h => h.HandleAsync(new ApproveBatchRequest(correction.Id, Approver)));
        var approved = await LookUpAsync(session.Code, "31010419880615478X", "李娜");
        var published = await _data.PublishAsync(correction.Id);
        var live = await LookUpAsync(session.Code, "31010419880615478X", "李娜");

        Assert.True(published.Succeeded);
        Assert.Equal(2, correction.Version);
        foreach (var before in new[] { staged, approved })
        {
            Assert.Contains(">41<", before);
            Assert.DoesNotContain(">46<", before);
            Assert.DoesNotContain("证书编号", before);
        }
        var certificate = Assert.Single(await _data.OutcomesAsync(registration.CandidateId), o => o.RevokedAt is null);
        Assert.Contains(">46<", live);
        Assert.DoesNotContain(">41<", live);
        Assert.Contains("资格考试合格，证书编号：" + certificate.CertificateNumber, live);
        Assert.StartsWith(QualificationRule.CertificatePrefix(session.ReleaseAt), certificate.CertificateNumber);
        // The first version stays as history.
        var yy = (await _data.ScoresAsync(registration.Id)).Where(s => s.SubjectId == registration.Qualification.Subjects.Single(x => x.Code == "YY").Id).ToList();
        Assert.Equal([(1, false, 41m), (2, true, 46m)], yy.Select(s => (s.Version, s.IsCurrent, s.Score!.Value)));
        Assert.NotNull(yy[0].SupersededAt);
    }

    private async Task<string> LookUpAsync(string session, string idNumber, string name)
    {
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync("/lookup", "lookup", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = session, ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = idNumber, ["Input.Name"] = name,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Publish_now_brings_a_release_time_still_ahead_forward_to_now()
    {
        var announced = portal.Clock.GetUtcNow().AddDays(3);
        var session = await _data.SessionAsync(NewYear(), ExamHalf.H2, announced);
        var m01 = await _data.QualificationAsync("M01");
        var (candidate, regs) = await CandidateInAsync(m01, session);
        var batch = await _data.ApprovedAsync(session, Result(regs[0], m01, "JC", "60"), Result(regs[0], m01, "YY", "60"));

        var notYet = await LookUpAsync(session.Code, candidate.IdNumber, candidate.Name);
        var result = await _data.PublishAsync(batch.Id);
        var now = await LookUpAsync(session.Code, candidate.IdNumber, candidate.Name);

        Assert.True(result.Succeeded);
        Assert.Equal(announced, result.ReleaseMovedFrom);
        var stored = await _data.ReloadAsync(session);
        Assert.Equal(portal.Clock.GetUtcNow(), stored.ReleaseAt);
        Assert.Equal(portal.Clock.GetUtcNow(), stored.PublishedAt);
        Assert.Contains("尚未发布", notYet);
        Assert.Contains(">60<", now);
        Assert.Equal(2, result.Scores);
        Assert.Equal(1, result.Outcomes.Issued);
        Assert.Contains(await AuditOfBatchAsync(batch.Id, AuditActions.BatchPublish),
            e => e.DataJson.Contains(batch.Fingerprint) && e.DataJson.Contains("releaseMovedFrom"));
    }

    [Fact]
    public async Task Importer_cannot_publish_their_batch_early_and_a_published_batch_is_not_published_twice()
    {
        var session = await _data.SessionAsync(NewYear(), ExamHalf.H1, portal.Clock.GetUtcNow().AddDays(1));
        var m01 = await _data.QualificationAsync("M01");
        var (_, regs) = await CandidateInAsync(m01, session);
        var batch = await _data.ApprovedAsync(session, Result(regs[0], m01, "JC", "50"));

        var byImporter = await InScopeAsync<PublishBatch, BatchActionResult>(h => h.HandleAsync(new PublishBatchRequest(batch.Id, Importer)));
        var first = await _data.PublishAsync(batch.Id);
        var again = await _data.PublishAsync(batch.Id);

        Assert.Equal(BatchErrors.OwnBatch, byImporter.ErrorKey);
        Assert.True(first.Succeeded);
        Assert.Equal(BatchErrors.NotApproved, again.ErrorKey);
    }

    [Fact]
    public async Task Failure_in_the_middle_of_publication_leaves_the_database_as_it_was()
    {
        var announced = portal.Clock.GetUtcNow().AddDays(2);
        var session = await _data.SessionAsync(NewYear(), ExamHalf.H1, announced);
        var m01 = await _data.QualificationAsync("M01");
        var (good, goodRegs) = await CandidateInAsync(m01, session);
        var (_, badRegs) = await CandidateInAsync(m01, session);
        var batch = await _data.ApprovedAsync(session,
            Result(goodRegs[0], m01, "JC", "60"), Result(goodRegs[0], m01, "YY", "60"),
            Result(badRegs[0], m01, "JC", "60"), Result(badRegs[0], m01, "YY", "60"));
        // A damaged ciphertext: the scores are switched before who-passed reads (and fails to decrypt) it.
        await using (var db = _data.Db())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE SubjectScores SET Score = 't1:AAAA' WHERE RegistrationId = {0}", badRegs[0].Id);
        }

        await Assert.ThrowsAnyAsync<Exception>(() => _data.PublishAsync(batch.Id));

        Assert.Equal(ResultBatchStatus.Approved, (await _data.BatchAsync(batch.Id)).Status);
        Assert.Null((await _data.BatchAsync(batch.Id)).PublishedAt);
        var after = await _data.ReloadAsync(session);
        Assert.Equal(announced, after.ReleaseAt);
        Assert.Null(after.PublishedAt);
        Assert.All(await _data.ScoresAsync(goodRegs[0].Id), s => Assert.False(s.IsCurrent));
        Assert.Empty(await _data.OutcomesAsync(good.Id));
        Assert.Empty(await AuditOfBatchAsync(batch.Id, AuditActions.BatchPublish));

        // Once the row is repaired, the same batch publishes normally.
        await using (var db = _data.Db())
        {
            // The damaged values cannot be opened, so they are written again as the portal seals them: bound to their row.
            var protector = portal.Services.GetRequiredService<FieldProtector>();
            foreach (var score in await db.SubjectScores.Where(s => s.RegistrationId == badRegs[0].Id).Select(s => new { s.Id, s.RowKey }).ToListAsync())
                await db.Database.ExecuteSqlRawAsync("UPDATE SubjectScores SET Score = {0} WHERE Id = {1}",
                    protector.Protect("60", FieldEncryption.Binding(typeof(SubjectScore), nameof(SubjectScore.Score)), score.RowKey), score.Id);
        }
        var retried = await _data.PublishAsync(batch.Id);
        Assert.True(retried.Succeeded);
        Assert.Equal(2, retried.Outcomes.Issued);
    }

    // ------------------------------------------------------------------ retraction

    [Fact]
    public async Task Retracting_a_correction_restores_the_previous_version_and_revokes_the_certificate_resting_on_it()
    {
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H2);
        var m01 = await _data.QualificationAsync("M01");
        var (candidate, regs) = await CandidateInAsync(m01, session);
        var yyId = m01.Subjects.Single(s => s.Code == "YY").Id;
        var v1 = await _data.PublishedAsync(session, Result(regs[0], m01, "JC", "50"), Result(regs[0], m01, "YY", "40"));
        Assert.Empty(await _data.OutcomesAsync(candidate.Id));
        var v2 = await _data.PublishedAsync(session, Result(regs[0], m01, "YY", "47"));
        var issued = Assert.Single(await _data.OutcomesAsync(candidate.Id));
        Assert.Null(issued.RevokedAt);

        var noReason = await _data.RetractAsync(v2.BatchId, " ");
        var retracted = await _data.RetractAsync(v2.BatchId);

        Assert.Equal(BatchErrors.ReasonRequired, noReason.ErrorKey);
        Assert.True(retracted.Succeeded);
        Assert.Equal(1, retracted.Scores);
        Assert.Equal(1, retracted.Outcomes.Revoked);
        var batch = await _data.BatchAsync(v2.BatchId);
        Assert.Equal(ResultBatchStatus.Retracted, batch.Status);
        Assert.Equal(Approver, batch.RetractedByUserId);
        Assert.Equal("Wrong marks for one exam room", batch.Reason);
        var yy = (await _data.ScoresAsync(regs[0].Id)).Where(s => s.SubjectId == yyId).ToList();
        Assert.Equal([(1, true, 40m), (2, false, 47m)], yy.Select(s => (s.Version, s.IsCurrent, s.Score!.Value)));
        Assert.Null(yy[0].SupersededAt);
        Assert.NotNull(yy[1].SupersededAt);
        var revoked = Assert.Single(await _data.OutcomesAsync(candidate.Id));
        Assert.Equal(issued.CertificateNumber, revoked.CertificateNumber);
        Assert.NotNull(revoked.RevokedAt);
        Assert.NotNull((await _data.ReloadAsync(session)).PublishedAt);
        Assert.Contains(await AuditOfBatchAsync(v2.BatchId, AuditActions.BatchRetract), e => e.DataJson.Contains(batch.Fingerprint) && e.DataJson.Contains("reasonSha256"));

        // Retracting the first version too leaves the session without live results.
        Assert.True((await _data.RetractAsync(v1.BatchId)).Succeeded);
        Assert.Null((await _data.ReloadAsync(session)).PublishedAt);
        Assert.All(await _data.ScoresAsync(regs[0].Id), s => Assert.False(s.IsCurrent));
        Assert.Equal(BatchErrors.NotPublished, (await _data.RetractAsync(v1.BatchId)).ErrorKey);
    }

    [Fact]
    public async Task A_new_version_after_a_retraction_issues_a_new_certificate_number()
    {
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H1);
        var m01 = await _data.QualificationAsync("M01");
        var (candidate, regs) = await CandidateInAsync(m01, session);
        var v1 = await _data.PublishedAsync(session, Result(regs[0], m01, "JC", "50"), Result(regs[0], m01, "YY", "50"));
        await _data.RetractAsync(v1.BatchId);
        await _data.PublishedAsync(session, Result(regs[0], m01, "JC", "51"), Result(regs[0], m01, "YY", "52"));

        var outcomes = await _data.OutcomesAsync(candidate.Id);

        Assert.Equal(2, outcomes.Count);
        Assert.NotNull(outcomes[0].RevokedAt);
        Assert.Null(outcomes[1].RevokedAt);
        Assert.NotEqual(outcomes[0].CertificateNumber, outcomes[1].CertificateNumber);
    }

    // ------------------------------------------------------------------ who passed

    [Fact]
    public async Task Two_session_candidate_under_the_two_year_rule_passes_with_subjects_from_both_and_gets_one_certificate()
    {
        var year = NewYear();
        var earlier = await _data.PastSessionAsync(year, ExamHalf.H2);
        var later = await _data.PastSessionAsync(year + 1, ExamHalf.H1);
        var s01 = await _data.QualificationAsync("S01");
        Assert.Equal(2, s01.ScoreValidityYears);
        var (candidate, regs) = await CandidateInAsync(s01, earlier, later);

        await _data.PublishedAsync(earlier, Result(regs[0], s01, "ZH", "52"), Result(regs[0], s01, "AL", "48"), Result(regs[0], s01, "LW", "40"));
        Assert.Empty(await _data.OutcomesAsync(candidate.Id));
        var published = await _data.PublishedAsync(later, Result(regs[1], s01, "ZH", "38"), Result(regs[1], s01, "AL", "41"), Result(regs[1], s01, "LW", "49"));

        var certificate = Assert.Single(await _data.OutcomesAsync(candidate.Id));
        Assert.Equal(later.Id, certificate.PassedInSessionId);
        Assert.Null(certificate.RevokedAt);
        Assert.Matches(@"^RK\d{14}$", certificate.CertificateNumber);
        Assert.StartsWith("RK" + later.ReleaseAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), certificate.CertificateNumber);
        Assert.Equal(1, published.Outcomes.Issued);

        // Publishing again for the same people (a correction that changes nothing about the pass) keeps the number.
        await _data.PublishedAsync(later, Result(regs[1], s01, "LW", "50"));
        Assert.Equal(certificate.CertificateNumber, Assert.Single(await _data.OutcomesAsync(candidate.Id)).CertificateNumber);
    }

    [Fact]
    public async Task Passes_older_than_the_validity_window_do_not_count()
    {
        var year = NewYear();
        var old = await _data.PastSessionAsync(year, ExamHalf.H1);
        var twoYearsLater = await _data.PastSessionAsync(year + 2, ExamHalf.H1);
        var m01 = await _data.QualificationAsync("M01");
        var (candidate, regs) = await CandidateInAsync(m01, old, twoYearsLater);

        await _data.PublishedAsync(old, Result(regs[0], m01, "JC", "50"), Result(regs[0], m01, "YY", "30"));
        await _data.PublishedAsync(twoYearsLater, Result(regs[1], m01, "JC", "30"), Result(regs[1], m01, "YY", "50"));

        Assert.Empty(await _data.OutcomesAsync(candidate.Id));
    }

    [Fact]
    public async Task Qualification_with_a_one_year_validity_does_not_combine_sessions()
    {
        var year = NewYear();
        var h1 = await _data.PastSessionAsync(year, ExamHalf.H1);
        var h2 = await _data.PastSessionAsync(year, ExamHalf.H2);
        var oneYear = await _data.NewQualificationAsync(validityYears: 1);
        var twoYears = await _data.NewQualificationAsync(validityYears: 2);
        var (strict, strictRegs) = await CandidateInAsync(oneYear, h1, h2);
        var (lenient, lenientRegs) = await CandidateInAsync(twoYears, h1, h2);

        await _data.PublishedAsync(h1,
            Result(strictRegs[0], oneYear, "JC", "50"), Result(strictRegs[0], oneYear, "YY", "absent"),
            Result(lenientRegs[0], twoYears, "JC", "50"), Result(lenientRegs[0], twoYears, "YY", "absent"));
        await _data.PublishedAsync(h2,
            Result(strictRegs[1], oneYear, "JC", "44"), Result(strictRegs[1], oneYear, "YY", "50"),
            Result(lenientRegs[1], twoYears, "JC", "44"), Result(lenientRegs[1], twoYears, "YY", "50"));

        Assert.Empty(await _data.OutcomesAsync(strict.Id));
        Assert.Equal(h2.Id, Assert.Single(await _data.OutcomesAsync(lenient.Id)).PassedInSessionId);
    }

    [Fact]
    public async Task Certificate_numbers_are_sequential_per_release_date_after_the_highest_ever_issued()
    {
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H1);
        var m01 = await _data.QualificationAsync("M01");
        var prefix = QualificationRule.CertificatePrefix(session.ReleaseAt);
        // A revoked certificate of that date: its number is never issued again.
        var (earlier, _) = await CandidateInAsync(m01, session);
        await using (var db = _data.Db())
        {
            db.QualificationOutcomes.Add(new QualificationOutcome
            {
                CandidateId = earlier.Id, QualificationId = m01.Id, PassedInSessionId = session.Id, CertificateNumber = prefix + "000007",
                IssuedAt = portal.Clock.GetUtcNow(), RevokedAt = portal.Clock.GetUtcNow(),
            });
            await db.SaveChangesAsync();
        }
        var people = new List<(Candidate Candidate, Registration Registration, bool Passes)>();
        foreach (var passes in new[] { true, false, true, true })
        {
            var (c, r) = await CandidateInAsync(m01, session);
            people.Add((c, r[0], passes));
        }

        var result = await _data.PublishedAsync(session, people.SelectMany(p => new[]
        {
            Result(p.Registration, m01, "JC", "50"), Result(p.Registration, m01, "YY", p.Passes ? "45" : "44.5"),
        }).ToArray());

        Assert.Equal(3, result.Outcomes.Issued);
        var numbers = new List<string>();
        foreach (var p in people)
        {
            var outcomes = await _data.OutcomesAsync(p.Candidate.Id);
            if (p.Passes) numbers.Add(Assert.Single(outcomes).CertificateNumber);
            else Assert.Empty(outcomes);
        }
        Assert.Equal([prefix + "000008", prefix + "000009", prefix + "000010"], numbers);
    }
}

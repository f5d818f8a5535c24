using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Account.Admin;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Reports;
using ScorePortal.Features.Results;
using ScorePortal.Features.Reviews;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Outbox;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Features.Reports;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Data;

/// <summary>
/// Fault: a commit whose acknowledgement is lost (SQL Server failing over during COMMIT, a connection dropped before
/// the answer). Injected: the transaction commits, then a transient SQLITE_BUSY is thrown from
/// <c>TransactionCommitted</c>, so the retrying execution strategy sees a failure after a commit that did happen.
/// What must hold: the use case checks whether its commit happened instead of running again — the publication and
/// the retraction succeed once (one audit entry, one result event in the outbox), the import stores one version, the
/// review decision is applied once and reported as done, the account change and the report issue are done once.
/// </summary>
public sealed class LostCommitAcknowledgementTests : IClassFixture<LostCommitAcknowledgementTests.Portal>
{
    /// <summary>
    /// Loses the acknowledgement of one commit: that of the transaction in which a command matching the armed target
    /// ran. Two interceptors share it: one marks the transaction, the other throws after its commit.
    /// </summary>
    internal sealed class LostAcknowledgement
    {
        private readonly ConditionalWeakTable<DbTransaction, object> _marked = new();
        private Func<string, bool>? _target;
        private int _lost;

        public int Lost => Volatile.Read(ref _lost);

        public void Arm(Func<string, bool> target)
        {
            Volatile.Write(ref _lost, 0);
            Volatile.Write(ref _target, target);
        }

        public IInterceptor Commands => new CommandWatcher(this);

        public IInterceptor Commits => new CommitLoser(this);

        private void Saw(DbCommand command)
        {
            if (Volatile.Read(ref _target) is { } target && command.Transaction is { } transaction && target(command.CommandText))
                _marked.AddOrUpdate(transaction, this);
        }

        private void Committed(DbTransaction transaction)
        {
            if (!_marked.TryGetValue(transaction, out _) || Interlocked.CompareExchange(ref _lost, 1, 0) != 0) return;
            Volatile.Write(ref _target, null);
            throw new SqliteException("database is locked (injected by the test after the commit: its acknowledgement is lost)", 5);
        }

        private sealed class CommandWatcher(LostAcknowledgement fault) : DbCommandInterceptor
        {
            public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
                InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
            {
                fault.Saw(command);
                return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
            }

            public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
                InterceptionResult<int> result, CancellationToken cancellationToken = default)
            {
                fault.Saw(command);
                return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
            }
        }

        private sealed class CommitLoser(LostAcknowledgement fault) : DbTransactionInterceptor
        {
            public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
                CancellationToken cancellationToken = default)
            {
                fault.Committed(transaction);
                return base.TransactionCommittedAsync(transaction, eventData, cancellationToken);
            }
        }
    }

    /// <summary>One demo portal for the tests of this class, with the fault's interceptors in its database contexts.</summary>
    public sealed class Portal : IAsyncLifetime
    {
        internal LostAcknowledgement Fault { get; } = new();

        internal DemoPortal Demo { get; }

        public Portal()
        {
            Demo = new DemoPortal(new Dictionary<string, string?>(), services: services =>
            {
                services.AddSingleton(new DatabaseExtensions.DatabaseFaultInjection(Fault.Commands));
                services.AddSingleton(new DatabaseExtensions.DatabaseFaultInjection(Fault.Commits));
            });
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync() => await Demo.DisposeAsync();
    }

    private readonly LostAcknowledgement _fault;
    private readonly DemoPortal _portal;
    private readonly BatchTestData _data;

    public LostCommitAcknowledgementTests(Portal portal)
    {
        ArgumentNullException.ThrowIfNull(portal);
        _fault = portal.Fault;
        _portal = portal.Demo;
        _data = new BatchTestData(_portal);
    }

    [Fact]
    public async Task A_publication_and_a_retraction_whose_commit_acknowledgement_is_lost_are_done_once_and_reported_as_done()
    {
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H1);
        var m01 = await _data.QualificationAsync("M01");
        var candidate = await _data.CandidateAsync();
        var registration = await _data.RegisterAsync(candidate, session, m01);
        var batch = await _data.ApprovedAsync(session, Result(registration, m01, "JC", "50"), Result(registration, m01, "YY", "50"));

        _fault.Arm(sql => sql.StartsWith("UPDATE \"ResultBatches\"", StringComparison.Ordinal) && sql.Contains("\"PublishedByUserId\"", StringComparison.Ordinal));
        var published = await _data.PublishAsync(batch.Id);

        Assert.Equal(1, _fault.Lost);
        Assert.True(published.Succeeded, published.ErrorKey);
        Assert.Equal(2, published.Scores);
        Assert.Equal(ResultBatchStatus.Published, (await _data.BatchAsync(batch.Id)).Status);
        Assert.Single(await _data.OutcomesAsync(candidate.Id), o => o.RevokedAt == null);
        var publication = Assert.Single(await AuditAsync("batch", batch.Id, AuditActions.BatchPublish));
        Assert.Contains("\"done\"", publication.DataJson, StringComparison.Ordinal);
        Assert.Equal(1, await ResultEventsInOutboxAsync(ResultChangeKind.Published, batch.Id));

        _fault.Arm(sql => sql.StartsWith("UPDATE \"ResultBatches\"", StringComparison.Ordinal) && sql.Contains("\"RetractedByUserId\"", StringComparison.Ordinal));
        var retracted = await _data.RetractAsync(batch.Id);

        Assert.Equal(1, _fault.Lost);
        Assert.True(retracted.Succeeded, retracted.ErrorKey);
        Assert.Equal(ResultBatchStatus.Retracted, (await _data.BatchAsync(batch.Id)).Status);
        Assert.All(await _data.OutcomesAsync(candidate.Id), o => Assert.NotNull(o.RevokedAt));
        var retraction = Assert.Single(await AuditAsync("batch", batch.Id, AuditActions.BatchRetract));
        Assert.Contains("\"done\"", retraction.DataJson, StringComparison.Ordinal);
        Assert.Equal(1, await ResultEventsInOutboxAsync(ResultChangeKind.Retracted, batch.Id));
    }

    [Fact]
    public async Task An_approval_whose_commit_acknowledgement_is_lost_is_reported_as_done_with_one_audit_entry()
    {
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H1);
        var m01 = await _data.QualificationAsync("M01");
        var registration = await _data.RegisterAsync(await _data.CandidateAsync(), session, m01);
        var batch = await _data.StageAsync(session, BatchTestData.Importer, Result(registration, m01, "JC", "50"));

        _fault.Arm(sql => sql.StartsWith("UPDATE \"ResultBatches\"", StringComparison.Ordinal) && sql.Contains("\"ApprovedByUserId\"", StringComparison.Ordinal));
        BatchActionResult approved;
        await using (var scope = _portal.Services.CreateAsyncScope())
            approved = await scope.ServiceProvider.GetRequiredService<ApproveBatch>().HandleAsync(new ApproveBatchRequest(batch.Id, BatchTestData.Approver));

        Assert.Equal(1, _fault.Lost);
        Assert.True(approved.Succeeded, approved.ErrorKey);
        Assert.Equal(ResultBatchStatus.Approved, (await _data.BatchAsync(batch.Id)).Status);
        var entry = Assert.Single(await AuditAsync("batch", batch.Id, AuditActions.BatchApprove));
        Assert.Contains("\"done\"", entry.DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_whose_commit_acknowledgement_is_lost_stores_one_version()
    {
        string session;
        // The demo session whose results are not out yet (the other tests here add sessions of years from 2100 on).
        await using (var sessions = _data.Db())
            session = await sessions.ExamSessions.Where(s => s.PublishedAt == null && s.Year < 2100).Select(s => s.Code).SingleAsync();
        var before = await ImportTestData.CountAsync(_portal);
        var file = new ResultsFile();
        file.Row(session + "-11-910001", "resident", ResultsFile.ResidentId(21), "王小明", "11", "S01", "ZH", "50");
        var path = await file.SaveAsync(_portal.Directory);

        _fault.Arm(sql => sql.StartsWith("INSERT INTO \"ResultBatches\"", StringComparison.Ordinal));
        var imported = Assert.IsType<ImportOutcome.Imported>(await ImportTestData.ImportAsync(_portal, session, path));

        Assert.Equal(1, _fault.Lost);
        var after = await ImportTestData.CountAsync(_portal);
        Assert.Equal(before.Batches + 1, after.Batches);
        Assert.Equal(before.Scores + 1, after.Scores);
        await using var db = _data.Db();
        var stored = await db.ResultBatches.AsNoTracking().SingleAsync(b => b.Id == imported.BatchId);
        Assert.Equal((imported.Version, imported.Fingerprint), (stored.Version, stored.Fingerprint));
        Assert.Single(await AuditAsync("ResultBatch", imported.BatchId, AuditActions.BatchImport));
    }

    [Fact]
    public async Task A_review_decision_whose_commit_acknowledgement_is_lost_is_applied_once_and_reported_as_done()
    {
        var qualification = await _data.NewQualificationAsync(validityYears: 1);
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H1);
        var candidate = await _data.CandidateAsync();
        var registration = await _data.RegisterAsync(candidate, session, qualification);
        await _data.PublishedAsync(session, Result(registration, qualification, "JC", "51"), Result(registration, qualification, "YY", "41"));
        var subjectId = qualification.Subjects.Single(s => s.Code == "YY").Id;
        var staff = await _data.UserIdAsync("staff.beijing@scoreportal.demo");
        int requestId;
        await using (var db = _data.Db())
        {
            var score = await db.SubjectScores.SingleAsync(s => s.RegistrationId == registration.Id && s.SubjectId == subjectId && s.IsCurrent);
            var request = new ReviewRequest
            {
                CaseNumber = "FH-ACK-" + registration.Id, CandidateId = candidate.Id, RegistrationId = registration.Id, SubjectId = subjectId,
                ExamSessionId = session.Id, QualificationId = qualification.Id, SubjectScoreId = score.Id, ProvinceCode = "11",
                Status = ReviewStatus.Remarking, SubmittedAt = _portal.Clock.GetUtcNow(), DueAt = _portal.Clock.GetUtcNow().AddDays(20),
                OriginalScore = 41m, Culture = "zh-CN",
            };
            foreach (var (expert, mark) in new[] { ("e1", 44m), ("e2", 47m), ("e3", 52m) })
                request.ExpertMarks.Add(new ExpertMark { ExpertUserId = expert, AssignedAt = _portal.Clock.GetUtcNow(), Score = mark, MarkedAt = _portal.Clock.GetUtcNow() });
            db.ReviewRequests.Add(request);
            await db.SaveChangesAsync();
            requestId = request.Id;
        }

        _fault.Arm(sql => sql.StartsWith("UPDATE \"ReviewRequests\"", StringComparison.Ordinal) && sql.Contains("\"DecidedByUserId\"", StringComparison.Ordinal));
        var decided = await _data.Service<ConfirmReviewDecision>().HandleAsync(new ConfirmReviewDecisionRequest(staff, requestId));

        Assert.Equal(1, _fault.Lost);
        Assert.True(decided.Succeeded, decided.Error);
        await using (var db = _data.Db())
        {
            var decisions = await db.SubjectScores.AsNoTracking().Where(s => s.ReviewRequestId == requestId).ToListAsync();
            var decision = Assert.Single(decisions);
            Assert.Equal((47m, true), (decision.Score!.Value, decision.IsCurrent));
            Assert.Single(await db.SubjectScores.AsNoTracking().Where(s => s.RegistrationId == registration.Id && s.SubjectId == subjectId && s.IsCurrent).ToListAsync());
            Assert.Equal(ReviewStatus.Decided, await db.ReviewRequests.Where(r => r.Id == requestId).Select(r => r.Status).SingleAsync());
        }
        var audit = Assert.Single(await AuditAsync("review", requestId, AuditActions.ReviewDecide));
        Assert.Contains("\"done\"", audit.DataJson, StringComparison.Ordinal);
        Assert.Contains("\"changed\":\"true\"", audit.DataJson, StringComparison.Ordinal);
        Assert.Equal(1, await ResultEventsInOutboxAsync(ResultChangeKind.ReviewDecided, requestId, review: true));
    }

    [Fact]
    public async Task An_account_disabled_whose_commit_acknowledgement_is_lost_is_disabled_once_its_holder_told_once()
    {
        var email = $"ack{Guid.NewGuid():N}@example.org";
        string userId;
        await using (var scope = _portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await users.CreateAsync(user, "Account#2026pass")).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Staff)).Succeeded);
            userId = user.Id;
        }

        _fault.Arm(sql => sql.StartsWith("UPDATE \"AspNetUsers\"", StringComparison.Ordinal));
        AccountAdminResult disabled;
        await using (var scope = _portal.Services.CreateAsyncScope())
            disabled = await scope.ServiceProvider.GetRequiredService<DisableAccount>()
                .HandleAsync(new DisableAccountRequest(userId, true, "en-US", AccountActor.CommandLine()));

        Assert.Equal(1, _fault.Lost);
        Assert.True(disabled.Succeeded, string.Join(", ", disabled.Errors.Select(e => e.Key)));
        await using var db = _data.Db();
        var stored = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        Assert.True(DisabledAccounts.IsDisabled(stored));
        var audit = Assert.Single(await AuditAsync("user", userId, AuditActions.AccountDisable));
        Assert.Contains("\"success\"", audit.DataJson, StringComparison.Ordinal);
        var mails = await db.OutboxMessages.AsNoTracking().Where(m => m.Kind == OutboxKinds.Email).Select(m => m.Payload).ToListAsync();
        Assert.Single(mails, p => p.Contains(email, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_report_whose_commit_acknowledgement_is_lost_is_issued_once_and_handed_out()
    {
        var (client, userId, _) = await ReportSteps.LinkedCandidateAsync(_portal, "320102199211083808", "杨U+20BB7");
        client.Dispose();
        var registrationId = await ReportSteps.RegistrationIdAsync(_portal, "320102199211083808");

        _fault.Arm(sql => sql.StartsWith("INSERT INTO \"ReportIssues\"", StringComparison.Ordinal));
        var outcome = await _data.Service<IssueReport>().HandleAsync(
            new IssueReportRequest(userId, registrationId, "en-US", "https://portal.example/verify", null));

        Assert.Equal(1, _fault.Lost);
        var issued = Assert.IsType<IssueReportOutcome.Issued>(outcome);
        Assert.False(issued.Reused);
        var stored = await ReportSteps.SingleIssueAsync(_portal, registrationId, "en-US");
        Assert.Equal((issued.ReportId, issued.VerificationCode), (stored.Id, stored.VerificationCode));
        // The issue's entry goes through the writer's group commit without waiting: sealing waits for everything queued.
        await _data.Service<AuditLog>().SealAsync();
        Assert.Single(await AuditAsync("report", issued.ReportId, AuditActions.ReportIssue));
    }

    private Task<List<AuditEntry>> AuditAsync(string targetType, int targetId, string action) =>
        AuditAsync(targetType, targetId.ToString(CultureInfo.InvariantCulture), action);

    private async Task<List<AuditEntry>> AuditAsync(string targetType, string id, string action)
    {
        await using var db = _data.Db();
        return await db.AuditEntries.AsNoTracking().Where(e => e.TargetType == targetType && e.TargetId == id && e.Action == action).ToListAsync();
    }

    /// <summary>Result events of one batch (or review) and kind in the outbox: one per change that committed.</summary>
    private async Task<int> ResultEventsInOutboxAsync(ResultChangeKind kind, int id, bool review = false)
    {
        await using var db = _data.Db();
        var payloads = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Kind == OutboxKinds.ResultChanged).Select(m => m.Payload).ToListAsync();
        return payloads.Select(p => JsonSerializer.Deserialize<ResultChanged>(p, new JsonSerializerOptions(JsonSerializerDefaults.Web))!)
            .Count(e => e.Kind == kind && (review ? e.ReviewRequestId : e.BatchId) == id);
    }
}

using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Reports;
using ScorePortal.Features.Results;
using ScorePortal.Features.Reviews;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Platform.Outbox;
using ScorePortal.Tests.Infrastructure;
using Xunit.Abstractions;
using static ScorePortal.Tests.Features.Reviews.ReviewTestSupport;

namespace ScorePortal.Tests.Features.Reviews;

/// <summary>
/// Issue #26 item 4 for review decisions: a crash at any point of a decision leaves the database as before or as after
/// it, never between; the audit chain verifies; the restarted portal's outbox delivers what the decisions queued.
/// </summary>
public sealed class KilledReviewDecisionTests(ITestOutputHelper log)
{
    /// <summary>The child's work (<see cref="ChildPortal"/>): confirm each request in turn as the staff page does.</summary>
    public const string Work = "crash-decide";

    private const string Staff = "staff.beijing@scoreportal.demo";
    private const int Requests = 24;

    /// <summary>The kills: after the n-th decision the child reports, wait this long, then SIGKILL.</summary>
    private static readonly (int Line, int DelayMs)[] Kills = [(1, 0), (2, 6), (3, 15)];

    /// <summary>
    /// <c>crash-decide --staff ID --requests 1,2,…</c>: <see cref="ConfirmReviewDecision"/> for each request, one after
    /// the other, printing <c>decided ID done|error</c> after each (the page's button calls the same).
    /// </summary>
    public static async Task<int> DecideAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var confirm = services.GetRequiredService<ConfirmReviewDecision>();
        var staff = args.Get("staff")!;
        foreach (var id in args.Get("requests")!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
        {
            var result = await confirm.HandleAsync(new ConfirmReviewDecisionRequest(staff, id));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"decided {id} {result.Error ?? "done"}"));
        }
        return 0;
    }

    /// <summary>One request in re-marking with its three marks in, for a candidate of its own.</summary>
    private sealed record Case(int Id, string CaseNumber, int CandidateId, string Email, int RegistrationId, int SubjectId,
        long OriginalScoreId, int ScoreRows, decimal Original, decimal Median)
    {
        public bool Changes => Median != Original;
    }

    /// <summary>
    /// Fault: the portal (a child process, <see cref="ChildPortal"/>) confirming 24 review decisions back to back —
    /// each its own transaction: the decision's score version, the request decided, the timeline step, the candidate's
    /// email and, when the score changed, the outcomes recomputed, the candidate's reports superseded and the
    /// <c>ResultChanged</c> event in the outbox — killed (SIGKILL) at three moments after its first, second and third
    /// decision, then run to the end. Must hold after every kill: every request is wholly undecided (re-marking, its
    /// original score the one current row, no email, no event, its candidate's report valid) or wholly decided (the
    /// median the one current row, pointing at the request; one timeline step, one email, one event when the score
    /// changed and the report superseded), at most one more decided than the child reported; the outcomes agree with
    /// the current scores; no audit entry of a decision the database does not hold; <c>verify-audit</c> exits 0. After
    /// the kills: the restarted portal's outbox delivers every message the decisions queued (the ones a killed worker
    /// held, once their lease lapses), every decided request then has exactly one <c>review.decide</c> entry (the ones a
    /// kill left without are written from their promise, <c>AuditIntent</c>), and the chain still verifies.
    /// </summary>
    [Fact]
    public async Task Review_decisions_killed_at_several_points_leave_each_request_decided_whole_or_not_at_all_and_the_outbox_resumes()
    {
        await using var portal = new DemoPortal();
        var staff = await UserIdOfAsync(portal, Staff);
        var cases = await CasesAsync(portal);
        Assert.True(cases.Count >= Kills.Length + 4, $"Only {cases.Count} demo candidates with a published score.");
        Assert.Contains(cases, c => !c.Changes);

        var kills = 0;
        var lost = 0;
        foreach (var (line, delay) in Kills)
        {
            var before = await AssertWholeAsync(portal, cases);
            var seen = 0;
            var (lines, exit) = await DecideInChildAsync(portal, staff, cases, before,
                l => l.StartsWith("decided ", StringComparison.Ordinal) && ++seen == line ? TimeSpan.FromMilliseconds(delay) : null);
            if (exit is null) kills++;
            var reported = lines.Count(l => l.StartsWith("decided ", StringComparison.Ordinal));

            var after = await AssertWholeAsync(portal, cases);
            // One decision after the other: only the one in flight may have committed without the child saying so.
            Assert.InRange(after.Count - before.Count, reported, reported + 1);
            // A decision's audit entry is appended after its commit (the audit writer alone extends the chain): a kill
            // may fall between the two, so at most one decision per kill lacks it for now — promised in the decision's
            // transaction (AuditIntent), it is written by the next portal's outbox; never an entry without its decision.
            lost = await AssertAuditAsync(portal, cases, after);
            Assert.InRange(lost, 0, kills);
            log.WriteLine($"kill after decision {line} + {delay} ms: killed={exit is null}, reported {reported}, decided {after.Count - before.Count}, without audit entry so far {lost}");
            await ChildPortal.AssertAuditVerifiesAsync(portal);
        }
        Assert.True(kills > 0, "Every run finished before it could be killed.");

        var (_, finished) = await DecideInChildAsync(portal, staff, cases, await AssertWholeAsync(portal, cases), null);
        Assert.Equal(0, finished);
        Assert.Equal(cases.Count, (await AssertWholeAsync(portal, cases)).Count);
        Assert.InRange(await AssertAuditAsync(portal, cases, [.. cases.Select(c => c.Id)]), 0, lost);

        // The restarted portal's outbox takes up what the killed ones queued or held (their lease lapses), the audit
        // entries they had promised included: then every decision has exactly one.
        var (drained, _) = await ChildPortal.RunAsync(portal, ["drain", "--seconds", "30"]);
        Assert.Contains("drained pending=0 dead=0", drained);
        Assert.Equal(0, await AssertAuditAsync(portal, cases, [.. cases.Select(c => c.Id)]));
        await ChildPortal.AssertAuditVerifiesAsync(portal);
    }

    private static async Task<(List<string> Lines, int? ExitCode)> DecideInChildAsync(DemoPortal portal, string staff, List<Case> cases,
        HashSet<int> decided, Func<string, TimeSpan?>? killAfter)
    {
        var open = cases.Where(c => !decided.Contains(c.Id)).Select(c => c.Id.ToString(CultureInfo.InvariantCulture));
        var run = await ChildPortal.RunAsync(portal, [Work, "--staff", staff, "--requests", string.Join(',', open)], killAfter);
        Assert.All(run.Lines.Where(l => l.StartsWith("decided ", StringComparison.Ordinal)), l => Assert.EndsWith(" done", l));
        return run;
    }

    /// <summary>What a decision writes, for one request, as read back.</summary>
    private sealed record Seen(ReviewStatus Status, bool Closed, decimal? FinalScore, int ScoreRows, int CurrentRows, decimal? CurrentScore,
        int? CurrentReviewId, bool DecisionIsCurrent, bool OriginalIsCurrent, int DecidedSteps, int Emails, int Events, ReportStatus Report);

    private static Seen Before(Case c) =>
        new(ReviewStatus.Remarking, false, null, c.ScoreRows, 1, c.Original, null, false, true, 0, 0, 0, ReportStatus.Valid);

    private static Seen After(Case c) =>
        new(ReviewStatus.Decided, true, c.Median, c.ScoreRows + 1, 1, c.Median, c.Id, true, false, 1, 1, c.Changes ? 1 : 0,
            c.Changes ? ReportStatus.Superseded : ReportStatus.Valid);

    /// <summary>
    /// Asserts every request is wholly before or wholly after its decision and the outcomes agree with the current
    /// scores; returns the decided ones.
    /// </summary>
    private static async Task<HashSet<int>> AssertWholeAsync(DemoPortal portal, List<Case> cases)
    {
        await using var db = await Db(portal);
        var ids = cases.Select(c => c.Id).ToList();
        var registrations = cases.Select(c => c.RegistrationId).ToList();
        var candidates = cases.Select(c => c.CandidateId).ToList();
        var requests = await db.ReviewRequests.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id);
        var scores = await db.SubjectScores.AsNoTracking().Where(s => registrations.Contains(s.RegistrationId))
            .Select(s => new { s.Id, s.RegistrationId, s.SubjectId, s.IsCurrent, s.Score, s.ReviewRequestId }).ToListAsync();
        var steps = await db.ReviewEvents.AsNoTracking().Where(e => ids.Contains(e.ReviewRequestId) && e.Status == ReviewStatus.Decided)
            .Select(e => e.ReviewRequestId).ToListAsync();
        var reports = await db.ReportIssues.AsNoTracking().Where(r => candidates.Contains(r.CandidateId))
            .Select(r => new { r.CandidateId, r.Status }).ToListAsync();
        // Payloads are sealed at rest; the context opens them.
        var messages = await db.OutboxMessages.AsNoTracking().Select(m => new { m.Kind, m.Payload }).ToListAsync();
        var emails = messages.Where(m => m.Kind == OutboxKinds.Email).Select(m => JsonSerializer.Deserialize<EmailMessage>(m.Payload, Json)!).ToList();
        var events = messages.Where(m => m.Kind == OutboxKinds.ResultChanged).Select(m => JsonSerializer.Deserialize<ResultChanged>(m.Payload, Json)!).ToList();

        var decided = new HashSet<int>();
        foreach (var c in cases)
        {
            var r = requests[c.Id];
            var rows = scores.Where(s => s.RegistrationId == c.RegistrationId && s.SubjectId == c.SubjectId).ToList();
            var current = rows.Where(s => s.IsCurrent).ToList();
            var seen = new Seen(r.Status, r.ClosedAt is not null, r.FinalScore, rows.Count, current.Count, current.FirstOrDefault()?.Score,
                current.FirstOrDefault()?.ReviewRequestId, r.DecisionScoreId is { } d && current.Any(s => s.Id == d),
                current.Any(s => s.Id == c.OriginalScoreId), steps.Count(s => s == c.Id), emails.Count(e => e.To == c.Email),
                events.Count(e => e.ReviewRequestId == c.Id), reports.Single(x => x.CandidateId == c.CandidateId).Status);
            Assert.True(seen == Before(c) || seen == After(c), $"{c.CaseNumber} is between before and after: {seen}");
            if (seen == After(c)) decided.Add(c.Id);
        }

        // Who passed follows the current scores: recomputing changes nothing (rolled back: no commit).
        await using var scope = portal.Services.CreateAsyncScope();
        var outcomes = scope.ServiceProvider.GetRequiredService<Outcomes>();
        var changes = await db.InTransactionAsync((_, ct) => outcomes.RecomputeAsync(db, candidates, ct), CancellationToken.None);
        Assert.Equal((0, 0), (changes.Issued, changes.Revoked));
        return decided;
    }

    /// <summary>
    /// Asserts that every "done" decision entry in the audit log names a decided request (once); returns how many
    /// decided requests have none.
    /// </summary>
    private static async Task<int> AssertAuditAsync(DemoPortal portal, List<Case> cases, HashSet<int> decided)
    {
        await using var db = await Db(portal);
        var targets = cases.Select(c => c.Id.ToString(CultureInfo.InvariantCulture)).ToList();
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.ReviewDecide && targets.Contains(e.TargetId!))
            .Select(e => new { e.TargetId, e.DataJson }).ToListAsync();
        var done = entries.Where(e => JsonDocument.Parse(e.DataJson).RootElement.GetProperty("outcome").GetString() == "done")
            .Select(e => int.Parse(e.TargetId!, CultureInfo.InvariantCulture)).ToList();
        Assert.All(done, id => Assert.Contains(id, decided));
        Assert.Equal(done.Count, done.Distinct().Count());
        return decided.Count(id => !done.Contains(id));
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// One request per demo candidate with a published score: an account with an email (the candidate's notices), a
    /// valid report (superseded by a changed score), and the request in re-marking with three marks whose median is
    /// two points off the score — or, for every fourth, the score itself (a decision that changes nothing).
    /// </summary>
    private static async Task<List<Case>> CasesAsync(DemoPortal portal)
    {
        var now = portal.Clock.GetUtcNow();
        await using var db = await Db(portal);
        var rows = await db.SubjectScores.AsNoTracking()
            .Where(s => s.IsCurrent && s.Status == ScoreStatus.Normal && s.Registration.ExamSession.PublishedAt != null
                        && s.Registration.Candidate.UserId == null)
            .Select(s => new { s.Id, s.RegistrationId, s.SubjectId, s.Registration.CandidateId, s.Registration.ExamSessionId, s.Registration.QualificationId, s.Score })
            .ToListAsync();
        var picked = rows.Where(r => r.Score is not null).GroupBy(r => r.CandidateId).Select(g => g.OrderBy(r => r.Id).First())
            .OrderBy(r => r.CandidateId).Take(Requests).ToList();

        var cases = new List<Case>();
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        foreach (var (row, i) in picked.Select((r, i) => (r, i)))
        {
            var email = $"crash-decision-{i}-{Guid.NewGuid():N}@example.org";
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = now };
            Assert.True((await users.CreateAsync(user)).Succeeded);
            await users.AddToRoleAsync(user, Roles.Candidate);
            await db.Candidates.Where(c => c.Id == row.CandidateId).ExecuteUpdateAsync(s => s.SetProperty(c => c.UserId, user.Id));
            db.ReportIssues.Add(new ReportIssue
            {
                CandidateId = row.CandidateId, RegistrationId = row.RegistrationId, Culture = "zh-CN", RecordVersion = "crash-test",
                VerificationCode = VerificationCode.New(), FileSha256 = new string('0', 64), EncryptedFile = [1], EncryptedSnapshot = [1],
                Status = ReportStatus.Valid, IssuedAt = now, DownloadCount = 1,
            });

            var original = row.Score!.Value;
            var median = i % 4 == 3 ? original : original >= 50 ? original - 2 : original + 2;
            var request = new ReviewRequest
            {
                CaseNumber = $"FH-CRASH-{i:D3}", CandidateId = row.CandidateId, RegistrationId = row.RegistrationId, SubjectId = row.SubjectId,
                ExamSessionId = row.ExamSessionId, QualificationId = row.QualificationId, SubjectScoreId = row.Id, ProvinceCode = "11",
                Status = ReviewStatus.Remarking, SubmittedAt = now, DueAt = now.AddDays(20), OriginalScore = original, Culture = "zh-CN",
            };
            foreach (var (expert, mark) in new[] { ("e1", median), ("e2", median), ("e3", median + 1) })
                request.ExpertMarks.Add(new ExpertMark { ExpertUserId = expert, AssignedAt = now, Score = mark, MarkedAt = now });
            db.ReviewRequests.Add(request);
            await db.SaveChangesAsync();
            var scoreRows = await db.SubjectScores.CountAsync(s => s.RegistrationId == row.RegistrationId && s.SubjectId == row.SubjectId);
            cases.Add(new Case(request.Id, request.CaseNumber, row.CandidateId, email, row.RegistrationId, row.SubjectId, row.Id, scoreRows,
                original, median));
        }
        return cases;
    }
}

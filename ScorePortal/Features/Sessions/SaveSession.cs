using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Results;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Sessions;

/// <summary>
/// Creates (<see cref="Id"/> null) or edits an exam session. Times are instants; the page builds them from China
/// time with <see cref="SaveSession.ChinaTime"/>. <see cref="ExamSession.PublishedAt"/> is not part of the request:
/// only publishing a result batch sets it. <see cref="LoadedVersion"/> is <see cref="SaveSession.VersionOf"/> of the
/// session as the form loaded it; moving the release time of results candidates can already see into the future hides
/// them again, so it needs <see cref="ConfirmHidingResults"/>.
/// </summary>
public sealed record SaveSessionRequest(
    int? Id,
    int Year,
    ExamHalf Half,
    string? NameZh,
    string? NameEn,
    DateOnly? ExamStartDate,
    DateOnly? ExamEndDate,
    DateTimeOffset? ReleaseAt,
    DateTimeOffset? ReviewOpensAt,
    DateTimeOffset? ReviewClosesAt,
    string? UserId,
    string? LoadedVersion = null,
    bool ConfirmHidingResults = false,
    int? ReviewDecisionDays = null);

public sealed class SaveSession(IDbContextFactory<ScorePortalDbContext> dbFactory, SessionCatalog sessions, AuditLog audit, TimeProvider time)
{
    public const string NotFound = "Sessions.Admin.Error.NotFound";
    public const string YearRange = "Sessions.Admin.Error.YearRange";
    public const string HalfInvalid = "Sessions.Admin.Error.HalfInvalid";
    public const string Duplicate = "Sessions.Admin.Error.Duplicate";
    public const string CodeLocked = "Sessions.Admin.Error.CodeLocked";
    public const string EndBeforeStart = "Sessions.Admin.Error.EndBeforeStart";
    public const string ReleaseBeforeExamEnd = "Sessions.Admin.Error.ReleaseBeforeExamEnd";
    public const string ReviewOpensBeforeRelease = "Sessions.Admin.Error.ReviewOpensBeforeRelease";
    public const string ReviewClosesBeforeOpen = "Sessions.Admin.Error.ReviewClosesBeforeOpen";
    public const string HidesReleasedResults = "Sessions.Admin.Error.HidesReleasedResults";
    public const string EarlierReleaseNeedsSecondAdmin = "Sessions.Admin.Error.EarlierReleaseNeedsSecondAdmin";
    public const string ReviewDecisionDaysRange = "Sessions.Admin.Error.ReviewDecisionDaysRange";

    /// <summary>Bounds of the promised review decision, in days after the review window closes.</summary>
    public const int MinReviewDecisionDays = 1;
    public const int MaxReviewDecisionDays = 90;

    public const int MinYear = 2000;
    public const int MaxYear = 2100;

    /// <summary>An instant entered as a China (UTC+8) date and time of day, stored in UTC.</summary>
    public static DateTimeOffset? ChinaTime(DateTime? date, TimeSpan? time) =>
        date is { } d && time is { } t
            ? new DateTimeOffset(d.Date + t, PortalFormat.ChinaOffset).ToUniversalTime()
            : null;

    /// <summary>The values the form edits; <see cref="ExamSession.PublishedAt"/> is not one of them.</summary>
    public static string VersionOf(ExamSession s) => EditVersion.Of(s.Year, s.Half, s.NameZh, s.NameEn, s.ExamStartDate, s.ExamEndDate,
        s.ReleaseAt, s.ReviewOpensAt, s.ReviewClosesAt, s.ReviewDecisionDays);

    public async Task<EditResult> HandleAsync(SaveSessionRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var check = new EditValidator(db);

        if (request.Year is < MinYear or > MaxYear) check.Add(nameof(request.Year), YearRange, MinYear, MaxYear);
        if (!Enum.IsDefined(request.Half)) check.Add(nameof(request.Half), HalfInvalid);
        var nameZh = check.Text<ExamSession>(nameof(ExamSession.NameZh), request.NameZh);
        var nameEn = check.Text<ExamSession>(nameof(ExamSession.NameEn), request.NameEn);

        if (request.ExamStartDate is null) check.Add(nameof(request.ExamStartDate), EditValidator.Required);
        if (request.ExamEndDate is null) check.Add(nameof(request.ExamEndDate), EditValidator.Required);
        if (request.ReleaseAt is null) check.Add(nameof(request.ReleaseAt), EditValidator.Required);
        if (request.ReviewOpensAt is null) check.Add(nameof(request.ReviewOpensAt), EditValidator.Required);
        if (request.ReviewClosesAt is null) check.Add(nameof(request.ReviewClosesAt), EditValidator.Required);

        if (request.ExamStartDate is { } start && request.ExamEndDate is { } end && end < start)
            check.Add(nameof(request.ExamEndDate), EndBeforeStart);
        // The last exam day runs until midnight China time; results cannot come out before it is over.
        if (request.ExamEndDate is { } last && request.ReleaseAt is { } release
            && release < new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), PortalFormat.ChinaOffset))
            check.Add(nameof(request.ReleaseAt), ReleaseBeforeExamEnd);
        if (request.ReleaseAt is { } released && request.ReviewOpensAt is { } opens && opens < released)
            check.Add(nameof(request.ReviewOpensAt), ReviewOpensBeforeRelease);
        if (request.ReviewOpensAt is { } from && request.ReviewClosesAt is { } to && to <= from)
            check.Add(nameof(request.ReviewClosesAt), ReviewClosesBeforeOpen);
        if (request.ReviewDecisionDays is < MinReviewDecisionDays or > MaxReviewDecisionDays)
            check.Add(nameof(request.ReviewDecisionDays), ReviewDecisionDaysRange, MinReviewDecisionDays, MaxReviewDecisionDays);

        ExamSession? session = null;
        if (request.Id is { } id)
        {
            session = await db.ExamSessions.FirstOrDefaultAsync(s => s.Id == id, ct);
            if (session is null) return EditResult.Refused("", NotFound);
            if (EditVersion.IsStale(request.LoadedVersion, VersionOf(session))) return EditResult.Refused("", EditVersion.Stale);
            // Ticket numbers and imported files carry the session code: once people registered, it stays.
            if ((session.Year != request.Year || session.Half != request.Half)
                && await db.Registrations.AnyAsync(r => r.ExamSessionId == id, ct))
                check.Add(nameof(request.Year), CodeLocked, session.Code);
        }
        if (await db.ExamSessions.AnyAsync(s => s.Year == request.Year && s.Half == request.Half && s.Id != (request.Id ?? 0), ct))
            check.Add(nameof(request.Year), Duplicate, ExamSession.CodeFor(request.Year, request.Half));

        if (check.Errors.Count > 0) return EditResult.Refused(check.Errors);

        // Candidates may be looking at these results right now: a later release time takes them away until then.
        var now = time.GetUtcNow();
        if (session is not null && session.IsReleased(now) && request.ReleaseAt > now && !request.ConfirmHidingResults)
            return new EditResult([new EditError(nameof(request.ReleaseAt), HidesReleasedResults, PortalFormat.DateTime(request.ReleaseAt.Value))],
                session.Id, NeedsConfirmation: true);

        // An earlier release time publishes an approved batch early, which is "publish now" by another name: the admin
        // who imported that batch cannot do it alone (the scheduler would publish within seconds); another admin can.
        if (session is not null && request.ReleaseAt < session.ReleaseAt
            && !await TwoPersonRule.MayBringReleaseForwardAsync(db, session.Id, request.UserId, ct))
        {
            await audit.WriteDurableAsync(new AuditRecord(AuditActions.SessionChange, ActorUserId: request.UserId, ActorRole: Roles.Admin,
                TargetType: "session", TargetId: session.Id.ToString(CultureInfo.InvariantCulture),
                Data: new Dictionary<string, string?>
                {
                    ["operation"] = "update",
                    ["code"] = session.Code,
                    ["result"] = "refused",
                    ["error"] = EarlierReleaseNeedsSecondAdmin,
                }), CancellationToken.None);
            return EditResult.Refused(nameof(request.ReleaseAt), EarlierReleaseNeedsSecondAdmin);
        }

        var created = session is null;
        session ??= db.ExamSessions.Add(new ExamSession()).Entity;
        session.Year = request.Year;
        session.Half = request.Half;
        session.Code = ExamSession.CodeFor(request.Year, request.Half);
        session.NameZh = nameZh!;
        session.NameEn = nameEn!;
        session.ExamStartDate = request.ExamStartDate!.Value;
        session.ExamEndDate = request.ExamEndDate!.Value;
        session.ReleaseAt = request.ReleaseAt!.Value.ToUniversalTime();
        session.ReviewOpensAt = request.ReviewOpensAt!.Value.ToUniversalTime();
        session.ReviewClosesAt = request.ReviewClosesAt!.Value.ToUniversalTime();
        // Not given (callers that predate the setting): a new session gets the default, an existing one keeps its value.
        if (request.ReviewDecisionDays is { } days) session.ReviewDecisionDays = days;

        var changed = created
            ? []
            : db.Entry(session).Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name).ToList();
        if (!created && changed.Count == 0) return EditResult.Saved(session.Id);

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another admin saved the same year and half in between.
            return EditResult.Refused(nameof(request.Year), Duplicate, session.Code);
        }

        await sessions.InvalidateAsync(CancellationToken.None);
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.SessionChange, ActorUserId: request.UserId, ActorRole: Roles.Admin,
            TargetType: "session", TargetId: session.Id.ToString(CultureInfo.InvariantCulture),
            Data: new Dictionary<string, string?>
            {
                ["operation"] = created ? "create" : "update",
                ["code"] = session.Code,
                ["changed"] = created ? null : string.Join(',', changed),
            }), CancellationToken.None);
        return EditResult.Saved(session.Id);
    }
}

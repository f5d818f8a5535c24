using Microsoft.EntityFrameworkCore;
using ScorePortal.Account;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;
using ScorePortal.Features.Captcha;
using ScorePortal.Features.Lookup;
using ScorePortal.Operations;

namespace ScorePortal.Features.Me;

/// <summary>A signed-in candidate claims their record by proving the ID document, the name and one admission ticket.</summary>
public sealed record LinkCandidateRecordRequest(string UserId, IdType? IdType, string? IdNumber, string? Name, string? TicketNumber,
    string Culture, string? SourceIp, string? CaptchaToken = null, string? CaptchaAnswer = null)
{
    public const int TicketMaxLength = 32;

    /// <summary>Resource keys of what to fix; says nothing about whether a record exists.</summary>
    public IReadOnlyList<string> Validate(out string normalizedId, out string normalizedName, out string ticket)
    {
        var errors = new List<string>();
        normalizedId = "";
        if (IdType is not { } type || !Enum.IsDefined(type)) errors.Add("Lookup.Error.IdTypeRequired");
        else if (string.IsNullOrWhiteSpace(IdNumber)) errors.Add("Lookup.Error.IdNumberRequired");
        else if (CandidateIdentity.IdNumberError(type, IdNumber, out normalizedId) is { } problem) errors.Add(problem);
        if (CandidateIdentity.NameError(Name, out normalizedName) is { } nameProblem) errors.Add(nameProblem);
        ticket = (TicketNumber ?? "").Trim().ToUpperInvariant();
        if (ticket.Length == 0) errors.Add("Lookup.Error.TicketRequired");
        else if (ticket.Length > TicketMaxLength || !ticket.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) errors.Add("Lookup.Error.TicketFormat");
        return errors;
    }
}

public abstract record LinkOutcome
{
    public sealed record Invalid(IReadOnlyList<string> ErrorKeys) : LinkOutcome;

    /// <summary>Refused without looking: a resource key (already linked, too many wrong attempts).</summary>
    public sealed record Refused(string MessageKey) : LinkOutcome;

    /// <summary>No record with this ID, name and ticket (one answer for every kind of mismatch).</summary>
    public sealed record NotFound : LinkOutcome;

    /// <summary>The record has an email: a code went there, and the link waits for it.</summary>
    public sealed record CodeSent(string MaskedEmail) : LinkOutcome;

    public sealed record Linked : LinkOutcome;
}

/// <summary>
/// Links a candidate record to the signed-in account. The record is found by the blind index, the name compared after
/// the lookup's normalization and the ticket must be one of the record's; every kind of mismatch is one answer and
/// spends the account's and the address's budget of wrong attempts. When the record carries an email, a code sent
/// there confirms the link (<see cref="ConfirmCandidateLink"/>), so knowing someone's papers is not enough.
/// Linking answers the lookup's question (do this ID, name and ticket match?) and accounts are free, so it passes the
/// lookup's guards too: the captcha, and the lookup's per-ID throttle — every mismatch counts as a wrong name for that ID
/// number, locking it for the sending address and spacing out that ID's lookups and links from anywhere.
/// </summary>
public sealed class LinkCandidateRecord(IDbContextFactory<ScorePortalDbContext> dbFactory, BlindIndex blindIndex, LinkAttempts attempts,
    OneTimeCodes codes, AuditLog audit, TimeProvider time, ILogger<LinkCandidateRecord> logger,
    CaptchaService captcha, LookupThrottle throttle)
{
    public const string LinkPurposePrefix = "link:";

    public async Task<LinkOutcome> HandleAsync(LinkCandidateRecordRequest request, CancellationToken ct = default)
    {
        var errors = request.Validate(out var idNumber, out var name, out var ticket);
        if (errors.Count > 0) return new LinkOutcome.Invalid(errors);
        if (await attempts.IsExhaustedAsync(request.UserId, request.SourceIp))
        {
            await AuditAsync(request, null, "limited");
            return new LinkOutcome.Refused("Me.Link.TooManyAttempts");
        }

        switch (await captcha.VerifyAsync(request.CaptchaToken, request.CaptchaAnswer))
        {
            case CaptchaCheck.Passed:
                break;
            case var failed:
                await AuditAsync(request, null, "captcha-" + failed.ToString().ToLowerInvariant());
                return new LinkOutcome.Refused(failed == CaptchaCheck.Wrong ? "Captcha.Wrong" : "Captcha.Expired");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Candidates.AnyAsync(c => c.UserId == request.UserId, ct))
            return new LinkOutcome.Refused("Me.Link.AccountAlreadyLinked");

        var type = request.IdType!.Value;
        var index = blindIndex.Compute(type, idNumber);
        var idKey = Convert.ToHexString(index);
        var address = ClientAddress.LimitKey(request.SourceIp);
        if (await throttle.CheckIdNumberAsync(idKey, address) is var verdict and not ThrottleVerdict.Allowed)
        {
            await AuditAsync(request, null, "limited");
            return new LinkOutcome.Refused(verdict == ThrottleVerdict.IdNumberLocked ? "Lookup.Refused.Locked" : "Lookup.Refused.TooMany");
        }
        // Spaced like a lookup of this ID (right papers or wrong, so the wait says nothing), bounded for the candidate.
        if (await throttle.ReserveSlotAsync(idKey) is not { } wait)
        {
            await AuditAsync(request, null, "limited");
            return new LinkOutcome.Refused("Lookup.Refused.TooMany");
        }
        if (wait > TimeSpan.Zero) await Task.Delay(wait, time, ct);
        var candidate = await db.Candidates.AsNoTracking()
            .Where(c => c.IdType == type && c.IdNumberIndex == index)
            .Select(c => new { c.Id, c.Name, c.Email, c.UserId, Tickets = c.Registrations.Select(r => r.TicketNumber).ToList() })
            .FirstOrDefaultAsync(ct);
        var matched = candidate is not null && candidate.Tickets.Contains(ticket) && NameNormalizer.Matches(name, candidate.Name);
        if (!matched)
        {
            await attempts.RecordWrongAsync(request.UserId, request.SourceIp);
            await throttle.RecordWrongNameAsync(idKey, address);
            await AuditAsync(request, null, "not-found");
            return new LinkOutcome.NotFound();
        }

        if (candidate!.UserId is not null)
        {
            // The papers are right, so saying the record is taken reveals nothing new; an admin can release it.
            await AuditAsync(request, candidate.Id, "claimed-elsewhere");
            return new LinkOutcome.Refused(candidate.UserId == request.UserId ? "Me.Link.AccountAlreadyLinked" : "Me.Link.ClaimedElsewhere");
        }

        if (candidate.Email is { Length: > 0 } recordEmail)
        {
            // One budget per record, whichever account asks: the code protects the record's owner and lands in their inbox.
            if (await codes.AddAsync(db, request.UserId, LinkPurposePrefix + candidate.Id, new NoticeRecipient(recordEmail, request.Culture),
                    code => LinkNotices.Code(code, OneTimeCode.Lifetime), CodeScope.Purpose, ct) == CodeIssue.Limited)
            {
                await AuditAsync(request, candidate.Id, "code-limited");
                return new LinkOutcome.Refused("Me.Code.SendLimit");
            }
            await db.SaveChangesAsync(ct);
            await AuditAsync(request, candidate.Id, "code-sent");
            return new LinkOutcome.CodeSent(Notices.MaskEmail(recordEmail));
        }

        var linked = await LinkAsync(db, candidate.Id, request.UserId, time.GetUtcNow(), null, null, ct);
        await AuditAsync(request, candidate.Id, linked ? "linked" : "claimed-elsewhere");
        if (!linked) return new LinkOutcome.Refused("Me.Link.ClaimedElsewhere");
        logger.LogInformation("Account {UserId} linked to candidate {CandidateId}", request.UserId, candidate.Id);
        return new LinkOutcome.Linked();
    }

    /// <summary>
    /// Binds the record when it is still free (a conditional update: of two accounts at once exactly one wins; the
    /// unique index on the account id keeps one record per account), and tells the record's email in the same commit
    /// (in <paramref name="culture"/>) when <paramref name="notices"/> is given.
    /// </summary>
    internal static async Task<bool> LinkAsync(ScorePortalDbContext db, int candidateId, string userId, DateTimeOffset now,
        Notices? notices, string? culture, CancellationToken ct)
    {
        return await db.InTransactionAsync(async (tx, ct) =>
        {
            int updated;
            try
            {
                updated = await db.Candidates
                    .Where(c => c.Id == candidateId && c.UserId == null)
                    .ExecuteUpdateAsync(set => set.SetProperty(c => c.UserId, userId).SetProperty(c => c.LinkedAt, now), ct);
            }
            catch (DbUpdateException ex) when (!SqliteRetryingExecutionStrategy.IsTransient(ex))
            {
                return false; // this account meanwhile linked another record
            }
            if (updated == 0) return false;
            if (notices is not null && await db.Candidates.Where(c => c.Id == candidateId).Select(c => c.Email).FirstOrDefaultAsync(ct) is { Length: > 0 } email)
            {
                notices.Send(db, new NoticeRecipient(email, culture ?? ""), LinkNotices.Linked());
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
            return true;
        }, async ct => await db.Candidates.AsNoTracking().AnyAsync(c => c.Id == candidateId && c.UserId == userId, ct)
            ? DatabaseTransactions.Committed(true) // linked: a second run would find the record taken
            : DatabaseTransactions.NotCommitted<bool>(), ct);
    }

    private Task AuditAsync(LinkCandidateRecordRequest request, int? candidateId, string result) =>
        audit.WriteDurableAsync(new AuditRecord(AuditActions.CandidateLink, ActorUserId: request.UserId, ActorRole: Roles.Candidate,
            TargetType: candidateId is null ? null : "candidate", TargetId: candidateId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            SourceIp: request.SourceIp, Data: new Dictionary<string, string?> { ["result"] = result }), CancellationToken.None);
}

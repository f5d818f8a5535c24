using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Notices;

namespace ScorePortal.Account;

public enum CodeCheck
{
    Accepted,
    Wrong,

    /// <summary>No code was sent, it expired, was used, or was replaced by a newer one.</summary>
    ExpiredOrUsed,
    TooManyAttempts,
}

public enum CodeIssue
{
    Sent,

    /// <summary>
    /// Nothing sent: <see cref="OneTimeCodes.MaxSendsPerWindow"/> codes went out in <see cref="OneTimeCodes.Window"/>, or
    /// <see cref="OneTimeCode.MaxAttempts"/> wrong codes were typed in it.
    /// </summary>
    Limited,
}

/// <summary>
/// Who shares one budget of codes: the account (step-up: the code goes to the account's own address), or everyone
/// asking for the same purpose (linking a record: the code goes to the record's address, whichever account asks).
/// </summary>
public enum CodeScope
{
    Account,
    Purpose,
}

/// <summary>Sends and checks <see cref="OneTimeCode"/>s; the email leaves through the outbox with the code's row.</summary>
public sealed class OneTimeCodes(TimeProvider time, Notices notices)
{
    /// <summary>Codes one scope may be sent per <see cref="Window"/>: bounds the mail to one inbox.</summary>
    public const int MaxSendsPerWindow = 5;

    /// <summary>
    /// How long sends and wrong codes are remembered. A fresh code does not bring fresh tries: once
    /// <see cref="OneTimeCode.MaxAttempts"/> wrong codes were typed in the window, no new code is sent, so a guesser
    /// gets fewer than twice that many guesses a day instead of five per request.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>
    /// Adds a new code for (user, purpose) to <paramref name="db"/>, ends the earlier ones, and queues the notice built
    /// from the code for <paramref name="to"/>; the caller's SaveChanges commits both. Refused (nothing added) when the
    /// scope's budget of the last <see cref="Window"/> is spent. Two requests at the same instant may both pass the
    /// count: one code more.
    /// </summary>
    public async Task<CodeIssue> AddAsync(ScorePortalDbContext db, string userId, string purpose, NoticeRecipient to, Func<string, Notice> notice,
        CodeScope scope, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var earlier = db.OneTimeCodes.Where(c => c.Purpose == purpose);
        if (scope == CodeScope.Account) earlier = earlier.Where(c => c.UserId == userId);
        // SQLite cannot compare DateTimeOffset in SQL; a scope holds a handful of codes, so the window is applied here.
        var recent = (await earlier.Select(c => new { c.CreatedAt, c.Attempts }).ToListAsync(ct))
            .Where(c => c.CreatedAt > now - Window).ToList();
        if (recent.Count >= MaxSendsPerWindow || recent.Sum(c => c.Attempts) >= OneTimeCode.MaxAttempts) return CodeIssue.Limited;

        await db.OneTimeCodes
            .Where(c => c.UserId == userId && c.Purpose == purpose && c.UsedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.UsedAt, now), ct);
        var code = OneTimeCode.NewCode();
        var salt = RandomNumberGenerator.GetBytes(16);
        db.OneTimeCodes.Add(new OneTimeCode
        {
            UserId = userId, Purpose = purpose, Salt = salt, CodeHash = OneTimeCode.Hash(salt, code),
            CreatedAt = now, ExpiresAt = now + OneTimeCode.Lifetime,
        });
        notices.Send(db, to, notice(code));
        return CodeIssue.Sent;
    }

    /// <summary>Checks (and on success spends) the newest code of (user, purpose).</summary>
    public async Task<CodeCheck> CheckAsync(ScorePortalDbContext db, string userId, string purpose, string? code, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var current = await db.OneTimeCodes
            .Where(c => c.UserId == userId && c.Purpose == purpose && c.UsedAt == null)
            .OrderByDescending(c => c.Id)
            .FirstOrDefaultAsync(ct);
        if (current is null || current.ExpiresAt <= now) return CodeCheck.ExpiredOrUsed;
        if (current.Attempts >= OneTimeCode.MaxAttempts) return CodeCheck.TooManyAttempts;

        var typed = new string((code ?? "").Where(ch => !char.IsWhiteSpace(ch)).ToArray());
        if (!current.Matches(typed))
        {
            // Counted in the database with a conditional update, so parallel guesses cannot exceed the budget.
            var counted = await db.OneTimeCodes
                .Where(c => c.Id == current.Id && c.Attempts < OneTimeCode.MaxAttempts)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.Attempts, c => c.Attempts + 1), ct);
            return counted == 0 || current.Attempts + 1 >= OneTimeCode.MaxAttempts ? CodeCheck.TooManyAttempts : CodeCheck.Wrong;
        }

        // Spent exactly once, even by two requests carrying the same code.
        var spent = await db.OneTimeCodes
            .Where(c => c.Id == current.Id && c.UsedAt == null && c.Attempts < OneTimeCode.MaxAttempts)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.UsedAt, now), ct);
        return spent == 1 ? CodeCheck.Accepted : CodeCheck.ExpiredOrUsed;
    }
}

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

/// <summary>Sends and checks <see cref="OneTimeCode"/>s; the email leaves through the outbox with the code's row.</summary>
public sealed class OneTimeCodes(TimeProvider time, Notices notices)
{
    /// <summary>
    /// Adds a new code for (user, purpose) to <paramref name="db"/>, ends the earlier ones, and queues the notice built
    /// from the code for <paramref name="to"/>; the caller's SaveChanges commits both.
    /// </summary>
    public async Task AddAsync(ScorePortalDbContext db, string userId, string purpose, NoticeRecipient to, Func<string, Notice> notice, CancellationToken ct)
    {
        var now = time.GetUtcNow();
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

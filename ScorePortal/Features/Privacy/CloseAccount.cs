using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Account;
using ScorePortal.Account.Admin;
using ScorePortal.Account.Sessions;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises.Consents;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Privacy;

/// <param name="StepUpPassed">The caller checked the second verification (<see cref="StepUpPurposes.CloseAccount"/>).</param>
/// <param name="Confirmed">The holder typed the confirmation word and ticked the box.</param>
public sealed record CloseAccountRequest(string UserId, bool StepUpPassed, bool Confirmed, string? SourceIp);

public enum CloseAccountOutcome { Closed, StepUpRequired, NotConfirmed, NotACandidateAccount, NotFound }

/// <summary>
/// A candidate closes their own account (PIPL art. 47). What the exam rules and the law keep stays, tied to ids only:
/// the record, its registrations and scores, reports issued and the report register, review cases and decisions, the
/// audit log (never a row deleted, so the chain stays whole). What is the account's own goes at once: active consents
/// to enterprises end through the candidate's own revoke path (each audited, enterprises see the revocation), the
/// record's link is released, share links, sessions, one-time codes, tokens (authenticator key, recovery codes), external logins,
/// claims, passkeys and roles are deleted, and the row is pseudonymized (<c>closed-…@invalid</c>, no password, no
/// name) and locked for good with a new security stamp, so every cookie and open circuit of it stops. The address is
/// free to register again as a new account. Staff, expert, enterprise and admin accounts are closed by an admin.
/// </summary>
public sealed class CloseAccount(IServiceScopeFactory scopes, RevokeConsent revokeConsent, AccountSessions sessions, OpenCircuits circuits,
    AuditLog audit, TimeProvider time, ILogger<CloseAccount> logger)
{
    public const string ClosedDomain = "invalid";

    public static bool IsClosedAddress(string? userName) =>
        userName is not null && userName.StartsWith("closed-", StringComparison.Ordinal) && userName.EndsWith("@" + ClosedDomain, StringComparison.Ordinal);

    public async Task<CloseAccountOutcome> HandleAsync(CloseAccountRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        var user = await users.FindByIdAsync(request.UserId);
        if (user is null || user.ClosedAt is not null) return CloseAccountOutcome.NotFound;

        var refusal = !request.StepUpPassed ? CloseAccountOutcome.StepUpRequired
            : !request.Confirmed ? CloseAccountOutcome.NotConfirmed
            : (await users.GetRolesAsync(user)) is var roles && (!roles.Contains(Roles.Candidate) || roles.Count != 1) ? CloseAccountOutcome.NotACandidateAccount
            : (CloseAccountOutcome?)null;
        if (refusal is { } refused)
        {
            await AuditAsync(request, new() { ["result"] = refused == CloseAccountOutcome.StepUpRequired ? "step-up-required"
                : refused == CloseAccountOutcome.NotConfirmed ? "not-confirmed" : "not-a-candidate-account" });
            return refused;
        }

        // Consents first, while the record is still linked: the candidate's own revoke path, so each ends as a
        // revocation does (audited, refused by the API at once, the employee id free again).
        var now = time.GetUtcNow();
        var candidateId = await db.Candidates.AsNoTracking().Where(c => c.UserId == user.Id).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
        var consentIds = candidateId is { } id
            ? await db.Consents.AsNoTracking().Where(c => c.CandidateId == id && c.RevokedAt == null && c.ClosedAt == null && c.ExpiresAt > now)
                .Select(c => c.Id).ToListAsync(ct)
            : [];
        var revoked = 0;
        foreach (var consentId in consentIds)
            if (await revokeConsent.HandleAsync(new RevokeConsentRequest(user.Id, consentId, request.SourceIp), ct)) revoked++;

        // Inside the execution strategy (Data/DatabaseTransactions): a retry starts afresh and loads the row again.
        var userId = user.Id;
        await db.InTransactionAsync(async (transaction, ct) =>
        {
            var row = await db.Users.SingleAsync(u => u.Id == userId, ct);
            await db.Candidates.Where(c => c.UserId == userId)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.UserId, (string?)null).SetProperty(c => c.LinkedAt, (DateTimeOffset?)null), ct);
            await db.UserTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
            await db.UserLogins.Where(l => l.UserId == userId).ExecuteDeleteAsync(ct);
            await db.UserClaims.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
            await db.UserRoles.Where(r => r.UserId == userId).ExecuteDeleteAsync(ct);
            await db.OneTimeCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
            // Share links stop showing the certificate with the account that made them (the notes may name people).
            await db.ShareLinks.Where(l => l.UserId == userId).ExecuteDeleteAsync(ct);
            if (db.Model.FindEntityType(typeof(IdentityUserPasskey<string>)) is not null)
                await db.Set<IdentityUserPasskey<string>>().Where(p => p.UserId == userId).ExecuteDeleteAsync(ct);

            var pseudonym = $"closed-{Guid.NewGuid():N}@{ClosedDomain}";
            row.UserName = pseudonym;
            row.NormalizedUserName = users.NormalizeName(pseudonym);
            row.Email = pseudonym;
            row.NormalizedEmail = users.NormalizeEmail(pseudonym);
            row.EmailConfirmed = false;
            row.PasswordHash = null;
            row.PhoneNumber = null;
            row.PhoneNumberConfirmed = false;
            row.TwoFactorEnabled = false;
            row.DisplayName = null;
            row.ProvinceCode = null;
            row.MustChangePassword = false;
            row.LockoutEnabled = true;
            row.LockoutEnd = DisabledAccounts.Forever;
            row.AccessFailedCount = 0;
            row.ClosedAt = now;
            row.SecurityStamp = Guid.NewGuid().ToString("N");
            row.ConcurrencyStamp = Guid.NewGuid().ToString();
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, ct);

        // After the commit: every session row goes (this instance forgets them at once), and open circuits check now.
        var ended = await sessions.EndOthersAsync(user.Id, null, CancellationToken.None);
        await circuits.RecheckAsync(user.Id);
        if (candidateId is { } released)
            await audit.WriteDurableAsync(new AuditRecord(AuditActions.CandidateLinkRelease, ActorUserId: user.Id, ActorRole: Roles.Candidate,
                TargetType: "candidate", TargetId: released.ToString(CultureInfo.InvariantCulture), SourceIp: request.SourceIp,
                Data: new Dictionary<string, string?> { ["formerUserId"] = user.Id, ["reason"] = "account-closed" }), CancellationToken.None);
        await AuditAsync(request, new()
        {
            ["result"] = "success",
            ["consentsRevoked"] = revoked.ToString(CultureInfo.InvariantCulture),
            ["sessionsEnded"] = ended.ToString(CultureInfo.InvariantCulture),
            ["candidate"] = candidateId?.ToString(CultureInfo.InvariantCulture),
        });
        logger.LogInformation("Account {UserId} was closed by its holder", user.Id);
        return CloseAccountOutcome.Closed;
    }

    private Task AuditAsync(CloseAccountRequest request, Dictionary<string, string?> data) =>
        audit.WriteDurableAsync(new AuditRecord(AuditActions.AccountClose, ActorUserId: request.UserId, ActorRole: Roles.Candidate,
            TargetType: "user", TargetId: request.UserId, SourceIp: request.SourceIp, Data: data), CancellationToken.None);
}

using Microsoft.AspNetCore.Identity;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;

namespace ScorePortal.Account.Admin;

/// <param name="Culture">The language of the notice to the account's holder.</param>
public sealed record ResetAuthenticatorRequest(string UserId, string? Culture, AccountActor Actor);

/// <summary>
/// The holder lost their phone: the account's authenticator and recovery codes are removed and a new secret is made
/// (never shown here), so at the next sign-in (password only) the person enrolls an authenticator again before any
/// staff, expert or admin page opens. The stamp rotates: every open session of the account ends. An admin cannot reset
/// their own (another admin does it). Audited; the holder is told.
/// </summary>
public sealed class ResetAuthenticator(IServiceScopeFactory scopes, Notices notices, AuditLog audit, OpenCircuits circuits)
{
    public async Task<AccountAdminResult> HandleAsync(ResetAuthenticatorRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        if (await ActingAdmin.CheckAsync(users, audit, request.Actor, AuditActions.AccountResetAuthenticator, request.UserId) is { } denied)
            return AccountAdminResult.Refused(denied, "Code");

        var user = await users.FindByIdAsync(request.UserId);
        if (user is null) return AccountAdminResult.Refused(AccountAdminErrors.NotFound);
        var refused = request.Actor.UserId == user.Id ? AccountAdminErrors.OwnAccount
            : !await users.GetTwoFactorEnabledAsync(user) ? AccountAdminErrors.NoAuthenticatorToReset
            : null;
        if (refused is not null)
        {
            await audit.WriteDurableAsync(AccountAdminAudit.Record(AuditActions.AccountResetAuthenticator, request.Actor, user.Id,
                new() { ["result"] = AccountAdminErrors.AuditResult(refused) }), CancellationToken.None);
            return AccountAdminResult.Refused(refused);
        }

        await db.InTransactionAsync(async (transaction, ct) =>
        {
            Ensure(await users.SetTwoFactorEnabledAsync(user, false));
            Ensure(await users.RemoveAuthenticationTokenAsync(user, PortalUserStore.InternalLoginProvider, PortalUserStore.RecoveryCodesName));
            Ensure(await users.ResetAuthenticatorKeyAsync(user)); // a new secret nobody saw, and a new security stamp
            notices.Tell(db, user, request.Culture, AccountAdminNotices.AuthenticatorReset);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, ct => CommittedStamp.IsStoredAsync(db, user, ct), ct); // reset once: the holder is told once
        await audit.WriteDurableAsync(AccountAdminAudit.Record(AuditActions.AccountResetAuthenticator, request.Actor, user.Id,
            new() { ["result"] = "success" }), CancellationToken.None);
        await circuits.RecheckAsync(user.Id);
        return new AccountAdminResult([], user.Id);
    }

    private static void Ensure(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("The authenticator could not be reset: " + string.Join(", ", result.Errors.Select(e => e.Code)));
    }
}

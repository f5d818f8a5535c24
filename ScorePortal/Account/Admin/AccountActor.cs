using Microsoft.AspNetCore.Identity;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Account.Admin;

/// <summary>
/// Who changes an account: an admin in the portal, proving it with a fresh authenticator code for every change, or
/// the operator on the server's command line (<c>create-account</c>, <c>roles</c>: how the first admin of an
/// installation comes to exist; audited with the operating-system user).
/// </summary>
public sealed record AccountActor
{
    private AccountActor(string? userId, string? code, string? operatingSystemUser)
    {
        UserId = userId;
        Code = code;
        OperatingSystemUser = operatingSystemUser;
    }

    /// <summary>The acting admin's account id (null for the command line).</summary>
    public string? UserId { get; }

    /// <summary>The admin's current authenticator code, asked for this one change.</summary>
    public string? Code { get; }

    public string? OperatingSystemUser { get; }

    public bool IsCommandLine => UserId is null;

    public static AccountActor Admin(string userId, string? code)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return new AccountActor(userId, code, null);
    }

    public static AccountActor CommandLine() => new(null, null, Environment.UserName);

    /// <summary>The actor's part of an audit entry's data.</summary>
    internal Dictionary<string, string?> AuditData(Dictionary<string, string?>? data)
    {
        var all = new Dictionary<string, string?>(data ?? []);
        if (IsCommandLine) all["via"] = "command-line";
        return all;
    }
}

/// <summary>
/// Checks the actor of an account change: an admin must be an enabled Admin with an enrolled authenticator and give a
/// current code (a used time step is refused; a wrong code counts towards the account's lockout, as at sign-in), so a
/// session left open, or a stolen cookie, cannot change accounts. The command line needs no code.
/// </summary>
internal static class ActingAdmin
{
    /// <summary>
    /// Null when <paramref name="actor"/> may act; else the refusal's resource key (the failure audited under
    /// <paramref name="action"/>). <paramref name="users"/> is the use case's own (a fresh scope, not a circuit's).
    /// </summary>
    public static async Task<string?> CheckAsync(UserManager<ApplicationUser> users, AuditLog audit, AccountActor actor, string action, string? targetUserId)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.IsCommandLine) return null;
        var admin = await users.FindByIdAsync(actor.UserId!);
        string? error;
        if (admin is null || !await users.IsInRoleAsync(admin, Roles.Admin) || DisabledAccounts.IsDisabled(admin)) error = AccountAdminErrors.NotAnAdmin;
        else if (!await users.GetTwoFactorEnabledAsync(admin)) error = AccountAdminErrors.NoAuthenticator;
        else if (string.IsNullOrWhiteSpace(actor.Code)) error = AccountAdminErrors.CodeRequired;
        else if (await users.IsLockedOutAsync(admin)) error = AccountAdminErrors.LockedOut;
        else if (!await users.VerifyTwoFactorTokenAsync(admin, users.Options.Tokens.AuthenticatorTokenProvider, OtpNetAuthenticatorTokenProvider.Normalize(actor.Code)))
        {
            await users.AccessFailedAsync(admin);
            error = AccountAdminErrors.WrongCode;
        }
        else error = null;

        if (error is not null)
            await audit.WriteDurableAsync(new AuditRecord(action, ActorUserId: actor.UserId, ActorRole: Roles.Admin, TargetType: "user",
                TargetId: targetUserId, Data: new Dictionary<string, string?> { ["result"] = AccountAdminErrors.AuditResult(error) }), CancellationToken.None);
        return error;
    }
}

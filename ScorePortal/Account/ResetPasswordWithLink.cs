using Microsoft.AspNetCore.Identity;
using ScorePortal.Account.Sessions;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Account;

/// <param name="UserId">From the link.</param>
/// <param name="Code">From the link (<see cref="AccountLinks.PasswordReset"/>).</param>
/// <param name="Source">The client's limit key, for the audit log.</param>
public sealed record PasswordResetInput(string? UserId, string? Code, string NewPassword, string? Source);

/// <summary>The link's state, and the password rules' messages when the new password was refused (empty when it was set).</summary>
public sealed record PasswordResetResult(AccountLinkState Link, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Link == AccountLinkState.Valid && Errors.Count == 0;
}

/// <summary>
/// Sets a new password from a reset link. The link works once (its hash is spent in the limits store, and the reset
/// rotates the security stamp, which spends every other link) and only for its lifetime. A reset ends every session
/// of the account: their rows are deleted (their cookies stop at once) and the new stamp ends what the stamp check
/// guards. The address is confirmed by the mail that carried the link; an admin-given password counts as changed.
/// </summary>
public sealed class ResetPasswordWithLink(UserManager<ApplicationUser> users, AccountLinks links, ILimitsStore limits, AccountSessions sessions,
    AuditLog audit, TimeProvider time, ILogger<ResetPasswordWithLink> logger)
{
    /// <summary>The account a link names, for the page to check the link before it shows the form.</summary>
    public async Task<(ApplicationUser? User, AccountLinkState State)> CheckAsync(string? userId, string? code)
    {
        var user = string.IsNullOrEmpty(userId) || userId.Length > 128 ? null : await users.FindByIdAsync(userId);
        return (user, links.Check(AccountLinks.PasswordReset, code, user, out _));
    }

    public async Task<PasswordResetResult> HandleAsync(PasswordResetInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (user, state) = await CheckAsync(input.UserId, input.Code);
        if (state != AccountLinkState.Valid || user is null)
        {
            await AuditAsync(user?.Id, "link-" + state.ToString().ToLowerInvariant(), input.Source);
            return new(state, []);
        }

        // The rules first: a refused password does not spend the link.
        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var rules = await validator.ValidateAsync(users, user, input.NewPassword);
            if (!rules.Succeeded) errors.AddRange(rules.Errors.Select(e => e.Description));
        }
        if (errors.Count > 0)
        {
            await AuditAsync(user.Id, "refused", input.Source);
            return new(state, [.. errors.Distinct()]);
        }
        if (!await limits.TrySpendAsync(AccountLinks.SpentKey(input.Code!), time.GetUtcNow().AddDays(1)))
        {
            await AuditAsync(user.Id, "link-spent", input.Source);
            return new(AccountLinkState.Spent, []);
        }

        // Identity's own reset (hash, rules, stamp rotation) with a token made here: the link above was the proof.
        var token = await users.GeneratePasswordResetTokenAsync(user);
        user.EmailConfirmed = true;
        user.MustChangePassword = false;
        var result = await users.ResetPasswordAsync(user, token, input.NewPassword);
        if (!result.Succeeded)
        {
            await AuditAsync(user.Id, "refused", input.Source);
            return new(state, [.. result.Errors.Select(e => e.Description).Distinct()]);
        }
        var ended = await sessions.EndOthersAsync(user.Id, keep: null, ct);
        await AuditAsync(user.Id, "reset", input.Source, ended);
        logger.LogInformation("Account {UserId} reset its password", user.Id);
        return new(state, []);
    }

    private Task AuditAsync(string? userId, string outcome, string? source, int? sessionsEnded = null) =>
        audit.WriteDurableAsync(new(AuditActions.PasswordReset, ActorUserId: userId, TargetType: "user", TargetId: userId, SourceIp: source,
            Data: new Dictionary<string, string?>
            {
                ["outcome"] = outcome,
                ["sessionsEnded"] = sessionsEnded?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }));
}

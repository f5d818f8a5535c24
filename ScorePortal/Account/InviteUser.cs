using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;

namespace ScorePortal.Account;

/// <param name="Email">The person's address; it becomes the user name.</param>
/// <param name="DisplayName">How lists name the person (optional).</param>
/// <param name="Roles">The roles the account gets (never Candidate: candidates register themselves).</param>
/// <param name="Culture">The language of the email and of the page its link opens (zh-CN or en-US).</param>
/// <param name="LandingPath">A local path the person is sent to once the password and authenticator are set up.</param>
/// <param name="InvitedBy">The inviting admin's user id.</param>
/// <param name="RequestBase">The portal's address as the admin reached it; <c>Portal:PublicBaseUrl</c> wins when set.</param>
public sealed record InviteUserRequest(string? Email, string? DisplayName, IReadOnlyList<string> Roles, string? Culture,
    string LandingPath, string InvitedBy, Uri RequestBase);

/// <summary>What an invitation came to: the new account's id, or refusals (resource keys) by form field.</summary>
public sealed record InviteOutcome(string? UserId, IReadOnlyList<EditError> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public static InviteOutcome Refused(string field, string key, params object[] args) => new(null, [new EditError(field, key, args)]);
}

/// <summary>
/// An admin invites a person: an account with the address as its user name, the given roles and no password, and one
/// email with a link to <c>/Account/AcceptInvite</c> where the person chooses a password (then signs in and enrolls an
/// authenticator, every invited role being privileged). The address counts as confirmed only once the link is used.
/// The account, its roles, whatever the caller adds (<c>alsoInTransaction</c>: an enterprise
/// membership, a province) and the email commit together or not at all. An
/// address that already has an account is refused, saying no more than that (not whose, not which roles).
/// Reused for enterprise members (<c>Features/Enterprises/Admin/InviteEnterpriseMember</c>) and staff accounts.
/// </summary>
public sealed class InviteUser(IServiceScopeFactory scopes, InviteTokens tokens, Notices notices, AuditLog audit, TimeProvider time,
    IOptions<EmailConfirmationOptions> links, ILogger<InviteUser> logger)
{
    public const string AcceptPath = "Account/AcceptInvite";
    public const string EmailInUse = "Account.Invite.EmailInUse";
    public const string DisplayNameTooLong = "Account.Invite.DisplayNameTooLong";
    public const string IdentityRefused = "Account.Invite.Refused";
    public const int DisplayNameMaxLength = 100;
    public const int EmailMaxLength = 256;

    public async Task<InviteOutcome> HandleAsync(InviteUserRequest request,
        Func<ScorePortalDbContext, ApplicationUser, CancellationToken, Task>? alsoInTransaction = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Roles.Count == 0 || request.Roles.Any(r => !Security.Roles.All.Contains(r) || r == Security.Roles.Candidate))
            throw new ArgumentException("An invitation gives one or more staff-side roles.", nameof(request));

        var email = request.Email?.Trim() ?? "";
        if (email.Length == 0) return InviteOutcome.Refused("Email", "Validation.EmailRequired");
        if (!IsEmail(email)) return InviteOutcome.Refused("Email", "Identity.InvalidEmail");
        var displayName = request.DisplayName?.Trim();
        if (displayName is { Length: > DisplayNameMaxLength }) return InviteOutcome.Refused("DisplayName", DisplayNameTooLong, DisplayNameMaxLength);
        var culture = Culture(request.Culture);

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        if (await users.FindByEmailAsync(email) is not null) return await RefusedInUseAsync(request);

        var user = new ApplicationUser
        {
            UserName = email, Email = email, EmailConfirmed = false, DisplayName = string.IsNullOrEmpty(displayName) ? null : displayName,
            CreatedAt = time.GetUtcNow(),
        };
        // UserManager saves through this scope's context: one transaction around it makes the account, its roles, the
        // caller's rows and the email one change. Leaving without commit rolls everything back.
        // The same address invited at the same moment ends as "in use": refused, rolled back when the work returns, and
        // audited after that (the audit writer must not wait for this transaction's lock; on SQLite it would).
        var (refusal, inUse) = await db.InTransactionAsync<(InviteOutcome? Refusal, bool InUse)>(async (transaction, ct) =>
        {
            IdentityResult created;
            try
            {
                created = await users.CreateAsync(user);
            }
            catch (DbUpdateException ex) when (!SqliteRetryingExecutionStrategy.IsTransient(ex))
            {
                return (null, true);
            }
            if (!created.Succeeded)
            {
                var duplicate = new[] { users.ErrorDescriber.DuplicateEmail(email).Code, users.ErrorDescriber.DuplicateUserName(email).Code };
                if (created.Errors.Any(e => duplicate.Contains(e.Code))) return (null, true);
                return (new InviteOutcome(null, created.Errors.Select(e => new EditError("Email", IdentityRefused, e.Description)).ToList()), false);
            }
            var roles = await users.AddToRolesAsync(user, request.Roles);
            if (!roles.Succeeded)
                throw new InvalidOperationException("The invited account's roles could not be given: " + string.Join(", ", roles.Errors.Select(e => e.Code)));
            if (alsoInTransaction is not null) await alsoInTransaction(db, user, ct);
            Send(db, user, culture, request.LandingPath, request.RequestBase);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (null, false);
        }, async ct => await db.Users.AsNoTracking().AnyAsync(u => u.Id == user.Id, ct)
            ? DatabaseTransactions.Committed<(InviteOutcome? Refusal, bool InUse)>((null, false)) // created: a second run would find the address "in use"
            : DatabaseTransactions.NotCommitted<(InviteOutcome? Refusal, bool InUse)>(), ct);
        if (inUse) return await RefusedInUseAsync(request);
        if (refusal is not null) return refusal;

        logger.LogInformation("Admin {AdminId} invited account {UserId}", request.InvitedBy, user.Id);
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.InviteAccount, ActorUserId: request.InvitedBy, ActorRole: Security.Roles.Admin,
            TargetType: "user", TargetId: user.Id,
            Data: new Dictionary<string, string?> { ["roles"] = string.Join(',', request.Roles), ["culture"] = culture, ["result"] = "invited" }), CancellationToken.None);
        return new InviteOutcome(user.Id, []);
    }

    /// <summary>Adds the invitation email for <paramref name="user"/> (as stored now: its stamp) to <paramref name="db"/>'s outbox.</summary>
    internal void Send(ScorePortalDbContext db, ApplicationUser user, string culture, string landingPath, Uri requestBase)
    {
        var root = links.Value.PublicBaseUrl ?? new Uri(requestBase.GetLeftPart(UriPartial.Authority) + "/");
        var link = QueryHelpers.AddQueryString(new Uri(root, AcceptPath).AbsoluteUri, new Dictionary<string, string?>
        {
            ["userId"] = user.Id,
            ["code"] = tokens.Create(user),
            ["culture"] = culture,
            ["returnUrl"] = LocalizationExtensions.SafeLocalUrl(landingPath),
        });
        notices.Send(db, new NoticeRecipient(user.Email!, culture), AccountNotices.Invite(link, tokens.Lifetime));
    }

    /// <summary>zh-CN or en-US; anything else reads as zh-CN.</summary>
    internal static string Culture(string? culture) =>
        LocalizationExtensions.SupportedCultures.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase))
        ?? LocalizationExtensions.DefaultCulture;

    /// <summary>One plain address (no display name, no list), with a dot in its domain.</summary>
    internal static bool IsEmail(string value) =>
        value.Length <= EmailMaxLength && MailAddress.TryCreate(value, out var address) && address.Address == value
        && address.Host.Contains('.', StringComparison.Ordinal) && !address.Host.StartsWith('.') && !address.Host.EndsWith('.');

    private async Task<InviteOutcome> RefusedInUseAsync(InviteUserRequest request)
    {
        // The address is not written down: the entry says an invitation was refused, and by whom.
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.InviteAccount, ActorUserId: request.InvitedBy, ActorRole: Security.Roles.Admin,
            TargetType: "user", Data: new Dictionary<string, string?> { ["roles"] = string.Join(',', request.Roles), ["result"] = "email-in-use" }),
            CancellationToken.None);
        return InviteOutcome.Refused("Email", EmailInUse);
    }
}

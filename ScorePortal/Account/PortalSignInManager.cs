using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Account;

/// <summary>
/// Identity's sign-in manager, with a passkey sign-in that says how strong it was: Identity's own
/// <c>PasskeySignInAsync</c> signs in with <c>amr=pwd</c>, as if a password had been typed. A user-verified passkey is
/// something the person has (the device) and is or knows (fingerprint, face, device PIN), so it signs in with
/// <c>amr=mfa</c> (<see cref="MfaRequirement"/>), except for an account of a privileged role that has no authenticator
/// yet: the command line and the admin changes ask for authenticator codes, so a passkey does not replace enrollment.
/// </summary>
public sealed class PortalSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    /// <summary>The account that the last <see cref="PasskeySignInAsync"/> of this request signed in (for the audit entry).</summary>
    public ApplicationUser? PasskeyUser { get; private set; }

    /// <summary>Whether that sign-in counted as multi-factor.</summary>
    public bool PasskeyWasMultiFactor { get; private set; }

    public override async Task<SignInResult> PasskeySignInAsync(string credentialJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(credentialJson);
        PasskeyUser = null;
        PasskeyWasMultiFactor = false;
        var assertion = await PerformPasskeyAssertionAsync(credentialJson);
        if (!assertion.Succeeded) return SignInResult.Failed;
        var user = assertion.User;
        PasskeyUser = user;
        // A disabled or locked-out account (lockout comes from wrong second-factor codes) is refused like at password sign-in.
        if (await PreSignInCheck(user) is { } refused) return refused;
        // The sign count and flags the authenticator reported this time.
        if (!(await UserManager.AddOrUpdatePasskeyAsync(user, assertion.Passkey)).Succeeded) return SignInResult.Failed;
        PasskeyWasMultiFactor = await CountsAsMultiFactorAsync(UserManager, user, assertion.Passkey);
        await ResetLockout(user);
        await SignInWithClaimsAsync(user, isPersistent: false, Claims(PasskeyWasMultiFactor));
        return SignInResult.Success;
    }

    /// <summary>
    /// A passkey counts as a second factor when the authenticator verified the person (fingerprint, face, PIN), for every
    /// role, as long as an account of a privileged role has also enrolled its authenticator.
    /// </summary>
    public static async Task<bool> CountsAsMultiFactorAsync(UserManager<ApplicationUser> users, ApplicationUser user, UserPasskeyInfo passkey) =>
        passkey.IsUserVerified
        && (!(await users.GetRolesAsync(user)).Intersect(Roles.Privileged).Any() || await users.GetTwoFactorEnabledAsync(user));

    /// <summary>The claims a passkey sign-in adds to the account's own: what the portal checks (amr=mfa) and how (passkey).</summary>
    internal static IEnumerable<Claim> Claims(bool multiFactor)
    {
        yield return new Claim(MfaRequirement.AmrClaim, PasskeyMethod);
        if (multiFactor) yield return new Claim(MfaRequirement.AmrClaim, MfaRequirement.MfaValue);
    }

    /// <summary>The amr value recorded for a passkey sign-in (kept across security-stamp refreshes with the other amr values).</summary>
    public const string PasskeyMethod = "passkey";
}

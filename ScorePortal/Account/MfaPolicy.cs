using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace ScorePortal.Account;

/// <summary>The session was established with a second factor (Identity sets amr=mfa on two-factor sign-in).</summary>
public sealed class MfaRequirement : IAuthorizationRequirement
{
    public const string AmrClaim = "amr";
    public const string MfaValue = "mfa";

    public static bool IsSatisfiedBy(ClaimsPrincipal user) =>
        user.HasClaim(AmrClaim, MfaValue);
}

internal sealed class MfaRequirementHandler : AuthorizationHandler<MfaRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MfaRequirement requirement)
    {
        if (MfaRequirement.IsSatisfiedBy(context.User)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A privileged user who signed in without a second factor is sent to enroll (or confirm) an authenticator,
/// instead of to "access denied".
/// </summary>
internal sealed class EnrollmentRedirectResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden
            && context.User.Identity?.IsAuthenticated == true
            && result.AuthorizationFailure?.FailedRequirements.OfType<MfaRequirement>().Any() == true
            && !result.AuthorizationFailure.FailedRequirements.OfType<RolesAuthorizationRequirement>().Any())
        {
            var returnUrl = context.Request.Path + context.Request.QueryString;
            context.Response.Redirect($"/Account/Authenticator?returnUrl={Uri.EscapeDataString(returnUrl)}");
            return Task.CompletedTask;
        }
        return _default.HandleAsync(next, context, policy, result);
    }
}

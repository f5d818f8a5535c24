using System.Net;
using Microsoft.AspNetCore.Authorization;
using ScorePortal.Account;

namespace ScorePortal.Operations;

/// <summary>
/// Who may read the portal's operational details (database health, open circuits, timings; the same rule for any
/// metrics endpoint): a client on the machine itself (a monitoring agent, the bench scripts) or a signed-in admin with
/// a second factor. Everyone else gets the status word only. The address is the client's as the trusted proxy reported
/// it (<see cref="TrustedProxies"/>), so a visitor coming through nginx is never loopback; a forwarded address from
/// anyone else is ignored.
/// </summary>
public static class OperationalDetails
{
    public static async Task<bool> AllowedAsync(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)
        || context.User.Identity?.IsAuthenticated == true
           && (await context.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(context.User, Policies.AdminArea)).Succeeded;
}

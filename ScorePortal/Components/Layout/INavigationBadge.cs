using System.Security.Claims;

namespace ScorePortal.Components.Layout;

/// <summary>
/// A count shown on an area's link in the header (say, open review requests on the staff link). The layout names no
/// feature: a feature registers an implementation (<c>services.AddScoped&lt;INavigationBadge, …&gt;()</c>), and
/// <c>AreaLinks</c> asks the one for the area's role, once per page view, only for users in that role.
/// </summary>
public interface INavigationBadge
{
    /// <summary>The role whose area link carries the badge (<see cref="Security.Roles"/>).</summary>
    string Role { get; }

    /// <summary>The number to show; 0 shows no badge.</summary>
    Task<int> CountAsync(ClaimsPrincipal user, CancellationToken ct);
}

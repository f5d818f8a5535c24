using System.Security.Claims;
using ScorePortal.Components.Layout;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

/// <summary>The staff link's badge: open review requests of the staff account's province.</summary>
internal sealed class OpenReviewsBadge(ReviewQueue queue) : INavigationBadge
{
    public string Role => Roles.Staff;

    public Task<int> CountAsync(ClaimsPrincipal user, CancellationToken ct) =>
        queue.OpenCountAsync(user.FindFirst(ClaimTypes.NameIdentifier)?.Value, ct);
}

using System.Globalization;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Catalog;

/// <summary>The audit entry of a catalog edit: which item and which of its fields changed, never their values.</summary>
internal static class CatalogAudit
{
    public static AuditRecord Change(string action, string? userId, string targetType, string targetId, string operation,
        IEnumerable<string>? changed = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var data = new Dictionary<string, string?> { ["operation"] = operation };
        if (changed is not null) data["changed"] = string.Join(',', changed);
        if (extra is not null) foreach (var (k, v) in extra) data[k] = v;
        return new AuditRecord(action, ActorUserId: userId, ActorRole: Roles.Admin, TargetType: targetType, TargetId: targetId, Data: data);
    }

    public static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Enterprises.Admin;

/// <summary>
/// The audit entries of the enterprise admin: which enterprise, key or account, and what was done, never a key, a
/// contact's name or address.
/// </summary>
internal static class EnterpriseAudit
{
    public static AuditRecord Enterprise(string action, string adminUserId, int enterpriseId, Dictionary<string, string?>? data = null) =>
        new(action, ActorUserId: adminUserId, ActorRole: Roles.Admin, TargetType: "enterprise", TargetId: Id(enterpriseId), Data: data);

    public static AuditRecord Key(string action, string adminUserId, int enterpriseId, int keyId, Dictionary<string, string?>? data = null)
    {
        var all = new Dictionary<string, string?>(data ?? []) { ["enterpriseId"] = Id(enterpriseId) };
        return new(action, ActorUserId: adminUserId, ActorRole: Roles.Admin, TargetType: "api-key", TargetId: Id(keyId), Data: all);
    }

    public static AuditRecord Member(string action, string adminUserId, int enterpriseId, string? userId, Dictionary<string, string?>? data = null)
    {
        var all = new Dictionary<string, string?>(data ?? []) { ["enterpriseId"] = Id(enterpriseId) };
        return new(action, ActorUserId: adminUserId, ActorRole: Roles.Admin, TargetType: "user", TargetId: userId, Data: all);
    }

    public static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}

using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Account.Admin;

/// <summary>The audit entries of account changes: which account, what changed, by whom; never an address or a name.</summary>
internal static class AccountAdminAudit
{
    public static AuditRecord Record(string action, AccountActor actor, string? targetUserId, Dictionary<string, string?> data) =>
        new(action, ActorUserId: actor.UserId, ActorRole: Roles.Admin, TargetType: "user", TargetId: targetUserId,
            Data: actor.AuditData(actor.IsCommandLine ? new(data) { ["osUser"] = actor.OperatingSystemUser } : data));

    public static AuditRecord Grant(string action, AccountActor actor, int grantId, string? targetUserId, Dictionary<string, string?> data) =>
        new(action, ActorUserId: actor.UserId, ActorRole: Roles.Admin, TargetType: "admin-grant",
            TargetId: grantId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Data: actor.AuditData(new(data) { ["userId"] = targetUserId }));
}

using System.Globalization;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Enterprises.Webhooks;

/// <summary>The audit entries of the webhook settings and re-sends: ids, outcomes and hosts; never a secret or a full URL.</summary>
internal static class WebhookAudit
{
    public const string Done = "done";
    public const string Refused = "refused";

    public static AuditRecord Record(string action, string? userId, string actorRole, string targetType, string targetId, int enterpriseId,
        string outcome, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var data = new Dictionary<string, string?>
        {
            ["enterpriseId"] = enterpriseId.ToString(CultureInfo.InvariantCulture),
            ["outcome"] = outcome,
        };
        if (extra is not null)
            foreach (var (key, value) in extra) data[key] = value;
        return new AuditRecord(action, ActorUserId: userId, ActorRole: actorRole, TargetType: targetType, TargetId: targetId, Data: data);
    }

    public static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}

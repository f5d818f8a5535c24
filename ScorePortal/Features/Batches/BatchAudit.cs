using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Batches;

/// <summary>
/// Audit entries of batch actions: every one names the batch and carries its fingerprint, refusals included.
/// Free text (reasons) is referenced by its SHA-256 only: it is stored on the batch and may name people.
/// </summary>
internal static class BatchAudit
{
    public const string Done = "done";
    public const string Refused = "refused";

    public static AuditRecord Record(string action, string userId, int batchId, string? fingerprint, string result,
        IEnumerable<KeyValuePair<string, string?>>? extra = null)
    {
        var data = new Dictionary<string, string?>
        {
            ["fingerprint"] = fingerprint,
            ["result"] = result,
        };
        if (extra is not null)
        {
            foreach (var (key, value) in extra) data[key] = value;
        }
        return new AuditRecord(action,
            ActorUserId: userId,
            ActorRole: userId == BatchPublisher.SystemUserId ? "System" : Roles.Admin,
            TargetType: "batch",
            TargetId: batchId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Data: data);
    }

    public static AuditRecord Refusal(string action, string userId, int batchId, string? fingerprint, string errorKey) =>
        Record(action, userId, batchId, fingerprint, Refused, [new("error", errorKey)]);

    public static string ReasonHash(string reason) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(reason)));
}

using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Alerts;

/// <param name="BlockKey">The block's key as listed (<see cref="AnomalyDetector.ActiveBlocksAsync"/>): a keyed hash, no address.</param>
public sealed record LiftAddressBlockRequest(string AdminUserId, string BlockKey, string? Reason);

/// <summary>
/// An admin lifts an address's lookup block (a school's network blocked by mistake, say): the lookups from that address
/// are served again at once, and the lift is audited with the admin's reason. Refused without a reason.
/// </summary>
public sealed class LiftAddressBlock(AnomalyDetector detector, AuditLog audit, ILogger<LiftAddressBlock> logger)
{
    public const int ReasonMaxLength = 500;

    /// <summary>Null when lifted; otherwise a resource key saying why not.</summary>
    public async Task<string?> HandleAsync(LiftAddressBlockRequest request, CancellationToken ct = default)
    {
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length == 0) return "Alerts.Lift.ReasonRequired";
        if (reason.Length > ReasonMaxLength) return "Alerts.Lift.ReasonTooLong";
        if (!await detector.LiftBlockAsync(request.BlockKey)) return "Alerts.Lift.NotBlocked";

        logger.LogInformation("Admin {AdminId} lifted the lookup block {BlockKey}", request.AdminUserId, request.BlockKey);
        // The key is the address's keyed hash, never the address; the reason is the admin's own words.
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.AddressBlockLift, ActorUserId: request.AdminUserId, ActorRole: Roles.Admin,
            TargetType: "address-block", TargetId: request.BlockKey[AnomalyDetector.BlockPrefix.Length..],
            Data: new Dictionary<string, string?> { ["reason"] = reason }), ct);
        return null;
    }
}

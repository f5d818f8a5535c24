using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Enterprises.Admin;

/// <param name="Text">CIDR blocks, one per line, as typed; empty allows any address.</param>
public sealed record UpdateAllowedNetworksRequest(int EnterpriseId, string? Text, string AdminUserId);

/// <summary>
/// An admin sets the addresses an enterprise's keys may call from (<see cref="AllowedNetworks"/>). Every line must be
/// a block (IPv4 or IPv6) or a single address; one bad line refuses the whole list, with a message naming each bad
/// line, so a typo never silently opens or closes access. What is stored is the canonical form, one block per line.
/// The API reads the list on every call: a change applies to the next call.
/// </summary>
public sealed class UpdateAllowedNetworks(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit)
{
    public const string Field = nameof(Enterprise.AllowedNetworks);

    public async Task<EditResult> HandleAsync(UpdateAllowedNetworksRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (networks, errors) = AllowedNetworks.Parse(request.Text);
        if (errors.Count > 0) return EditResult.Refused(errors.Select(e => new EditError(Field, e.Key, e.Args)).ToList());
        var stored = AllowedNetworks.Format(networks);
        if (stored.Length > Enterprise.AllowedNetworksMaxLength)
            return EditResult.Refused(Field, EditValidator.TooLong, Enterprise.AllowedNetworksMaxLength);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var enterprise = await db.Enterprises.FirstOrDefaultAsync(e => e.Id == request.EnterpriseId, ct);
        if (enterprise is null) return EditResult.Refused("", UpdateEnterprise.NotFound);
        if (enterprise.AllowedNetworks == stored) return EditResult.Saved(enterprise.Id);
        enterprise.AllowedNetworks = stored;
        await db.SaveChangesAsync(ct);
        await audit.WriteDurableAsync(EnterpriseAudit.Enterprise(AuditActions.EnterpriseNetworks, request.AdminUserId, enterprise.Id,
            new Dictionary<string, string?>
            {
                ["blocks"] = EditValidator.Invariant(networks.Count),
                ["ipv6Blocks"] = EditValidator.Invariant(networks.Count(n => n.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)),
            }), CancellationToken.None);
        return EditResult.Saved(enterprise.Id);
    }
}

using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Audit;

public static class AuditExtensions
{
    /// <summary>The audit trail's own surface: the <c>verify-audit</c> and <c>archive-audit</c> commands (the log itself is <c>AddAuditLog</c>).</summary>
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddPortalCommand(VerifyAuditCommand.Command);
        builder.Services.AddPortalCommand(ArchiveAuditCommand.Command);
        return builder;
    }

    public static WebApplication MapAudit(this WebApplication app)
    {
        // Checkpoints with the public key, for safekeeping outside the portal (the verifier needs no secret).
        app.MapGet("/admin/audit/checkpoints.json", async (AuditSigner signer, Microsoft.EntityFrameworkCore.IDbContextFactory<Data.ScorePortalDbContext> dbFactory) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var checkpoints = Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(db.AuditCheckpoints)
                .OrderBy(c => c.UpToSequence).ToList();
            return TypedResults.Json(new
            {
                format = "ScorePortal audit checkpoints v1",
                statement = "ScorePortal audit checkpoint|{upToSequence}|{hash}|{createdAt:yyyy-MM-ddTHH:mm:ss.fffZ}, ECDSA P-256 with SHA-256",
                keyId = signer.KeyId,
                publicKeyPem = signer.PublicKeyPem,
                checkpoints = checkpoints.Select(c => new { c.UpToSequence, c.Hash, c.CreatedAt, c.KeyId, c.Signature }),
            });
        }).RequireAuthorization(Policies.AdminArea);
        app.MapGet(ExportAuditLog.Path, ExportAuditLog.HandleAsync).RequireAuthorization(Policies.AdminArea)
            .WithRequestTimeout(ScorePortal.Operations.RequestTimeouts.Upload);
        return app;
    }
}
